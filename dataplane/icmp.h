// ICMP (RFC 792, RFC 1812 4.3) and ICMPv6 (RFC 4443) from the gateway, built in place in the
// packet that caused them and sent like any packet the gateway originates (route lookup, out a
// port or into a tunnel, full TTL).
//   Echo: a request to any gateway address gets its reply (v4: TTL 64, TOS kept, new id, no DF;
//   v6: hop limit 64, traffic class kept). Not rate-limited, as Linux.
//   Errors quote the offending packet as it was received (for a decapsulated packet, the inner
//   one), at most 576 bytes in all (v4) or 1280 (v6). Source: the first address of the interface
//   the error leaves by, else the gateway's first of that family; none → not sent. Never sent
//   about an ICMP error, a non-first fragment, or a packet from a non-unicast source; rate-limited
//   per worker lcore by a token bucket (suppressed: event icmp_ratelimited).
//   Every function here returns the egress port for `m` (which now holds the ICMP packet),
//   kConsumed, or kDropped; the offending packet's own drop is counted by the caller.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/ip_check.h"
#include "dataplane/output.h"
#include "dataplane/packet/checksum.h"
#include "dataplane/packet/ip.h"
#include "dataplane/walk.h"

namespace gw::dp {

inline constexpr uint32_t kIcmp4Max = 576;   // RFC 1812 4.3.2.3
inline constexpr uint32_t kIcmp6Max = 1280;  // RFC 4443 2.4 (c)
inline constexpr uint8_t kIcmpTtl = 64;      // Linux's ip_default_ttl / hop_limit

inline uint32_t Source4(const Ctx& ctx, const NextHop& nh) noexcept {
  const SourceAddrs& s = ctx.t->sources();
  uint32_t a = 0;
  if (nh.kind == NhKind::kPort) {
    a = s.port4[nh.port];
  } else if (nh.kind == NhKind::kTunnel) {
    a = TunnelSource4(ctx, nh.tunnel);
  }
  return a != 0 ? a : s.any4;
}
inline const uint8_t* Source6(const Ctx& ctx, const NextHop& nh) noexcept {
  const SourceAddrs& s = ctx.t->sources();
  const uint8_t* a = s.any6.data();
  if (nh.kind == NhKind::kPort) {
    a = s.port6[nh.port].data();
  } else if (nh.kind == NhKind::kTunnel) {
    a = TunnelSource6(ctx, nh.tunnel);
  }
  if (a == nullptr || IsUnspecified6(a)) a = s.any6.data();
  return IsUnspecified6(a) ? nullptr : a;
}

// A packet the gateway originates, routed: out a port or into a tunnel, TTL untouched.
inline uint16_t OutputOriginated4(Ctx& ctx, rte_mbuf* m, const NextHop& nh) noexcept {
  if (nh.kind == NhKind::kPort) return OutputIpv4(ctx, m, nh, Hop::kOriginate);
  return OutputTunnel4(ctx, m, nh.tunnel, TunnelVia(nh), Hop::kOriginate);
}
inline uint16_t OutputOriginated6(Ctx& ctx, rte_mbuf* m, const NextHop& nh) noexcept {
  if (nh.kind == NhKind::kPort) return OutputIpv6(ctx, m, nh, Hop::kOriginate);
  return OutputTunnel6(ctx, m, nh.tunnel, TunnelVia(nh), Hop::kOriginate);
}

// Cuts the packet to `len` bytes, freeing whole segments past it.
inline void TrimTo(rte_mbuf* m, uint32_t len) noexcept {
  if (m->pkt_len <= len) return;
  uint32_t left = len;
  uint16_t segs = 1;
  rte_mbuf* s = m;
  while (left > s->data_len && s->next != nullptr) {
    left -= s->data_len;
    s = s->next;
    ++segs;
  }
  s->data_len = static_cast<uint16_t>(left);
  if (s->next != nullptr) {
    rte_pktmbuf_free(s->next);
    s->next = nullptr;
  }
  m->nb_segs = segs;
  m->pkt_len = len;
}

inline bool IsIcmp4Error(uint8_t type) noexcept {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

[[gnu::cold]] inline uint16_t IcmpError4(Ctx& ctx, rte_mbuf* m, uint8_t type, uint8_t code,
                                         uint16_t mtu) noexcept {
  if (ctx.io == nullptr) return kDropped;
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  const uint32_t hlen = (ip->version_ihl & 0x0f) * 4u;
  if (!IsUnicastSource4(ip->src_addr)) return kDropped;
  if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) return kDropped;
  if (ip->next_proto_id == IPPROTO_ICMP) {
    if (m->data_len < hlen + 1) return kDropped;
    if (IsIcmp4Error(*(rte_pktmbuf_mtod(m, const uint8_t*) + hlen))) return kDropped;
  }
  if (!ctx.io->icmp.Take()) {
    ctx.c->Count(Event::icmp_ratelimited);
    return kDropped;
  }
  const uint32_t dst = ip->src_addr;
  const NextHop& nh = ctx.t->nexthops.Get(Lookup4(ctx, dst));
  if (nh.kind != NhKind::kPort && nh.kind != NhKind::kTunnel) return kDropped;
  const uint32_t src = Source4(ctx, nh);
  if (src == 0) return kDropped;
  constexpr uint32_t kAdded = sizeof(rte_ipv4_hdr) + sizeof(rte_icmp_hdr);
  // Room for our headers, and for an outer header and Ethernet if the route is a tunnel.
  if (rte_pktmbuf_headroom(m) < kAdded + sizeof(rte_ipv4_hdr) + sizeof(rte_ether_hdr))
    return kDropped;
  TrimTo(m, kIcmp4Max - kAdded);

  auto* icmp = reinterpret_cast<rte_icmp_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_icmp_hdr)));
  icmp->icmp_type = type;
  icmp->icmp_code = code;
  icmp->icmp_cksum = 0;
  icmp->icmp_ident = 0;
  icmp->icmp_seq_nb = rte_cpu_to_be_16(mtu);  // RFC 1191: next-hop MTU in the low 16 bits
  icmp->icmp_cksum = static_cast<uint16_t>(~SumMbuf(m, 0, m->pkt_len));

  auto* o = reinterpret_cast<rte_ipv4_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ipv4_hdr)));
  o->version_ihl = RTE_IPV4_VHL_DEF;
  o->type_of_service = 0xc0;  // precedence "internetwork control", as Linux's icmp_send
  o->total_length = rte_cpu_to_be_16(static_cast<uint16_t>(m->pkt_len));
  o->packet_id = rte_cpu_to_be_16(ctx.ip_id++);
  o->fragment_offset = 0;
  o->time_to_live = kIcmpTtl;
  o->next_proto_id = IPPROTO_ICMP;
  o->src_addr = src;
  o->dst_addr = dst;
  o->hdr_checksum = 0;
  o->hdr_checksum = rte_ipv4_cksum(o);
  ctx.c->Count(Event::icmp_errors);
  return OutputOriginated4(ctx, m, nh);
}

[[gnu::cold]] inline uint16_t IcmpError6(Ctx& ctx, rte_mbuf* m, uint8_t type, uint8_t code,
                                         uint32_t mtu) noexcept {
  if (ctx.io == nullptr) return kDropped;
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  if (!IsUnicastSource6(ip->src_addr)) return kDropped;
  if (ip->proto == IPPROTO_ICMPV6) {
    if (m->data_len < sizeof(rte_ipv6_hdr) + 1) return kDropped;
    if (*(rte_pktmbuf_mtod(m, const uint8_t*) + sizeof(rte_ipv6_hdr)) < 128) return kDropped;
  }
  if (!ctx.io->icmp.Take()) {
    ctx.c->Count(Event::icmp_ratelimited);
    return kDropped;
  }
  uint8_t dst[16];
  std::memcpy(dst, ip->src_addr, 16);
  const NextHop& nh = ctx.t->nexthops.Get(Lookup6(ctx, dst));
  if (nh.kind != NhKind::kPort && nh.kind != NhKind::kTunnel) return kDropped;
  const uint8_t* src = Source6(ctx, nh);
  if (src == nullptr) return kDropped;
  constexpr uint32_t kAdded = sizeof(rte_ipv6_hdr) + 8;
  if (rte_pktmbuf_headroom(m) < kAdded + sizeof(rte_ipv4_hdr) + sizeof(rte_ether_hdr))
    return kDropped;
  TrimTo(m, kIcmp6Max - kAdded);

  auto* h = reinterpret_cast<uint8_t*>(rte_pktmbuf_prepend(m, 8));
  h[0] = type;
  h[1] = code;
  h[2] = h[3] = 0;
  const uint32_t word = rte_cpu_to_be_32(mtu);  // PTB: the MTU; others: unused, zero
  std::memcpy(h + 4, &word, 4);

  auto* o = reinterpret_cast<rte_ipv6_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ipv6_hdr)));
  o->vtc_flow = rte_cpu_to_be_32(6u << 28);
  o->payload_len = rte_cpu_to_be_16(static_cast<uint16_t>(m->pkt_len - sizeof(rte_ipv6_hdr)));
  o->proto = IPPROTO_ICMPV6;
  o->hop_limits = kIcmpTtl;
  std::memcpy(o->src_addr, src, 16);
  std::memcpy(o->dst_addr, dst, 16);
  const uint16_t ck = Icmp6Checksum(m);
  std::memcpy(h + 2, &ck, 2);
  ctx.c->Count(Event::icmp_errors);
  return OutputOriginated6(ctx, m, nh);
}

// An ICMP message addressed to the gateway (mbuf data at its IPv4 header, whole packet).
inline uint16_t Icmp4Local(Ctx& ctx, rte_mbuf* m) noexcept {
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
  const uint32_t hlen = (ip->version_ihl & 0x0f) * 4u;
  if (m->pkt_len < hlen + sizeof(rte_icmp_hdr) || m->data_len < hlen + sizeof(rte_icmp_hdr))
    return Dropped(ctx, Drop::bad_icmp);
  if (SumMbuf(m, hlen, m->pkt_len - hlen) != 0xffff) return Dropped(ctx, Drop::bad_icmp);
  auto* icmp = rte_pktmbuf_mtod_offset(m, rte_icmp_hdr*, hlen);
  if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST) return Dropped(ctx, Drop::local_unsupported);
  const NextHop& nh = ctx.t->nexthops.Get(Lookup4(ctx, ip->src_addr));
  if (nh.kind != NhKind::kPort && nh.kind != NhKind::kTunnel) return Dropped(ctx, Drop::no_route);

  const uint16_t old_word = *reinterpret_cast<const uint16_t*>(icmp);
  icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
  icmp->icmp_cksum =
      ChecksumReplace16(icmp->icmp_cksum, old_word, *reinterpret_cast<const uint16_t*>(icmp));
  const uint32_t requester = ip->src_addr;
  ip->src_addr = ip->dst_addr;
  ip->dst_addr = requester;
  ip->time_to_live = kIcmpTtl;
  ip->packet_id = rte_cpu_to_be_16(ctx.ip_id++);
  ip->fragment_offset = 0;
  ip->hdr_checksum = 0;
  ip->hdr_checksum = rte_ipv4_cksum(ip);
  ctx.c->Count(Event::icmp_echo_replies);
  return OutputOriginated4(ctx, m, nh);
}

// An ICMPv6 echo request to the gateway (checksum checked by the caller).
inline uint16_t Echo6(Ctx& ctx, rte_mbuf* m) noexcept {
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
  auto* h = rte_pktmbuf_mtod_offset(m, uint8_t*, sizeof(rte_ipv6_hdr));
  const NextHop& nh = ctx.t->nexthops.Get(Lookup6(ctx, ip->src_addr));
  if (nh.kind != NhKind::kPort && nh.kind != NhKind::kTunnel) return Dropped(ctx, Drop::no_route);
  uint16_t old_word, new_word, ck;
  std::memcpy(&old_word, h, 2);
  h[0] = 129;  // echo reply
  std::memcpy(&new_word, h, 2);
  std::memcpy(&ck, h + 2, 2);
  ck = ChecksumReplace16(ck, old_word, new_word);  // the swapped addresses sum the same
  std::memcpy(h + 2, &ck, 2);
  uint8_t tmp[16];
  std::memcpy(tmp, ip->src_addr, 16);
  std::memcpy(ip->src_addr, ip->dst_addr, 16);
  std::memcpy(ip->dst_addr, tmp, 16);
  ip->hop_limits = kIcmpTtl;
  ip->vtc_flow &= rte_cpu_to_be_32(0xfff00000u);  // version and traffic class; no flow label
  ctx.c->Count(Event::icmp_echo_replies);
  return OutputOriginated6(ctx, m, nh);
}

// ICMP and ICMPv6 to the gateway's addresses, as local-protocol handlers (dataplane/features.h):
// echo requests are answered; other messages are dropped (bad_icmp, local_unsupported).
struct IcmpInput4 {
  static constexpr bool Serves(uint8_t proto) noexcept { return proto == IPPROTO_ICMP; }
  static uint16_t Input(Ctx& ctx, rte_mbuf* m, LocalIn) noexcept { return Icmp4Local(ctx, m); }
};

struct IcmpInput6 {
  static constexpr bool Serves(uint8_t proto) noexcept { return proto == IPPROTO_ICMPV6; }
  static uint16_t Input(Ctx& ctx, rte_mbuf* m, LocalIn) noexcept {
    // (A reassembled request is a chain whose first segment holds both headers: Reassemble6.)
    if (m->pkt_len < sizeof(rte_ipv6_hdr) + 8 || m->data_len < sizeof(rte_ipv6_hdr) + 8 ||
        Icmp6Checksum(m) != 0)
      return Dropped(ctx, Drop::bad_icmp);
    const uint8_t type = *rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
    if (type == 128) return Echo6(ctx, m);
    return Dropped(ctx, Drop::local_unsupported);
  }
};

}  // namespace gw::dp
