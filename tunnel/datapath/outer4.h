// The IPv4 underlay: the outer family of ipip / sit / any tunnels (RFC 2003, RFC 4213). Encap and
// decap (encap.h, decap.h) are written once for any outer family; what is IPv4 about them is
// here, behind the names an outer family gives them:
//   Header, kHeaderLen, kEtherType   the outer header as it sits in the packet;
//   Addr                             an outer address (network order);
//   Remote/Local/Proto/Ecn/...       what decap reads of a received outer header;
//   LookupPeer                       (remote, local) → tunnel id, through the worker's cache;
//   Dst/AnyDst/Route/OnPort/Next...  where encap sends the outer packet: the underlay route of the
//                                    outer destination, its next hop and neighbour;
//   Write                            the outer header, from the tunnel's template.
// The IPv6 underlay (ip6tnl, RFC 2473) is another such family (outer6.h), registered for IPv6
// local delivery (dataplane/features.h).
#pragma once

#include <cstdint>
#include <cstring>

#include "dataplane/ctx.h"
#include "dataplane/packet/checksum.h"
#include "dataplane/packet/ip.h"
#include "dataplane/output.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/fixup.h"
#include "tunnel/datapath/state.h"

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

struct Outer4 {
  using Header = rte_ipv4_hdr;
  using Addr = uint32_t;
  static constexpr uint8_t kFamily = 4;
  static constexpr uint16_t kHeaderLen = sizeof(rte_ipv4_hdr);
  static constexpr uint16_t kEtherType = RTE_ETHER_TYPE_IPV4;

  // ---- decap: a received outer header (validated: CheckIpv4) ----
  static Addr Remote(const Header* o) noexcept { return o->src_addr; }
  static Addr Local(const Header* o) noexcept { return o->dst_addr; }
  static uint8_t Proto(const Header* o) noexcept { return o->next_proto_id; }
  static uint8_t Ecn(const Header* o) noexcept { return o->type_of_service & kEcnMask; }
  static uint16_t Length(const Header* o) noexcept {
    return static_cast<uint16_t>((o->version_ihl & 0x0f) * 4);  // options included
  }
  // No extension headers to check (options are in the header's length).
  static constexpr bool kServesDestOpts = false;
  static constexpr bool CheckExt(Ctx&, const rte_mbuf*) noexcept { return true; }
  static bool IsFragment(const Header* o) noexcept {
    return (o->fragment_offset &
            rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
  }

  // ---- ICMP errors: the quoted header of an outer packet we sent (icmp_error.h) ----
  static Addr SentLocal(const Header* q) noexcept { return q->src_addr; }
  static Addr SentRemote(const Header* q) noexcept { return q->dst_addr; }
  static bool IsUnicast(Addr a) noexcept { return !IsNotUnicast4(a); }

  // The worker's peer-cache entry for (remote, local), or null without a cache (tests); *hit
  // when it holds that pair's answer under the current peer generation.
  [[gnu::always_inline]] static PeerCacheEntry* PeerCacheFor(const Ctx& ctx, Addr remote,
                                                              Addr local, bool* hit) noexcept {
    const TunnelCtx& tc = ctx.tunnel;
    *hit = false;
    if (tc.peer_cache == nullptr) return nullptr;
    PeerCacheEntry* e = &tc.peer_cache[CacheSlot(remote, local, kPeerCacheBits)];
    *hit = e->gen == tc.peer_gen && e->remote_be == remote && e->local_be == local;
    return e;
  }
  // The tunnel id of received (remote, local) outer addresses: exact pair first, then
  // (any, local); through the worker's cache.
  static bool LookupPeer(Ctx& ctx, Addr remote, Addr local, uint32_t* id) noexcept {
    bool hit;
    PeerCacheEntry* e = PeerCacheFor(ctx, remote, local, &hit);
    if (hit) [[likely]] {
      *id = e->tunnel;
      return true;
    }
    if (!ctx.t->peers.Lookup(PeerTable::Key(remote, local), id) &&
        !ctx.t->peers.Lookup(PeerTable::Key(0, local), id))
      return false;
    if (e != nullptr) *e = PeerCacheEntry{ctx.tunnel.peer_gen, remote, local, *id};
    return true;
  }

  // What the burst's last encapsulated / decapsulated packet left in this worker's TunnelCtx.
  static TunnelMemo& EncapMemo(Ctx& ctx) noexcept { return ctx.tunnel.tunnel_memo; }
  static PeerMemo& DecapMemo(Ctx& ctx) noexcept { return ctx.tunnel.peer_memo; }

  // ---- encap: where the outer packet goes ----
  static Addr Dst(const TunnelView& tun) noexcept { return tun.dst_be(); }
  static Addr Dst(const Ctx&, uint32_t, const TunnelView& tun) noexcept { return tun.dst_be(); }
  // Bytes of outer header in front of the inner.
  static constexpr uint16_t Overhead(const Ctx&, uint32_t) noexcept { return kHeaderLen; }
  // `remote any`: the route's gateway, else an IPv4 inner's own destination (Linux's
  // rt_nexthop); 0 (an IPv6 inner without via): no route.
  static Addr AnyDst(uint32_t via_be, const Inner& in) noexcept {
    return via_be != 0 ? via_be : in.dst_be;
  }
  // The underlay route of an outer destination (never 0), remembered for the rest of the burst.
  [[gnu::always_inline]] static uint32_t Route(Ctx& ctx, Addr dst) noexcept {
    TunnelCtx& tc = ctx.tunnel;
    if (dst != tc.under_dst_be) [[unlikely]] {
      tc.under_nh = Lookup4(ctx, dst);
      tc.under_dst_be = dst;
    }
    return tc.under_nh;
  }
  // The path MTU learned toward `dst` for `remote any` tunnel `id` (TunnelTable::PathMtu).
  static bool PathMtu(const Ctx& ctx, uint32_t id, Addr dst, uint16_t* mtu,
                      bool* locked) noexcept {
    return ctx.t->tunnels.PathMtu(id, dst, mtu, locked);
  }
  static NextHop OnPort(Ctx& ctx, Addr dst, uint16_t port) noexcept {
    return UnderlayOnPort(ctx, dst, port);
  }
  // The neighbour the outer packet goes to: the route's gateway, or the destination itself.
  static Addr Next(const NextHop& u, Addr dst) noexcept {
    return u.gw_family == 4 ? u.gw4_be : dst;
  }
  [[gnu::always_inline]] static bool Neighbour(Ctx& ctx, uint16_t port, Addr next,
                                               uint64_t* mac) noexcept {
    return LookupNeighbour4(ctx, port, next, mac);
  }
  static uint16_t Hold(Ctx& ctx, rte_mbuf* m, uint16_t port, Addr next) noexcept {
    return dp::Hold(ctx, m, port, 4, &next, kEtherType);
  }
  static uint16_t Finish(Ctx& ctx, rte_mbuf* m, const PortState& port, uint16_t port_id,
                         Addr next) noexcept {
    return FinishIpv4(ctx, m, port, port_id, next);
  }
  // Too big for the underlay: no router in the underlay is left to fragment an IPv4 inner (Linux
  // fragments at the tunnel device), so the inner is fragmented here and each piece encapsulated.
  static constexpr bool kFragmentsInner = true;

  // The outer header in front of the inner packet (mbuf data at the inner header, headroom
  // checked): the tunnel's template with this packet's length, TOS / ECN, id, DF, TTL, protocol
  // and (remote any) destination.
  [[gnu::always_inline]] static void Write(Ctx& ctx, rte_mbuf* m, uint32_t /*id*/,
                                           const TunnelView& tun, const Inner& in, Addr outer_dst,
                                           uint8_t inner_ttl) noexcept {
    const uint32_t inner_len = m->pkt_len;
    // The header's words are computed as values (word i as it sits in memory, native order), the
    // checksum is taken from them, and then they are stored: reading back what was just written
    // byte by byte would wait for the stores (no store-to-load forwarding into a wider load).
    const uint16_t tw[10] = {tun.TmplWord(0), tun.TmplWord(1), tun.TmplWord(2), tun.TmplWord(3),
                             tun.TmplWord(4), tun.TmplWord(5), tun.TmplWord(6), tun.TmplWord(7),
                             tun.TmplWord(8), tun.TmplWord(9)};
    const uint8_t tos = OuterTos(tun.tos_inherit(), tun.tmpl_tos(), in.tos);
    const uint16_t w0 = HeaderWord(tun.version_ihl(), tos);
    const uint16_t w1 = rte_cpu_to_be_16(static_cast<uint16_t>(inner_len + sizeof(rte_ipv4_hdr)));
    const uint16_t w3 = tun.pmtudisc() ? tw[3] : in.df_be;
    // RFC 6864 lets an atomic (DF) datagram carry any id: we send 0 and number only the ones that
    // may be fragmented. (Linux's iptunnel_xmit numbers every outer header.)
    const uint16_t w2 = w3 == 0 ? rte_cpu_to_be_16(ctx.ip_id++) : tw[2];
    const uint16_t w4 = HeaderWord(OuterTtl(tun.tmpl_ttl(), inner_ttl), in.proto);

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
  }
};

}  // namespace gw::dp
