// A packet's walk through the gateway, one function per decision:
//
//   Process ── ParseEthernet (l2.h) ─┬─ IPv4: CheckIpv4 (ip_check.h) → RouteIpv4
//                                    ├─ IPv6: CheckIpv6 → RouteIpv6
//                                    └─ ARP: ArpInput → the control thread
//   RouteIpvX: route lookup on the destination →
//     kNone   : ICMP destination unreachable (icmp.h)
//     kLocal  : Local4 / Local6: reassembly of fragments; protocol 4/41 → Decap (decap.h) →
//               RouteIpv4 / RouteIpv6 of the inner, once; ICMP echo → reply (icmp.h);
//               Neighbour Discovery → the control thread; UDP → port unreachable
//     kPort   : OutputIpvX (output.h): TTL−1, MTU (ICMP too big / fragments), neighbour, Ethernet
//     kTunnel : Encap (encap.h): TTL−1, outer header, underlay route, MTU, neighbour, Ethernet
//   TTL expiring on a packet to forward: ICMP time exceeded.
//
// Every path that forwards takes exactly one TTL / hop limit off the packet that leaves; packets
// the gateway originates (ICMP) start with a full one. A next hop without a neighbour entry sends
// the packet to the control thread, which resolves it (ARP / ND) and sends it on.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/decap.h"
#include "dataplane/encap.h"
#include "dataplane/icmp.h"
#include "dataplane/ip_check.h"
#include "dataplane/l2.h"
#include "dataplane/output.h"

namespace gw::dp {

inline uint16_t RouteIpv4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;
inline uint16_t RouteIpv6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;
inline uint16_t Local4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;

// Counts `why` and answers with an ICMP error, unless the frame came as an L2 broadcast.
[[gnu::cold]] inline uint16_t DropWithError4(Ctx& ctx, rte_mbuf* m, Drop why, bool l2_broadcast,
                                             uint8_t type, uint8_t code) noexcept {
  ctx.c->CountDrop(why);
  return l2_broadcast ? kDropped : IcmpError4(ctx, m, type, code, 0);
}
[[gnu::cold]] inline uint16_t DropWithError6(Ctx& ctx, rte_mbuf* m, Drop why, bool l2_broadcast,
                                             uint8_t type, uint8_t code) noexcept {
  ctx.c->CountDrop(why);
  return l2_broadcast ? kDropped : IcmpError6(ctx, m, type, code, 0);
}

// Makes the first segment of a chain hold at least `len` bytes (or the whole packet), moving
// them from the segments after it, so that headers split across fragments can be read in place.
[[gnu::cold]] inline void PullUp(rte_mbuf* m, uint32_t len) noexcept {
  len = std::min(len, m->pkt_len);
  if (m->data_len >= len || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
      rte_pktmbuf_tailroom(m) < len - m->data_len)
    return;
  while (m->data_len < len && m->next != nullptr) {
    rte_mbuf* n = m->next;
    const uint16_t take = static_cast<uint16_t>(std::min<uint32_t>(len - m->data_len, n->data_len));
    std::memcpy(rte_pktmbuf_mtod_offset(m, uint8_t*, m->data_len), rte_pktmbuf_mtod(n, uint8_t*),
                take);
    m->data_len = static_cast<uint16_t>(m->data_len + take);
    n->data_off = static_cast<uint16_t>(n->data_off + take);
    n->data_len = static_cast<uint16_t>(n->data_len - take);
    if (n->data_len == 0) {
      m->next = n->next;
      n->next = nullptr;
      --m->nb_segs;
      rte_pktmbuf_free_seg(n);
    }
  }
}

// A fragment addressed to the gateway: into this worker's reassembly table; once whole, the
// packet continues its walk here and is sent from here.
[[gnu::cold]] inline uint16_t Reassemble4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast,
                                          bool decapped) noexcept {
  if (ctx.io == nullptr || ctx.io->frag_tbl == nullptr) return Dropped(ctx, Drop::fragment);
  rte_ip_frag_death_row* dr = ctx.io->death_row;
  if (dr->cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - 2 * (RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1)) {
    ctx.c->CountDrop(Drop::fragment, dr->cnt);  // (full: empty it before the table adds more)
    rte_ip_frag_free_death_row(dr, 0);
  }
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
  m->l2_len = 0;
  m->l3_len = (ip->version_ihl & 0x0f) * 4u;
  rte_mbuf* whole = rte_ipv4_frag_reassemble_packet(ctx.io->frag_tbl, dr, m, rte_rdtsc(), ip);
  if (whole == nullptr) return kConsumed;  // waiting for the rest, or on the death row
  ctx.c->Count(Event::reassembled);
  // The outer header, an inner header (with options) and the start of what follows: in one piece.
  PullUp(whole, whole->l3_len + 60 + 8);
  auto* wip = rte_pktmbuf_mtod(whole, rte_ipv4_hdr*);
  wip->hdr_checksum = 0;
  wip->hdr_checksum = rte_ipv4_cksum(wip);
  const uint16_t out = Local4(ctx, whole, l2_broadcast, decapped);
  if (out < kConsumed)
    Send(ctx, out, whole);
  else if (out == kDropped)
    rte_pktmbuf_free(whole);
  return kConsumed;
}

// IPv4 addressed to one of the gateway's addresses.
inline uint16_t Local4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
      [[unlikely]]
    return Reassemble4(ctx, m, l2_broadcast, decapped);
  switch (ip->next_proto_id) {
    case IPPROTO_IPIP:
    case IPPROTO_IPV6: {
      if (decapped) return Dropped(ctx, Drop::nested_tunnel);
      const uint8_t inner = Decap(ctx, m);
      if (inner == 0) return kDropped;
      return inner == IPPROTO_IPIP ? RouteIpv4(ctx, m, false, true) : RouteIpv6(ctx, m, false, true);
    }
    case IPPROTO_ICMP:
      return Icmp4Local(ctx, m);
    case IPPROTO_UDP:  // nothing listens: port unreachable, as Linux
      return DropWithError4(ctx, m, Drop::local_unsupported, l2_broadcast, 3, 3);
    case IPPROTO_TCP:  // (Linux would answer with a RST)
      return Dropped(ctx, Drop::local_unsupported);
    default:
      return DropWithError4(ctx, m, Drop::local_unsupported, l2_broadcast, 3, 2);
  }
}

// A validated IPv4 packet at the mbuf data.
inline uint16_t RouteIpv4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  if (IsNotUnicast4(ip->dst_addr)) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  const uint32_t v = RouteLookup4(ctx, ip->dst_addr);
  const NextHop& nh = *ctx.t->nexthops.Record(v);
  switch (nh.kind) {
    case NhKind::kNone:
      return DropWithError4(ctx, m, Drop::no_route, l2_broadcast, 3, 0);
    case NhKind::kLocal:
      return Local4(ctx, m, l2_broadcast, decapped);
    case NhKind::kPort:
    case NhKind::kTunnel:
      break;
  }
  // Linux forwards only frames addressed to it (ip_forward: pkt_type == PACKET_HOST).
  if (l2_broadcast) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  if (ip->time_to_live <= 1) [[unlikely]]
    return DropWithError4(ctx, m, Drop::ttl_exceeded, false, 11, 0);
  if (nh.kind == NhKind::kPort) return OutputIpv4(ctx, m, nh);
  const Inner in{IPPROTO_IPIP, kCarryIpv4, ip->type_of_service,
                 static_cast<uint16_t>(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)),
                 ip->dst_addr};
  return EncapRoute(ctx, m, v, nh, in);
}

// ---- IPv6 ----

inline constexpr uint8_t kNdNs = 135;
inline constexpr uint8_t kNdNa = 136;

// Neighbour Solicitation / Advertisement (RFC 4861 7.1.1, 7.1.2): checked here, answered and
// learned from by the control thread.
[[gnu::cold]] inline uint16_t NdiscInput(Ctx& ctx, rte_mbuf* m) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  const auto* h = rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
  const uint32_t len = m->pkt_len - static_cast<uint32_t>(sizeof(rte_ipv6_hdr));
  if (ip->hop_limits != 255 || h[1] != 0 || len < 24 || m->data_len != m->pkt_len ||
      Icmp6Checksum(m) != 0 || h[8] == 0xff)  // (the sum over a valid message is 0xffff)
    return Dropped(ctx, Drop::bad_ndisc);
  const uint8_t* target = h + 8;
  const uint8_t* dst = ip->dst_addr;
  const bool to_us = Lookup6(ctx, dst) == kNhLocal;
  const bool solicited_node =
      dst[0] == 0xff && dst[1] == 0x02 && dst[11] == 0x01 && dst[12] == 0xff;
  const bool all_nodes = dst[0] == 0xff && dst[1] == 0x02 && dst[15] == 0x01 &&
                         std::all_of(dst + 2, dst + 15, [](uint8_t b) { return b == 0; });
  if (!to_us && !solicited_node && !all_nodes) return Dropped(ctx, Drop::not_for_us);
  if (h[0] == kNdNs && Lookup6(ctx, target) != kNhLocal) return Dropped(ctx, Drop::not_for_us);
  PuntMeta meta{};
  meta.kind = PuntKind::kNdisc;
  meta.port = m->port;
  return Punt(ctx, m, meta);
}

// IPv6 addressed to one of the gateway's addresses (no extension headers are followed).
inline uint16_t Local6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  if (ip->proto == IPPROTO_ICMPV6) {
    if (m->pkt_len < sizeof(rte_ipv6_hdr) + 8 || m->data_len != m->pkt_len ||
        Icmp6Checksum(m) != 0)
      return Dropped(ctx, Drop::bad_icmp);
    const uint8_t type = *rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
    if (type == 128) return Echo6(ctx, m);
    return Dropped(ctx, Drop::local_unsupported);
  }
  if (ip->proto == IPPROTO_UDP)
    return DropWithError6(ctx, m, Drop::local_unsupported, l2_broadcast, 1, 4);
  return Dropped(ctx, Drop::local_unsupported);
}

inline uint16_t RouteIpv6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
  (void)decapped;  // IPv6-outer tunnels do not exist here: nothing to decapsulate twice
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  if (ip->proto == IPPROTO_ICMPV6 && m->data_len > sizeof(rte_ipv6_hdr)) [[unlikely]] {
    const uint8_t type = *rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
    if ((type == kNdNs || type == kNdNa) && !decapped) return NdiscInput(ctx, m);
  }
  if (IsNotUnicast6(ip->dst_addr)) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  const uint32_t v = Lookup6(ctx, ip->dst_addr);
  const NextHop& nh = *ctx.t->nexthops.Record(v);
  switch (nh.kind) {
    case NhKind::kNone:
      return DropWithError6(ctx, m, Drop::no_route, l2_broadcast, 1, 0);
    case NhKind::kLocal:
      return Local6(ctx, m, l2_broadcast);
    case NhKind::kPort:
    case NhKind::kTunnel:
      break;
  }
  if (l2_broadcast) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  if (ip->hop_limits <= 1) [[unlikely]]
    return DropWithError6(ctx, m, Drop::ttl_exceeded, false, 3, 0);
  if (nh.kind == NhKind::kPort) return OutputIpv6(ctx, m, nh);
  const uint8_t tclass = static_cast<uint8_t>(rte_be_to_cpu_32(ip->vtc_flow) >> 20);
  const Inner in{IPPROTO_IPV6, kCarryIpv6, tclass, 0, 0};
  return EncapRoute(ctx, m, v, nh, in);
}

// ---- ARP ----

// RFC 826 over Ethernet/IPv4 only. Requests for a gateway address (any of them, as Linux's
// arp_ignore=0), replies, and gratuitous announcements go to the control thread.
[[gnu::cold]] inline uint16_t ArpInput(Ctx& ctx, rte_mbuf* m) noexcept {
  if (m->data_len < sizeof(rte_arp_hdr)) return Dropped(ctx, Drop::bad_arp);
  const auto* a = rte_pktmbuf_mtod(m, const rte_arp_hdr*);
  const uint16_t op = rte_be_to_cpu_16(a->arp_opcode);
  if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
      a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
      a->arp_plen != 4 || (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY))
    return Dropped(ctx, Drop::bad_arp);
  if (op == RTE_ARP_OP_REQUEST && a->arp_data.arp_sip != a->arp_data.arp_tip &&
      Lookup4(ctx, a->arp_data.arp_tip) != kNhLocal)
    return Dropped(ctx, Drop::not_for_us);
  PuntMeta meta{};
  meta.kind = PuntKind::kArp;
  meta.port = m->port;
  return Punt(ctx, m, meta);
}

// One received frame: returns the egress port, kDropped with the reason counted, or kConsumed.
inline uint16_t Process(Ctx& ctx, rte_mbuf* m, const PortState& in_port) noexcept {
  L2Info l2;
  if (!ParseEthernet(ctx, m, in_port, &l2)) return kDropped;
  if (l2.ether_type_be == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
    if (!CheckIpv4(ctx, m)) return kDropped;
    return RouteIpv4(ctx, m, l2.broadcast, false);
  }
  if (l2.ether_type_be == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
    if (!CheckIpv6(ctx, m)) return kDropped;
    return RouteIpv6(ctx, m, l2.broadcast, false);
  }
  if (l2.ether_type_be == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) return ArpInput(ctx, m);
  return Dropped(ctx, Drop::bad_ethertype);
}

}  // namespace gw::dp
