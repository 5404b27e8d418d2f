// The IPv6 underlay: the outer family of ip6tnl tunnels (RFC 2473: `mode ip6ip6 | ipip6 | any`
// over IPv6), the second family beside Outer4 (outer4.h), behind the same names:
//   Header, kHeaderLen, kEtherType   a received outer header: IPv6, then at most one destination
//                                    options header (the one carrying the tunnel encapsulation
//                                    limit, RFC 2473 4.1.1) before protocol 4 or 41;
//   Addr (Addr6, state.h)            a 16-byte outer address, as a value;
//   LookupPeer                       (remote, local) → tunnel id: exact pair, then (::, local),
//                                    in the PeerTable6 (no worker cache: the burst's PeerMemo6);
//   Dst/Route/OnPort/Next/...        the underlay: IPv6 routes (fib6), ND neighbours;
//   Write                            40 bytes of IPv6 header, plus 8 of destination options with
//                                    the encapsulation limit unless `encaplimit none`.
// What encap writes, per packet (Linux ip6_tnl_xmit): version 6, traffic class = the tunnel's
// fixed one with the inner ECN bits, or the inner's whole (`tclass inherit`); flow label 0;
// payload length; next header 4 / 41, or 60 (destination options) whose next header is 4 / 41;
// hop limit fixed (default 64) or the inner's after this hop (`hoplimit inherit`); the tunnel's
// local and remote. The options header is Linux's init_tel_txopt bytes:
//   [next header, 0 (8 bytes), 0x04 (tunnel encapsulation limit), 0x01, limit, 0x01 (PadN), 0x01, 0x00]
// The tunnel's addresses and limit are in its record (TunnelRec), which the walk reads through the
// table's slot (a grace period keeps it alive for the burst), and Write takes the whole header
// from it; the flags, MTU and bound port that Encap checks are in the TunnelView like an IPv4
// tunnel's. (Right at a `tunnel change`, one packet may be checked against the old line and
// written from the new record: its MTU check then used the old limit.)
#pragma once

#include <cstdint>
#include <cstring>

#include "dataplane/ctx.h"
#include "dataplane/output.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/fixup.h"
#include "tunnel/datapath/outer4.h"
#include "tunnel/datapath/state.h"

namespace gw::dp {

inline constexpr uint8_t kIpv6DestOpts = 60;       // IPPROTO_DSTOPTS
inline constexpr uint8_t kTlvTunnelEncapLimit = 4;  // RFC 2473 4.1.1 (IPV6_TLV_TNL_ENCAP_LIMIT)
inline constexpr uint8_t kTlvPadN = 1;

// As UnderlayOnPort (outer4.h), over the IPv6 routes: a tunnel bound to a port routes its outer
// packets through that port only, else on-link there.
[[gnu::cold]] inline NextHop UnderlayOnPort6(Ctx& ctx, const Addr6& dst, uint16_t port) noexcept {
  rte_rib6* rib = rte_fib6_get_rib(ctx.fib6);
  for (rte_rib6_node* n = rte_rib6_lookup(rib, dst.b); n != nullptr;
       n = rte_rib6_lookup_parent(n)) {
    uint64_t id;
    rte_rib6_get_nh(n, &id);
    const NextHop& nh = *ctx.t->nexthops.Record(static_cast<uint32_t>(id));
    if (nh.kind == NhKind::kPort && nh.port == port) return nh;
  }
  NextHop onlink;
  onlink.kind = NhKind::kPort;
  onlink.port = port;
  return onlink;
}

struct Outer6 {
  using Header = rte_ipv6_hdr;
  using Addr = Addr6;
  static constexpr uint8_t kFamily = 6;
  static constexpr uint16_t kHeaderLen = 48;  // the most encap puts in front (with the option)
  static constexpr uint16_t kEtherType = RTE_ETHER_TYPE_IPV6;

  static Addr6 AddrOf(const uint8_t* p) noexcept {
    Addr6 a;
    std::memcpy(a.b, p, 16);
    return a;
  }

  // ---- decap: a received outer header (validated: CheckIpv6; a destination options header
  // checked to be whole in the first segment by TunnelInput<Outer6>::Input) ----
  static Addr Remote(const Header* o) noexcept { return AddrOf(o->src_addr); }
  static Addr Local(const Header* o) noexcept { return AddrOf(o->dst_addr); }
  static const uint8_t* Ext(const Header* o) noexcept {
    return reinterpret_cast<const uint8_t*>(o) + sizeof(Header);
  }
  static uint8_t Proto(const Header* o) noexcept {
    return o->proto == kIpv6DestOpts ? Ext(o)[0] : o->proto;
  }
  static uint8_t Ecn(const Header* o) noexcept {
    return static_cast<uint8_t>(rte_be_to_cpu_32(o->vtc_flow) >> 20) & kEcnMask;
  }
  static uint16_t Length(const Header* o) noexcept {
    return o->proto == kIpv6DestOpts ? static_cast<uint16_t>(sizeof(Header) + 8 * (Ext(o)[1] + 1))
                                     : uint16_t{sizeof(Header)};
  }
  // A destination options header before the inner: whole in the first segment, and followed by
  // protocol 4 or 41 (anything else behind one is not served: local_unsupported, as before).
  static constexpr bool kServesDestOpts = true;
  static bool CheckExt(Ctx& ctx, const rte_mbuf* m) noexcept {
    const auto* o = rte_pktmbuf_mtod(m, const Header*);
    if (o->proto != kIpv6DestOpts) [[likely]]
      return true;
    if (m->data_len < sizeof(Header) + 8 || m->data_len < Length(o))
      return Dropped(ctx, Drop::truncated), false;
    if (Proto(o) != IPPROTO_IPIP && Proto(o) != IPPROTO_IPV6)
      return Dropped(ctx, Drop::local_unsupported), false;
    return true;
  }
  // Fragments were reassembled before the handlers saw the packet (Local6: Reassemble6).
  static bool IsFragment(const Header*) noexcept { return false; }

  static bool LookupPeer(Ctx& ctx, const Addr& remote, const Addr& local, uint32_t* id) noexcept {
    PeerKey6 k;
    std::memcpy(k.remote, remote.b, 16);
    std::memcpy(k.local, local.b, 16);
    if (ctx.t->peers6.Lookup(k, id)) return true;
    std::memset(k.remote, 0, 16);
    return ctx.t->peers6.Lookup(k, id);
  }

  static TunnelMemo6& EncapMemo(Ctx& ctx) noexcept { return ctx.tunnel.tunnel_memo6; }
  static PeerMemo6& DecapMemo(Ctx& ctx) noexcept { return ctx.tunnel.peer_memo6; }

  // ---- encap: where the outer packet goes ----
  static const TunnelRec* Rec(const Ctx& ctx, uint32_t id) noexcept {
    return ctx.t->tunnels.Get(id);
  }
  static Addr Dst(const Ctx& ctx, uint32_t id, const TunnelView&) noexcept {
    const TunnelRec* r = Rec(ctx, id);
    return r != nullptr ? AddrOf(r->remote6.data()) : Addr6{};
  }
  // `remote any` is refused for IPv6-outer tunnels (tunnel/control/tunnels.cc): no destination.
  static Addr AnyDst(uint32_t, const Inner&) noexcept { return Addr6{}; }
  static uint16_t Overhead(const Ctx& ctx, uint32_t id) noexcept {
    const TunnelRec* r = Rec(ctx, id);
    return r != nullptr ? r->Overhead6() : kHeaderLen;
  }
  static uint32_t Route(Ctx& ctx, const Addr& dst) noexcept {
    TunnelCtx& tc = ctx.tunnel;
    if (tc.under_nh6 == 0 || !(dst == tc.under_dst6)) {
      tc.under_nh6 = Lookup6(ctx, dst.b);
      tc.under_dst6 = dst;
    }
    return tc.under_nh6;
  }
  static NextHop OnPort(Ctx& ctx, const Addr& dst, uint16_t port) noexcept {
    return UnderlayOnPort6(ctx, dst, port);
  }
  static Addr Next(const NextHop& u, const Addr& dst) noexcept {
    return u.gw_family == 6 ? AddrOf(u.gw6.data()) : dst;
  }
  static bool Neighbour(Ctx& ctx, uint16_t port, const Addr& next, uint64_t* mac) noexcept {
    return LookupNeighbour(ctx, NeighKey6(port, next.b), mac);
  }
  static uint16_t Hold(Ctx& ctx, rte_mbuf* m, uint16_t port, const Addr& next) noexcept {
    return dp::Hold(ctx, m, port, 6, next.b, kEtherType);
  }
  // Path MTUs are learned from ICMP about IPv4 outer packets only (tunnel/control/pmtu.cc): over
  // IPv6 nothing is learned, and `remote any` is refused, so nothing is ever found here.
  static bool PathMtu(const Ctx&, uint32_t, Addr, uint16_t*, bool*) noexcept { return false; }
  static uint16_t Finish(Ctx& ctx, rte_mbuf* m, const PortState& port, uint16_t port_id,
                         const Addr& next) noexcept {
    return FinishIpv6(ctx, m, port, port_id, next.b);
  }
  // Too big: an IPv4 inner without DF is fragmented before encap, as Linux fragments at the
  // ip6tnl device's MTU; the outer IPv6 packet is never fragmented.
  static constexpr bool kFragmentsInner = true;

  // The outer header (and the options header) in front of the inner packet (headroom checked).
  static void Write(Ctx& ctx, rte_mbuf* m, uint32_t id, const TunnelView& /*tun*/, const Inner& in,
                    const Addr& outer_dst, uint8_t inner_ttl) noexcept {
    // Every field of the header from one record (a `tunnel change` publishes a new one whole),
    // not some from the worker's line and some from the record.
    const TunnelRec* r = Rec(ctx, id);  // (present: Encap read the tunnel's line)
    const uint16_t len = r->Overhead6();
    const uint32_t inner_len = m->pkt_len;
    auto* o = reinterpret_cast<rte_ipv6_hdr*>(rte_pktmbuf_prepend(m, len));
    const uint8_t tclass = OuterTos(r->tos_inherit, r->tmpl.type_of_service, in.tos);
    o->vtc_flow = rte_cpu_to_be_32(6u << 28 | uint32_t{tclass} << 20);
    o->payload_len = rte_cpu_to_be_16(static_cast<uint16_t>(inner_len + len - sizeof(*o)));
    o->hop_limits = OuterTtl(r->tmpl.time_to_live, inner_ttl);
    std::memcpy(o->src_addr, r->local6.data(), 16);
    std::memcpy(o->dst_addr, outer_dst.b, 16);
    if (r->encap_limit < 0) {
      o->proto = in.proto;
      return;
    }
    o->proto = kIpv6DestOpts;
    uint8_t* opt = reinterpret_cast<uint8_t*>(o + 1);
    opt[0] = in.proto;
    opt[1] = 0;  // (8 bytes in all)
    opt[2] = kTlvTunnelEncapLimit;
    opt[3] = 1;
    opt[4] = static_cast<uint8_t>(r->encap_limit);
    opt[5] = kTlvPadN;
    opt[6] = 1;
    opt[7] = 0;
  }
};

}  // namespace gw::dp
