// Encapsulation: the inner destination routed into a tunnel (RFC 2003 IPv4-in-IPv4, protocol 4;
// RFC 4213 IPv6-in-IPv4, protocol 41; ECN per RFC 6040 normal mode).
//   Enters: a validated inner packet (mbuf data at its IP header, TTL / hop limit > 1) and the
//   route's next hop (kTunnel).
//   Leaves: Ethernet + outer IPv4 + inner, built in the mbuf headroom, payload untouched. The
//   inner TTL / hop limit is one lower (the router hop); the outer header comes from the tunnel's
//   template: src = local, dst = remote or, for `remote any`, the route's via (or an IPv4 inner's
//   own destination, as Linux's rt_nexthop); TTL fixed or inherited from the decremented inner;
//   TOS fixed DSCP with the inner ECN bits, or the whole inner TOS (inherit); DF set under
//   pmtudisc (id 0, RFC 6864), else copied from an IPv4 inner.
//   The outer destination is routed in the underlay; for a tunnel bound to a port, through that
//   port only (UnderlayOnPort). An unbound tunnel whose outer destination routes back into a
//   tunnel drops it as nested_tunnel (Linux counts a collision).
//   Too big: limit = min(tunnel MTU, egress port MTU - 20). An IPv4 inner over it with DF gets
//   ICMP "fragmentation needed" with that limit, an IPv6 inner "packet too big" (both dropped as
//   mtu_exceeded); an IPv4 inner without DF is fragmented to the limit and each fragment
//   encapsulated, as Linux fragments at the tunnel device's MTU.
//   Packets the gateway originates (Hop::kOriginate: ICMP through a tunnel) keep their TTL.
//   Drops: no_route, link_down, mode_mismatch, mtu_exceeded, nested_tunnel, no_headroom,
//   frag_failed.
#pragma once

#include <algorithm>

#include "dataplane/ctx.h"
#include "dataplane/l2.h"
#include "dataplane/output.h"
#include "dataplane/packet/checksum.h"

namespace gw::dp {

// What encap needs to know of the inner header, read once by the caller.
struct Inner {
  uint8_t proto;    // IPPROTO_IPIP (4) or IPPROTO_IPV6 (41)
  uint8_t carry;    // kCarryIpv4 or kCarryIpv6
  uint8_t tos;      // IPv4 TOS or IPv6 traffic class
  uint16_t df_be;   // the inner DF bit (IPv4), network order; 0 for IPv6
  uint32_t dst_be;  // the inner IPv4 destination (remote any without via); 0 for IPv6
};

// A tunnel bound to a port (`dev portN`) routes its outer packets as Linux does with the link as
// output interface (ip_route_output_key_hash_rcu with flowi4_oif): routes through other devices
// are skipped, and if none is left the destination is taken as on-link on that port. This walks
// the less specific prefixes in the RIB of this loop's FIB copy, which the writer leaves alone
// until a grace period has passed.
[[gnu::cold]] inline NextHop UnderlayOnPort(Ctx& ctx, uint32_t dst_be, uint16_t port) noexcept {
  rte_rib* rib = rte_fib_get_rib(ctx.fib4);
  for (rte_rib_node* n = rte_rib_lookup(rib, rte_be_to_cpu_32(dst_be)); n != nullptr;
       n = rte_rib_lookup_parent(n)) {
    uint64_t id;
    rte_rib_get_nh(n, &id);
    const NextHop& nh = *ctx.t->nexthops.Record(static_cast<uint32_t>(id));
    if (nh.kind == NhKind::kPort && nh.port == port) return nh;
  }
  NextHop onlink;
  onlink.kind = NhKind::kPort;
  onlink.port = port;
  return onlink;
}

// The 16-bit word two consecutive header bytes form in memory, as a native-order value.
inline uint16_t HeaderWord(uint8_t first, uint8_t second) noexcept {
  return rte_cpu_to_be_16(static_cast<uint16_t>(first << 8 | second));
}

// The outer header in front of the inner packet (mbuf data at the inner header, headroom checked).
// `id` is the tunnel's id as the caller has it (the route's or the memo's): its counters are in
// this worker's line of it, next to the fields `tun` came from.
[[gnu::always_inline]] inline void EncapBuild(Ctx& ctx, rte_mbuf* m, uint32_t id,
                                              const TunnelView& tun, const Inner& in,
                                              uint32_t outer_dst, uint8_t inner_ttl) noexcept {
  const uint32_t inner_len = m->pkt_len;
  // The header's words are computed as values (word i as it sits in memory, native order), the
  // checksum is taken from them, and then they are stored: reading back what was just written
  // byte by byte would wait for the stores (no store-to-load forwarding into a wider load).
  const uint16_t tw[10] = {tun.TmplWord(0), tun.TmplWord(1), tun.TmplWord(2), tun.TmplWord(3),
                           tun.TmplWord(4), tun.TmplWord(5), tun.TmplWord(6), tun.TmplWord(7),
                           tun.TmplWord(8), tun.TmplWord(9)};
  const uint8_t tos = tun.tos_inherit() ? in.tos : (tun.tmpl_tos() | (in.tos & 0x03));
  const uint16_t w0 = HeaderWord(tun.version_ihl(), tos);
  const uint16_t w1 = rte_cpu_to_be_16(static_cast<uint16_t>(inner_len + sizeof(rte_ipv4_hdr)));
  const uint16_t w3 = tun.pmtudisc() ? tw[3] : in.df_be;
  // RFC 6864 lets an atomic (DF) datagram carry any id: we send 0 and number only the ones that
  // may be fragmented. (Linux's iptunnel_xmit numbers every outer header.)
  const uint16_t w2 = w3 == 0 ? rte_cpu_to_be_16(ctx.ip_id++) : tw[2];
  const uint16_t w4 = HeaderWord(tun.ttl() == 0 ? inner_ttl : tun.tmpl_ttl(), in.proto);

  // Checksum: the template's sum plus what this packet added to fields that are zero (or hold
  // fewer bits) in the template. One's complement sums do not care about byte order (RFC 1071),
  // and the two halves of the destination, whichever is which, are its words 8 and 9.
  uint32_t sum = tun.tmpl_sum();
  sum += static_cast<uint32_t>(w0 - tw[0]);  // TOS / ECN
  sum += w1 + w2;                            // total length, id
  sum += static_cast<uint32_t>(w3 - tw[3]);  // DF copied from the inner
  sum += static_cast<uint32_t>(w4 - tw[4]);  // inherited TTL, protocol
  sum += (outer_dst & 0xffff) + (outer_dst >> 16) - tw[8] - tw[9];  // remote any

  auto* o = reinterpret_cast<uint16_t*>(rte_pktmbuf_prepend(m, sizeof(rte_ipv4_hdr)));
  o[0] = w0;
  o[1] = w1;
  o[2] = w2;
  o[3] = w3;
  o[4] = w4;
  o[5] = static_cast<uint16_t>(~FoldSum(sum));
  const uint32_t src = tun.src_be();
  std::memcpy(&o[6], &src, sizeof(uint32_t));
  std::memcpy(&o[8], &outer_dst, sizeof(uint32_t));

  TunnelCounters& tc = ctx.tl[id].c;
  Bump(tc.encap_packets);
  Bump(tc.encap_bytes, inner_len);
}

// The outer destination routes nowhere (or into a tunnel). With no route, Linux's tunnel xmit
// reports a link failure to the inner's source: host unreachable (ICMPv6: address unreachable).
[[gnu::cold]] inline uint16_t UnderlayUnreachable(Ctx& ctx, rte_mbuf* m, NhKind kind,
                                                  const Inner& in, Hop hop) noexcept {
  if (kind == NhKind::kTunnel) return Dropped(ctx, Drop::nested_tunnel);
  ctx.c->CountDrop(Drop::no_route);
  if (hop != Hop::kForward) return kDropped;
  return in.carry == kCarryIpv4 ? IcmpError4(ctx, m, 3, 1, 0) : IcmpError6(ctx, m, 1, 3, 0);
}

// The inner packet is over the tunnel's limit (see the header comment).
[[gnu::cold]] inline uint16_t EncapTooBig(Ctx& ctx, rte_mbuf* m, uint32_t id,
                                          const TunnelView& tun, const Inner& in, uint32_t outer_dst,
                                          const PortState& port, uint16_t port_id,
                                          uint32_t next_be, uint16_t limit, Hop hop) noexcept {
  if (in.carry == kCarryIpv6) {
    ctx.c->CountDrop(Drop::mtu_exceeded);
    return hop == Hop::kForward ? IcmpError6(ctx, m, 2, 0, limit) : kDropped;
  }
  if (in.df_be != 0 && hop == Hop::kForward) {
    ctx.c->CountDrop(Drop::mtu_exceeded);
    return IcmpError4(ctx, m, 3, 4, limit);
  }
  if (hop == Hop::kForward) DecrementTtl4(rte_pktmbuf_mtod(m, rte_ipv4_hdr*));
  rte_mbuf* frags[kMaxFragments];
  const uint16_t n = Fragment4(ctx, m, limit, frags);
  if (n == 0) return kDropped;
  rte_pktmbuf_free(m);
  uint16_t outs[kMaxFragments];
  for (uint16_t i = 0; i < n; ++i) {
    rte_mbuf* f = frags[i];
    const uint8_t ttl = rte_pktmbuf_mtod(f, const rte_ipv4_hdr*)->time_to_live;
    EncapBuild(ctx, f, id, tun, in, outer_dst, ttl);
    outs[i] = FinishIpv4(ctx, f, port, port_id, next_be);
  }
  SendAll(ctx, frags, outs, n);
  return kConsumed;
}

// The router hop, on the inner header: returns the inner TTL / hop limit as it leaves.
[[gnu::always_inline]] inline uint8_t InnerHop(rte_mbuf* m, const Inner& in, Hop hop) noexcept {
  if (in.carry == kCarryIpv4) {
    auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
    return hop == Hop::kForward ? DecrementTtl4(ip) : ip->time_to_live;
  }
  auto* ip6 = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
  if (hop == Hop::kForward) --ip6->hop_limits;
  return ip6->hop_limits;
}

// Into tunnel `tunnel`; `via_be`: the route's IPv4 gateway (for `remote any`), 0 for none.
inline uint16_t Encap(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be, const Inner& in,
                      Hop hop = Hop::kForward) noexcept {
  // The same tunnel as the burst's last packet into one: as that packet left (TunnelMemo).
  const TunnelMemo& memo = ctx.tunnel_memo;
  if (tunnel == memo.id && (memo.tun.carries() & in.carry) && m->pkt_len <= memo.limit &&
      rte_pktmbuf_headroom(m) >= sizeof(rte_ipv4_hdr) + sizeof(rte_ether_hdr)) [[likely]] {
    EncapBuild(ctx, m, tunnel, memo.tun, in, memo.outer_dst, InnerHop(m, in, hop));
    WriteEthernet(m, ctx.t->ports[memo.port], memo.mac, RTE_ETHER_TYPE_IPV4);
    return memo.port;
  }

  TunnelView tun;
  if (!ctx.t->tunnels.Read(ctx.tl, tunnel, &tun)) [[unlikely]]
    return Dropped(ctx, Drop::no_route);  // deleted under us: its routes are going too
  if (!tun.up()) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  if (!(tun.carries() & in.carry)) [[unlikely]]
    return Dropped(ctx, Drop::mode_mismatch);

  uint32_t outer_dst = tun.dst_be();
  if (tun.remote_any()) outer_dst = via_be != 0 ? via_be : in.dst_be;
  if (outer_dst == 0) [[unlikely]]
    return Dropped(ctx, Drop::no_route);

  // The underlay: the outer destination must leave through a port, not another tunnel.
  const NextHop* up = ctx.t->nexthops.Record(UnderlayLookup4(ctx, outer_dst));
  NextHop bound;
  if (tun.bound_port() != kNoPort && (up->kind != NhKind::kPort || up->port != tun.bound_port()))
      [[unlikely]] {
    bound = UnderlayOnPort(ctx, outer_dst, tun.bound_port());
    up = &bound;
  }
  const NextHop& u = *up;
  if (u.kind != NhKind::kPort) [[unlikely]]
    return UnderlayUnreachable(ctx, m, u.kind, in, hop);
  const PortState& port = ctx.t->ports[u.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  const uint32_t next_be = u.gw_family == 4 ? u.gw4_be : outer_dst;
  const uint32_t port_room = port.mtu.load(std::memory_order_relaxed) - sizeof(rte_ipv4_hdr);
  const uint16_t limit = static_cast<uint16_t>(std::min<uint32_t>(tun.mtu(), port_room));
  if (m->pkt_len > limit) [[unlikely]]
    return EncapTooBig(ctx, m, tunnel, tun, in, outer_dst, port, u.port, next_be, limit, hop);
  if (rte_pktmbuf_headroom(m) < sizeof(rte_ipv4_hdr) + sizeof(rte_ether_hdr)) [[unlikely]]
    return Dropped(ctx, Drop::no_headroom);

  EncapBuild(ctx, m, tunnel, tun, in, outer_dst, InnerHop(m, in, hop));
  // FinishIpv4, with the MAC kept for the memo. (FinishIpv4 handing the MAC back, through an
  // out-parameter or a callback, cost encap 2 cycles per packet in gw_bench: kept inline here.)
  uint64_t mac;
  if (!LookupNeighbour4(ctx, u.port, next_be, &mac)) [[unlikely]]
    return Hold(ctx, m, u.port, 4, &next_be, RTE_ETHER_TYPE_IPV4);
  if (!tun.remote_any()) ctx.tunnel_memo = TunnelMemo{tunnel, outer_dst, mac, u.port, limit, tun};
  WriteEthernet(m, port, mac, RTE_ETHER_TYPE_IPV4);
  return u.port;
}

// Into the tunnel of route value `v` (record `nh`): the tunnel a tunnel value names, or the next
// hop's tunnel with its gateway.
[[gnu::always_inline]] inline uint16_t EncapRoute(Ctx& ctx, rte_mbuf* m, uint32_t v,
                                                  const NextHop& nh, const Inner& in) noexcept {
  if (IsFibTunnel(v)) [[likely]]
    return Encap(ctx, m, FibTunnelId(v), 0, in);
  return Encap(ctx, m, nh.tunnel, TunnelVia(nh), in);
}

}  // namespace gw::dp

#include "dataplane/icmp.h"
