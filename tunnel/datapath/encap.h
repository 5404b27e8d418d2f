// Encapsulation: the inner destination routed into a tunnel (RFC 2003 IPv4-in-IPv4, protocol 4;
// RFC 4213 IPv6-in-IPv4, protocol 41; ECN per RFC 6040 normal mode). Written once for any outer
// family (Outer: outer4.h); the core walk reaches it through the hooks at the end of this file
// (next-hop kind kTunnel, dataplane/walk.h).
//   Enters: a validated inner packet (mbuf data at its IP header, TTL / hop limit > 1) and the
//   tunnel the route named (with the route's gateway, for `remote any`).
//   Leaves: Ethernet + outer header + inner, built in the mbuf headroom, payload untouched. The
//   inner TTL / hop limit is one lower (the router hop); the outer header comes from the tunnel's
//   template: src = local, dst = remote or, for `remote any`, the route's via (or an IPv4 inner's
//   own destination, as Linux's rt_nexthop); TTL fixed or inherited from the decremented inner;
//   TOS fixed DSCP with the inner ECN bits, or the whole inner TOS (inherit); DF set under
//   pmtudisc (id 0, RFC 6864), else copied from an IPv4 inner (fixup.h, outer4.h).
//   The outer destination is routed in the underlay; for a tunnel bound to a port, through that
//   port only (UnderlayOnPort). An unbound tunnel whose outer destination routes back into a
//   tunnel drops it as nested_tunnel (Linux counts a collision).
//   Too big: limit = min(tunnel MTU, egress port MTU - outer header, path MTU learned - outer
//   header). An IPv4 inner over it with DF gets ICMP "fragmentation needed" with that limit, an
//   IPv6 inner "packet too big" (both dropped as mtu_exceeded); an IPv4 inner without DF is
//   fragmented to the limit and each fragment encapsulated, as Linux fragments at the tunnel
//   device's MTU.
//   Path MTU learned from ICMP (tunnel/datapath/icmp_error.h, the control thread publishes it):
//   a fixed remote's is in the tunnel's MTU already. Per packet (EncapPathMtu) only where the
//   tunnel's fields say so: `remote any` (each remote's path MTU), a locked path MTU (reported
//   below --tunnel_pmtu_min: the outer DF is clear, Linux's ip_mtu_locked), and an IPv6 inner
//   when the path MTU - 20 is below 1280: limit 1280 and the outer DF clear, so that the
//   underlay fragments it (RFC 4213 3.2, Linux's sit).
//   Packets the gateway originates (Hop::kOriginate: ICMP through a tunnel) keep their TTL.
//   Drops: no_route, link_down, mode_mismatch, mtu_exceeded, nested_tunnel, no_headroom,
//   frag_failed.
#pragma once

#include <algorithm>

#include "dataplane/ctx.h"
#include "dataplane/frag.h"
#include "dataplane/l2.h"
#include "dataplane/output.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/fixup.h"
#include "tunnel/datapath/outer4.h"
#include "tunnel/datapath/outer6.h"

namespace gw::dp {

// The outer header in front of the inner packet, and the packet counted in this worker's line of
// tunnel `id` (the id the caller has: the route's or the memo's), next to the fields `tun` came
// from.
template <class Outer>
[[gnu::always_inline]] inline void EncapBuild(Ctx& ctx, rte_mbuf* m, uint32_t id,
                                              const TunnelView& tun, const Inner& in,
                                              typename Outer::Addr outer_dst,
                                              uint8_t inner_ttl) noexcept {
  const uint32_t inner_len = m->pkt_len;
  Outer::Write(ctx, m, id, tun, in, outer_dst, inner_ttl);
  TunnelCounters& tc = ctx.tunnel.tl[id].c;
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

// The router hop on the inner header: returns the inner TTL / hop limit as it leaves.
[[gnu::always_inline]] inline uint8_t InnerHop(rte_mbuf* m, const Inner& in, Hop hop) noexcept {
  return in.carry == kCarryIpv4 ? InnerFamily<IPPROTO_IPIP>::Hop(m, hop)
                                : InnerFamily<IPPROTO_IPV6>::Hop(m, hop);
}

// The inner packet is over the tunnel's limit (see the header comment).
template <class Outer>
[[gnu::cold]] inline uint16_t EncapTooBig(Ctx& ctx, rte_mbuf* m, uint32_t id,
                                          const TunnelView& tun, const Inner& in,
                                          const typename Outer::Addr& outer_dst,
                                          const PortState& port, uint16_t port_id,
                                          const typename Outer::Addr& next,
                                          uint16_t limit, Hop hop) noexcept {
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
    EncapBuild<Outer>(ctx, f, id, tun, in, outer_dst, ttl);
    outs[i] = Outer::Finish(ctx, f, port, port_id, next);
  }
  SendAll(ctx, frags, outs, n);
  return kConsumed;
}

// (kIpv6MinMtu, RFC 8200 5: dataplane/frag.h.)

// A tunnel whose fields say kPmtuSlow (see the header comment), from the underlay's answers on:
// the path MTU of this packet's outer destination decides the limit and the outer DF, then as
// Encap. Never remembered in the memo.
template <class Outer>
[[gnu::cold]] inline uint16_t EncapPathMtu(Ctx& ctx, rte_mbuf* m, uint32_t id, TunnelView tun,
                                           Inner in, typename Outer::Addr outer_dst,
                                           const PortState& port, uint16_t port_id,
                                           typename Outer::Addr next, uint16_t limit,
                                           uint32_t port_room, Hop hop) noexcept {
  constexpr uint32_t kRoom = Outer::kHeaderLen + sizeof(rte_ether_hdr);
  uint16_t pmtu = tun.pmtu();
  bool locked = tun.pmtu_locked();
  if (tun.remote_any()) {
    // The fields hold the lowest of the remotes' path MTUs, and whether any is locked: a packet
    // that fits the lowest, to a tunnel with none locked, fits its remote's as it is.
    const bool ask = m->pkt_len + Outer::kHeaderLen > pmtu || locked ||
                     (in.carry == kCarryIpv6 && pmtu < kIpv6MinMtu + Outer::kHeaderLen);
    if (!ask || !Outer::PathMtu(ctx, id, outer_dst, &pmtu, &locked)) {
      pmtu = 0;
      locked = false;
    }
    if (pmtu != 0) limit = std::min(limit, static_cast<uint16_t>(pmtu - Outer::kHeaderLen));
  }
  bool df_off = locked;
  if (in.carry == kCarryIpv6 && pmtu != 0 && pmtu < kIpv6MinMtu + Outer::kHeaderLen) {
    limit = static_cast<uint16_t>(std::min<uint32_t>(kIpv6MinMtu, port_room));
    df_off = true;
  }
  if (df_off) tun.ClearPmtuDisc();  // (DF then comes from in.df_be: 0 below, or a fragment's)
  if (m->pkt_len > limit)
    return EncapTooBig<Outer>(ctx, m, id, tun, in, outer_dst, port, port_id, next, limit, hop);
  if (rte_pktmbuf_headroom(m) < kRoom) return Dropped(ctx, Drop::no_headroom);
  if (df_off) in.df_be = 0;
  EncapBuild<Outer>(ctx, m, id, tun, in, outer_dst, InnerHop(m, in, hop));
  return Outer::Finish(ctx, m, port, port_id, next);
}

template <class Outer>
inline uint16_t Encap(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be, const Inner& in,
                      Hop hop) noexcept;

// A tunnel whose outer family is IPv6 (ip6tnl), reached from the hooks below (which start with
// IPv4's, the common case): out of line, so that the IPv4 underlay's code stays as it was.
[[gnu::noinline, gnu::cold]] inline uint16_t EncapOuter6(Ctx& ctx, rte_mbuf* m, uint32_t tunnel,
                                                         uint32_t via_be, const Inner& in,
                                                         Hop hop) noexcept {
  return Encap<Outer6>(ctx, m, tunnel, via_be, in, hop);
}

// Into tunnel `tunnel`; `via_be`: the route's IPv4 gateway (for `remote any`), 0 for none.
template <class Outer>
inline uint16_t Encap(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be, const Inner& in,
                      Hop hop) noexcept {
  using Addr = typename Outer::Addr;
  constexpr uint32_t kRoom = Outer::kHeaderLen + sizeof(rte_ether_hdr);
  // The same tunnel as the burst's last packet into one: as that packet left (TunnelMemo).
  const auto& memo = Outer::EncapMemo(ctx);
  if (tunnel == memo.id && (memo.tun.carries() & in.carry) && m->pkt_len <= memo.limit &&
      rte_pktmbuf_headroom(m) >= kRoom) [[likely]] {
    EncapBuild<Outer>(ctx, m, tunnel, memo.tun, in, memo.outer_dst, InnerHop(m, in, hop));
    WriteEthernet(m, ctx.t->ports[memo.port], memo.mac, Outer::kEtherType);
    return memo.port;
  }

  TunnelView tun;
  if (!ctx.t->tunnels.Read(ctx.tunnel.tl, tunnel, &tun)) [[unlikely]]
    return Dropped(ctx, Drop::no_route);  // deleted under us: its routes are going too
  if (tun.outer6() != (Outer::kFamily == 6)) [[unlikely]] {
    if constexpr (Outer::kFamily == 4) return EncapOuter6(ctx, m, tunnel, via_be, in, hop);
    return Dropped(ctx, Drop::no_route);  // (never: IPv6 is reached from here only for outer6)
  }
  if (!tun.up()) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  if (!(tun.carries() & in.carry)) [[unlikely]]
    return Dropped(ctx, Drop::mode_mismatch);

  Addr outer_dst = Outer::Dst(ctx, tunnel, tun);
  if (tun.remote_any()) outer_dst = Outer::AnyDst(via_be, in);
  if (outer_dst == Addr{}) [[unlikely]]
    return Dropped(ctx, Drop::no_route);

  // The underlay: the outer destination must leave through a port, not another tunnel.
  const NextHop* up = ctx.t->nexthops.Record(Outer::Route(ctx, outer_dst));
  NextHop bound;
  if (tun.bound_port() != kNoPort && (up->kind != NhKind::kPort || up->port != tun.bound_port()))
      [[unlikely]] {
    bound = Outer::OnPort(ctx, outer_dst, tun.bound_port());
    up = &bound;
  }
  const NextHop& u = *up;
  if (u.kind != NhKind::kPort) [[unlikely]]
    return UnderlayUnreachable(ctx, m, u.kind, in, hop);
  const PortState& port = ctx.t->ports[u.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  const Addr next = Outer::Next(u, outer_dst);
  const uint32_t port_room =
      port.mtu.load(std::memory_order_relaxed) - Outer::Overhead(ctx, tunnel);
  const uint16_t limit = static_cast<uint16_t>(std::min<uint32_t>(tun.mtu(), port_room));
  if (tun.pmtu_slow()) [[unlikely]]
    return EncapPathMtu<Outer>(ctx, m, tunnel, tun, in, outer_dst, port, u.port, next, limit,
                               port_room, hop);
  if (m->pkt_len > limit) [[unlikely]]
    return EncapTooBig<Outer>(ctx, m, tunnel, tun, in, outer_dst, port, u.port, next, limit, hop);
  if (rte_pktmbuf_headroom(m) < kRoom) [[unlikely]]
    return Dropped(ctx, Drop::no_headroom);

  EncapBuild<Outer>(ctx, m, tunnel, tun, in, outer_dst, InnerHop(m, in, hop));
  // Outer::Finish, with the MAC kept for the memo. (FinishIpv4 handing the MAC back, through an
  // out-parameter or a callback, cost encap 2 cycles per packet in gw_bench: kept inline here.)
  uint64_t mac;
  if (!Outer::Neighbour(ctx, u.port, next, &mac)) [[unlikely]]
    return Outer::Hold(ctx, m, u.port, next);
  if (!tun.remote_any())
    Outer::EncapMemo(ctx) = {tunnel, outer_dst, mac, u.port, limit, tun};
  WriteEthernet(m, port, mac, Outer::kEtherType);
  return u.port;
}

// ---- the hooks of dataplane/walk.h ----

// Every tunnel has the IPv4 underlay (Outer4); an IPv6 underlay picks its family by the tunnel.
inline uint16_t OutputTunnel4(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be,
                              Hop hop) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  const uint16_t df = hop == Hop::kForward
                          ? static_cast<uint16_t>(ip->fragment_offset &
                                                  rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))
                          : uint16_t{0};
  const Inner in{IPPROTO_IPIP, kCarryIpv4, ip->type_of_service, df, ip->dst_addr};
  return Encap<Outer4>(ctx, m, tunnel, via_be, in, hop);
}

inline uint16_t OutputTunnel6(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be,
                              Hop hop) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  const uint8_t tclass = static_cast<uint8_t>(rte_be_to_cpu_32(ip->vtc_flow) >> 20);
  const Inner in{IPPROTO_IPV6, kCarryIpv6, tclass, 0, 0};
  return Encap<Outer4>(ctx, m, tunnel, via_be, in, hop);
}

inline uint32_t TunnelSource4(const Ctx& ctx, uint32_t tunnel) noexcept {
  const TunnelRec* t = ctx.t->tunnels.Get(tunnel);
  return t != nullptr ? t->src4_be : 0;
}

inline const uint8_t* TunnelSource6(const Ctx& ctx, uint32_t tunnel) noexcept {
  const TunnelRec* t = ctx.t->tunnels.Get(tunnel);
  return t != nullptr ? t->src6.data() : nullptr;
}

}  // namespace gw::dp
