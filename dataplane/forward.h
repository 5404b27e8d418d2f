// A packet's walk through the gateway, one function per decision. This file only dispatches:
// the stages are in their own headers, and what the features do (tunnels: decap as a local
// protocol, encap as the output of next-hop kind kTunnel) is reached through the lists and hooks
// of dataplane/features.h.
//
//   Process ── ParseEthernet (l2.h) ─┬─ IPv4: CheckIpv4 (ip_check.h) → RouteIpv4
//                                    ├─ IPv6: CheckIpv6 → RouteIpv6
//                                    └─ ARP: ArpInput → the control thread
//   RouteIpvX: route lookup on the destination →
//     kNone   : ICMP destination unreachable (icmp.h)
//     kLocal  : Local4 / Local6: fragments reassembled (frag.h); then the handler registered for
//               the IP protocol (features.h): 4/41 → TunnelInput (tunnel/datapath/decap.h), which
//               routes the inner once more; ICMP echo → reply (icmp.h); Neighbour Discovery →
//               the control thread; nobody → port / protocol unreachable
//     kPort   : OutputIpvX (output.h): TTL−1, MTU (ICMP too big / fragments), neighbour, Ethernet
//     kTunnel : OutputTunnel4/6 (tunnel/datapath/encap.h): TTL−1, outer header, underlay route,
//               MTU, neighbour, Ethernet
//   TTL expiring on a packet to forward: ICMP time exceeded.
//
// Every path that forwards takes exactly one TTL / hop limit off the packet that leaves; packets
// the gateway originates (ICMP) start with a full one. A next hop without a neighbour entry sends
// the packet to the control thread, which resolves it (ARP / ND) and sends it on.
#pragma once

#include <algorithm>

#include "dataplane/ctx.h"
#include "dataplane/features.h"
#include "dataplane/frag.h"
#include "dataplane/icmp.h"
#include "dataplane/ip_check.h"
#include "dataplane/l2.h"
#include "dataplane/output.h"
#include "dataplane/packet/ip.h"
#include "dataplane/packet/ndisc.h"
#include "dataplane/walk.h"

namespace gw::dp {

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

// IPv4 addressed to one of the gateway's addresses.
[[gnu::always_inline]] inline uint16_t Local4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast,
                                             bool decapped) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
      [[unlikely]]
    return Reassemble4(ctx, m, l2_broadcast, decapped);
  const uint8_t proto = ip->next_proto_id;
  uint16_t out;
  if (Local4Handlers::Dispatch(proto, ctx, m, LocalIn{l2_broadcast, decapped}, &out)) return out;
  if (proto == IPPROTO_UDP)  // nothing listens: port unreachable, as Linux
    return DropWithError4(ctx, m, Drop::local_unsupported, l2_broadcast, 3, 3);
  if (proto == IPPROTO_TCP)  // (Linux would answer with a RST)
    return Dropped(ctx, Drop::local_unsupported);
  return DropWithError4(ctx, m, Drop::local_unsupported, l2_broadcast, 3, 2);
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
  // A route into a tunnel: the value names the tunnel itself (FibValue), or its next hop does.
  if (IsFibTunnel(v)) [[likely]]
    return OutputTunnel4(ctx, m, FibTunnelId(v), 0, Hop::kForward);
  return OutputTunnel4(ctx, m, nh.tunnel, TunnelVia(nh), Hop::kForward);
}

// ---- IPv6 ----

// Neighbour Solicitation / Advertisement (RFC 4861 7.1.1, 7.1.2): checked here, answered and
// learned from by the control thread.
[[gnu::cold]] inline uint16_t NdiscInput(Ctx& ctx, rte_mbuf* m) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  const auto* h = rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
  const uint32_t len = m->pkt_len - static_cast<uint32_t>(sizeof(rte_ipv6_hdr));
  if (ip->hop_limits != kNdHopLimit || h[1] != 0 || len < 24 || m->data_len != m->pkt_len ||
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
inline uint16_t Local6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
  const uint8_t proto = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*)->proto;
  if (proto == IPPROTO_FRAGMENT) [[unlikely]]
    return Reassemble6(ctx, m, l2_broadcast, decapped);
  uint16_t out;
  if (Local6Handlers::Dispatch(proto, ctx, m, LocalIn{l2_broadcast, decapped}, &out)) return out;
  if (proto == IPPROTO_UDP)
    return DropWithError6(ctx, m, Drop::local_unsupported, l2_broadcast, 1, 4);
  return Dropped(ctx, Drop::local_unsupported);
}

inline uint16_t RouteIpv6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
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
      return Local6(ctx, m, l2_broadcast, decapped);
    case NhKind::kPort:
    case NhKind::kTunnel:
      break;
  }
  if (l2_broadcast) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  if (ip->hop_limits <= 1) [[unlikely]]
    return DropWithError6(ctx, m, Drop::ttl_exceeded, false, 3, 0);
  if (nh.kind == NhKind::kPort) return OutputIpv6(ctx, m, nh);
  if (IsFibTunnel(v)) [[likely]]
    return OutputTunnel6(ctx, m, FibTunnelId(v), 0, Hop::kForward);
  return OutputTunnel6(ctx, m, nh.tunnel, TunnelVia(nh), Hop::kForward);
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

// What the worker does with the walk's answer for a received packet when it is not an egress
// port: frees a drop; books both outcomes (books.h: the walk's sent = received − these two, so the
// forwarding path counts nothing per packet).
[[gnu::cold]] inline void EndWalk(Ctx& ctx, rte_mbuf* m, uint16_t out) noexcept {
  if (out == kDropped) {
    rte_pktmbuf_free(m);
    ctx.c->Count(Event::walk_dropped);
  } else {
    ctx.c->Count(Event::walk_handed_off);
  }
}

}  // namespace gw::dp
