// The tunnel's fast stages in the vector walk (dataplane/vector.h; registered in
// dataplane/features.h): the common case of encap and decap over a burst, each taking a packet
// whole or leaving it untouched to the scalar walk (kSlow), as dataplane/fast_path.h says.
//   Encap4: an IPv4 packet routed into a tunnel by a tunnel route value (`dev tunN`, no via).
//     Taken when the tunnel is up, carries IPv4, has a fixed remote, sets DF (pmtudisc: the outer
//     id is 0, nothing per packet to number), has no path MTU that needs a decision per packet
//     (kPmtuSlow: tunnel_table.h), its underlay leaves by a port that is up (through the bound
//     port, if any), its neighbour is known, the inner fits the limit and the mbuf has the
//     headroom. What that resolution gives is kept for the rest of the burst (EncapPlan):
//     per packet only the inner's TTL, the outer TOS/ECN, TTL, length and checksum are computed.
//   Decap4: IPIP (protocol 4) to a local address from a known peer whose tunnel is up and carries
//     IPv4, outer ECN not CE, the inner a plain IPv4 packet (FastHeader4) with TTL > 1 whose
//     route (the burst stage's second lookup) leaves by a port: the outer header is dropped and
//     the inner forwarded as FastPort4 decides.
// The bytes and counters are those of Encap / Decap (encap.h, decap.h) and OutputIpv4 for the
// packets taken; everything else (6in4, sit, remote any, via routes, hairpins, fragments,
// nopmtudisc, too big, ...) is theirs. So is the IPv6 underlay (ip6tnl, outer6.h): its tunnels
// are never planned here and its packets (IPv6 frames: not classified) take the scalar walk.
#pragma once

#include <cstring>

#include "dataplane/ctx.h"
#include "dataplane/fast_path.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/fixup.h"
#include "tunnel/datapath/outer4.h"
#include "tunnel/datapath/state.h"

namespace gw::dp {

struct TunnelFastPath {
  // Route values the tunnel handles: a route that names a tunnel.
  static bool OwnsRoute(uint32_t v) noexcept { return IsFibTunnel(v); }
  // Local protocols it handles: IPv4 in IPv4.
  static bool ServesLocal4(uint8_t proto) noexcept { return proto == IPPROTO_IPIP; }

  // Resolves tunnel `id` for the rest of the burst into *p (p->ok: fast; else the scalar walk).
  [[gnu::cold]] static void PlanEncap(Ctx& ctx, uint32_t id, EncapPlan* p) noexcept {
    p->id = id;
    p->ok = false;
    TunnelView tun;
    if (!ctx.t->tunnels.Read(ctx.tunnel.tl, id, &tun) || !tun.up() ||
        !(tun.carries() & kCarryIpv4) || tun.remote_any() || !tun.pmtudisc() || tun.pmtu_slow() ||
        tun.outer6())
      return;
    const uint32_t dst = Outer4::Dst(tun);
    if (dst == 0) return;
    const NextHop& u = *ctx.t->nexthops.Record(Outer4::Route(ctx, dst));
    if (u.kind != NhKind::kPort || (tun.bound_port() != kNoPort && u.port != tun.bound_port()))
      return;
    const PortState& port = ctx.t->ports[u.port];
    if (!port.up.load(std::memory_order_relaxed)) return;
    uint64_t mac;
    if (!Outer4::Neighbour(ctx, u.port, Outer4::Next(u, dst), &mac)) return;
    const uint32_t port_room = port.mtu.load(std::memory_order_relaxed) - Outer4::kHeaderLen;
    p->limit = static_cast<uint16_t>(std::min<uint32_t>(tun.mtu(), port_room));
    p->port = u.port;
    p->tos_inherit = tun.tos_inherit();
    p->tos = tun.tmpl_tos();
    p->ttl = tun.tmpl_ttl();
    p->src_be = tun.src_be();
    p->dst_be = dst;
    // The words that do not change per packet: DF (word 3; the id, word 2, is 0 under DF), the
    // addresses (words 6 to 9).
    p->sum = tun.TmplWord(3) + (p->src_be & 0xffff) + (p->src_be >> 16) + (dst & 0xffff) +
             (dst >> 16);
    WriteEthernet4(p->eth, port, mac);
    p->ok = true;
  }

  // The packet's frame is [Ethernet][inner IPv4 at `ip`]: on success [Ethernet][outer][inner].
  [[gnu::always_inline]] static uint16_t Encap4(Ctx& ctx, rte_mbuf* m, rte_ipv4_hdr* ip,
                                                uint32_t v) noexcept {
    const uint32_t id = FibTunnelId(v);
    EncapPlan& p = ctx.tunnel.encap_plan;
    if (p.id != id) [[unlikely]]
      PlanEncap(ctx, id, &p);
    const uint32_t inner_len = m->pkt_len - static_cast<uint32_t>(sizeof(rte_ether_hdr));
    if (!p.ok || (ip->time_to_live <= 1) | (inner_len > p.limit) |
                     (rte_pktmbuf_headroom(m) < Outer4::kHeaderLen)) [[unlikely]]
      return kSlow;

    const uint8_t inner_tos = ip->type_of_service;
    const uint8_t inner_ttl = DecrementTtl4(ip);
    const uint16_t w0 = HeaderWord(RTE_IPV4_VHL_DEF, OuterTos(p.tos_inherit, p.tos, inner_tos));
    const uint16_t w1 = rte_cpu_to_be_16(static_cast<uint16_t>(inner_len + Outer4::kHeaderLen));
    const uint16_t w4 = HeaderWord(OuterTtl(p.ttl, inner_ttl), IPPROTO_IPIP);
    const uint16_t w3 = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
    const uint32_t src = p.src_be;
    const uint32_t dst = p.dst_be;
    const auto sum = static_cast<uint16_t>(~FoldSum(p.sum + w0 + w1 + w4));

    m->data_off = static_cast<uint16_t>(m->data_off - Outer4::kHeaderLen);
    m->data_len = static_cast<uint16_t>(m->data_len + Outer4::kHeaderLen);
    m->pkt_len += Outer4::kHeaderLen;
    auto* f = rte_pktmbuf_mtod(m, uint8_t*);
    std::memcpy(f, p.eth, sizeof(p.eth));
    // The header as three words built in registers and stored once each (narrow stores read
    // back by a wider copy would stall store forwarding): words 0-3, words 4-5 with the source,
    // the destination. (Native order = the words as they sit in memory: little-endian here.)
    const uint64_t a = uint64_t{w0} | uint64_t{w1} << 16 | uint64_t{w3} << 48;  // id 0
    const uint64_t b = uint64_t{w4} | uint64_t{sum} << 16 | uint64_t{src} << 32;
    std::memcpy(f + sizeof(rte_ether_hdr), &a, sizeof(a));
    std::memcpy(f + sizeof(rte_ether_hdr) + 8, &b, sizeof(b));
    std::memcpy(f + sizeof(rte_ether_hdr) + 16, &dst, sizeof(dst));

    TunnelCounters& tc = ctx.tunnel.tl[id].c;
    Bump(tc.encap_packets);
    Bump(tc.encap_bytes, inner_len);
    return p.port;
  }

  // The peer of (remote, local) for the rest of the burst into *p (p->ok: up, carries IPv4).
  [[gnu::cold]] static void PlanDecap(Ctx& ctx, uint32_t remote, uint32_t local,
                                      DecapPlan* p) noexcept {
    p->remote_be = remote;
    p->local_be = local;
    p->ok = false;
    uint32_t id;
    TunnelView tun;
    if (!Outer4::LookupPeer(ctx, remote, local, &id) ||
        !ctx.t->tunnels.template Read<3>(ctx.tunnel.tl, id, &tun)) {
      p->id = kNoMemo;
      return;
    }
    p->id = id;
    p->ok = tun.up() && (tun.carries() & kCarryIpv4);
  }

  // The packet's frame is [Ethernet][outer IPv4 at `o`, protocol 4][inner]; `hint` is its burst
  // stage hint (the inner destination's route in slot 1). On success: [Ethernet][inner].
  [[gnu::always_inline]] static uint16_t Decap4(Ctx& ctx, rte_mbuf* m, rte_ipv4_hdr* o,
                                                const RouteHint& hint) noexcept {
    const uint32_t outer_len = m->pkt_len - static_cast<uint32_t>(sizeof(rte_ether_hdr));
    if (Outer4::IsFragment(o) | (Outer4::Ecn(o) == kEcnCe) |
        (outer_len < 2 * sizeof(rte_ipv4_hdr))) [[unlikely]]
      return kSlow;
    auto* in = reinterpret_cast<rte_ipv4_hdr*>(o + 1);
    const uint32_t inner_len = outer_len - static_cast<uint32_t>(sizeof(rte_ipv4_hdr));
    if (!FastHeader4(in, inner_len, 0) || in->dst_addr != hint.dst_be[1]) [[unlikely]]
      return kSlow;
    const uint32_t v = hint.nh[1];
    const NextHop& nh = *ctx.t->nexthops.Record(v);
    if (nh.kind != NhKind::kPort) [[unlikely]]
      return kSlow;
    DecapPlan& p = ctx.tunnel.decap_plan;
    if ((o->src_addr != p.remote_be) | (o->dst_addr != p.local_be) | (p.id == kNoMemo)) [[unlikely]]
      PlanDecap(ctx, o->src_addr, o->dst_addr, &p);
    FastOut out;
    if (!p.ok || !FastPort4(ctx, nh, in, inner_len, &out)) [[unlikely]]
      return kSlow;

    TunnelCounters& tc = ctx.tunnel.tl[p.id].c;
    Bump(tc.decap_packets);
    Bump(tc.decap_bytes, inner_len);
    DecrementTtl4(in);
    rte_pktmbuf_adj(m, Outer4::kHeaderLen);
    WriteEthernet4(rte_pktmbuf_mtod(m, uint8_t*), *out.port, out.mac);
    return out.port_id;
  }

  // The hooks as dataplane/features.h calls them.
  [[gnu::always_inline]] static uint16_t Route4(Ctx& ctx, rte_mbuf* m, rte_ipv4_hdr* ip,
                                                uint32_t v) noexcept {
    return Encap4(ctx, m, ip, v);
  }
  [[gnu::always_inline]] static uint16_t Local4(Ctx& ctx, rte_mbuf* m, rte_ipv4_hdr* ip,
                                                const RouteHint& h) noexcept {
    return Decap4(ctx, m, ip, h);
  }
};

}  // namespace gw::dp
