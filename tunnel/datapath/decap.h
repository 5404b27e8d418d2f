// Decapsulation: a packet with protocol 4 or 41 addressed to one of the gateway's own addresses
// (RFC 2003, RFC 4213; ECN per RFC 6040). Written once for any outer family (Outer: outer4.h);
// the core walk reaches it as a local-protocol handler (TunnelInput, registered in
// dataplane/features.h for IPv4 local delivery).
//   Enters: the validated outer header at the mbuf data.
//   Leaves: the inner packet alone in the mbuf, checked like any received packet, with RFC 6040's
//   ECN rule applied (fixup.h); TunnelInput routes it like any other, once.
//   Tunnel lookup: exact (outer src, outer dst), then (any, outer dst); nothing else.
//   Drops: nested_tunnel (a second decapsulation), fragment (reassembly comes first: Local4),
//   unknown_peer, link_down, mode_mismatch, the inner header's own validation drops, ecn_drop.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/ip_check.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/fixup.h"
#include "tunnel/datapath/outer4.h"
#include "tunnel/datapath/outer6.h"

namespace gw::dp {

// Returns the inner protocol (4 or 41) with the mbuf holding the inner packet, or 0 if dropped.
template <class Outer>
inline uint8_t Decap(Ctx& ctx, rte_mbuf* m) noexcept {
  const auto* o = rte_pktmbuf_mtod(m, const typename Outer::Header*);
  if (Outer::IsFragment(o)) [[unlikely]]
    return Dropped(ctx, Drop::fragment), 0;

  // The same peer as the burst's last decapsulated packet: its answers (PeerMemo, state.h).
  auto& memo = Outer::DecapMemo(ctx);
  const typename Outer::Addr remote = Outer::Remote(o);
  const typename Outer::Addr local = Outer::Local(o);
  uint32_t id;
  TunnelView tun;  // (word 3: mode and flags)
  if (remote == memo.remote_be && local == memo.local_be && memo.id != kNoMemo) [[likely]] {
    id = memo.id;
    tun.w[3] = memo.w3;
  } else {
    if (!Outer::LookupPeer(ctx, remote, local, &id)) [[unlikely]]
      return Dropped(ctx, Drop::unknown_peer), 0;
    if (!ctx.t->tunnels.template Read<3>(ctx.tunnel.tl, id, &tun)) [[unlikely]]
      return Dropped(ctx, Drop::unknown_peer), 0;
    memo = {remote, local, id, tun.w[3]};
  }
  if (!tun.up()) [[unlikely]]
    return Dropped(ctx, Drop::link_down), 0;
  const uint8_t proto = Outer::Proto(o);
  const uint8_t carry = proto == IPPROTO_IPIP ? kCarryIpv4 : kCarryIpv6;
  if (!(tun.carries() & carry)) [[unlikely]]
    return Dropped(ctx, Drop::mode_mismatch), 0;
  const uint8_t outer_ecn = Outer::Ecn(o);

  rte_pktmbuf_adj(m, Outer::Length(o));
  if (proto == IPPROTO_IPIP) {
    if (!CheckIpv4(ctx, m) || !InnerFamily<IPPROTO_IPIP>::DecapEcn(ctx, m, outer_ecn)) return 0;
  } else {
    if (!CheckIpv6(ctx, m) || !InnerFamily<IPPROTO_IPV6>::DecapEcn(ctx, m, outer_ecn)) return 0;
  }

  TunnelCounters& tc = ctx.tunnel.tl[id].c;  // (the peer's answer: no wait for the fields)
  Bump(tc.decap_packets);
  Bump(tc.decap_bytes, m->pkt_len);
  return proto;
}

// Protocols 4 and 41 addressed to the gateway over the `Outer` underlay: decapsulated, and the
// inner routed (at most once: a decapsulated packet is never decapsulated again). Over IPv6 also
// a destination options header before them (Outer6::kServesDestOpts: the encapsulation limit).
template <class Outer>
struct TunnelInput {
  static constexpr bool Serves(uint8_t proto) noexcept {
    return proto == IPPROTO_IPIP || proto == IPPROTO_IPV6 ||
           (Outer::kServesDestOpts && proto == kIpv6DestOpts);
  }
  static uint16_t Input(Ctx& ctx, rte_mbuf* m, LocalIn in) noexcept {
    if (!Outer::CheckExt(ctx, m)) return kDropped;
    if (in.decapped) return Dropped(ctx, Drop::nested_tunnel);
    const uint8_t inner = Decap<Outer>(ctx, m);
    if (inner == 0) return kDropped;
    return inner == IPPROTO_IPIP ? RouteIpv4(ctx, m, false, true) : RouteIpv6(ctx, m, false, true);
  }
};

}  // namespace gw::dp
