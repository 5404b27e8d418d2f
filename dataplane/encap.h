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
//   Drops: no_route, link_down, mode_mismatch, mtu_exceeded, nested_tunnel, no_neighbour,
//   no_headroom.
#pragma once

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
    const NextHop& nh = ctx.t->nexthops.Get(static_cast<uint32_t>(id));
    if (nh.kind == NhKind::kPort && nh.port == port) return nh;
  }
  NextHop onlink;
  onlink.kind = NhKind::kPort;
  onlink.port = port;
  return onlink;
}

inline uint16_t Encap(Ctx& ctx, rte_mbuf* m, const NextHop& nh, const Inner& in) noexcept {
  const TunnelRec* tun = ctx.t->tunnels.Get(nh.tunnel);
  if (tun == nullptr) [[unlikely]]
    return Dropped(ctx, Drop::no_route);  // deleted under us: its routes are going too
  if (!tun->up) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  if (!(tun->carries & in.carry)) [[unlikely]]
    return Dropped(ctx, Drop::mode_mismatch);
  const uint32_t inner_len = m->pkt_len;
  if (inner_len > tun->mtu) [[unlikely]]
    return Dropped(ctx, Drop::mtu_exceeded);

  uint32_t outer_dst = tun->tmpl.dst_addr;
  if (tun->remote_any) outer_dst = nh.gw_family == 4 ? nh.gw4_be : in.dst_be;
  if (outer_dst == 0) [[unlikely]]
    return Dropped(ctx, Drop::no_route);

  // The underlay: the outer destination must leave through a port, not another tunnel.
  const NextHop* up = &ctx.t->nexthops.Get(Lookup4(ctx, outer_dst));
  NextHop bound;
  if (tun->bound_port != kNoPort && (up->kind != NhKind::kPort || up->port != tun->bound_port))
      [[unlikely]] {
    bound = UnderlayOnPort(ctx, outer_dst, tun->bound_port);
    up = &bound;
  }
  const NextHop& u = *up;
  if (u.kind != NhKind::kPort) [[unlikely]]
    return Dropped(ctx, u.kind == NhKind::kTunnel ? Drop::nested_tunnel : Drop::no_route);
  const PortState& port = ctx.t->ports[u.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  if (inner_len + sizeof(rte_ipv4_hdr) > port.mtu.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::mtu_exceeded);
  uint64_t mac;
  if (!LookupNeighbour4(ctx, u.port, u.gw_family == 4 ? u.gw4_be : outer_dst, &mac)) [[unlikely]]
    return Dropped(ctx, Drop::no_neighbour);
  if (rte_pktmbuf_headroom(m) < sizeof(rte_ipv4_hdr) + sizeof(rte_ether_hdr)) [[unlikely]]
    return Dropped(ctx, Drop::no_headroom);

  // The router hop, on the inner header.
  uint8_t inner_ttl;
  if (in.carry == kCarryIpv4) {
    auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
    DecrementTtl4(ip);
    inner_ttl = ip->time_to_live;
  } else {
    auto* ip6 = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
    inner_ttl = --ip6->hop_limits;
  }

  void* raw = rte_pktmbuf_prepend(m, sizeof(rte_ipv4_hdr));
  auto* o = static_cast<rte_ipv4_hdr*>(raw);
  std::memcpy(o, &tun->tmpl, sizeof(*o));
  o->type_of_service = tun->tos_inherit ? in.tos : (tun->tmpl.type_of_service | (in.tos & 0x03));
  o->total_length = rte_cpu_to_be_16(static_cast<uint16_t>(inner_len + sizeof(rte_ipv4_hdr)));
  if (tun->ttl == 0) o->time_to_live = inner_ttl;
  o->next_proto_id = in.proto;
  if (!tun->pmtudisc) o->fragment_offset = in.df_be;
  // RFC 6864 lets an atomic (DF) datagram carry any id: we send 0 and number only the ones that
  // may be fragmented. (Linux's iptunnel_xmit numbers every outer header.)
  if (o->fragment_offset == 0) o->packet_id = rte_cpu_to_be_16(ctx.ip_id++);
  o->dst_addr = outer_dst;

  // Checksum: the template's sum plus what this packet added to fields that are zero (or hold
  // fewer bits) in the template. Word i of the header, native order; one's complement sums do
  // not care about byte order (RFC 1071).
  const auto* w = static_cast<const uint16_t*>(raw);
  const uint16_t* tw = tun->tmpl_words;
  uint32_t sum = tun->tmpl_sum;
  sum += static_cast<uint32_t>(w[0] - tw[0]);  // TOS / ECN
  sum += w[1] + w[2];                          // total length, id
  sum += static_cast<uint32_t>(w[3] - tw[3]);  // DF copied from the inner
  sum += static_cast<uint32_t>(w[4] - tw[4]);  // inherited TTL, protocol
  sum += static_cast<uint32_t>(w[8] - tw[8]) + static_cast<uint32_t>(w[9] - tw[9]);  // remote any
  o->hdr_checksum = static_cast<uint16_t>(~FoldSum(sum));

  TunnelCounters& tc = ctx.c->tunnels[tun->id];
  Bump(tc.encap_packets);
  Bump(tc.encap_bytes, inner_len);
  WriteEthernet(m, port, mac, RTE_ETHER_TYPE_IPV4);
  return u.port;
}

}  // namespace gw::dp
