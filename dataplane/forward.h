// A packet's walk through the gateway, one function per decision:
//
//   Process ── ParseEthernet (l2.h) ─┬─ IPv4: CheckIpv4 (ip_check.h) → RouteIpv4
//                                    └─ IPv6: CheckIpv6 → RouteIpv6
//   RouteIpvX: route lookup on the destination →
//     kLocal  : protocol 4/41 → Decap (decap.h) → RouteIpv4 / RouteIpv6 of the inner, once
//     kPort   : OutputIpvX (output.h): TTL−1, neighbour, Ethernet
//     kTunnel : Encap (encap.h): TTL−1, outer header, underlay route, neighbour, Ethernet
//
// Every path that forwards takes exactly one TTL / hop limit off the packet that leaves.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/decap.h"
#include "dataplane/encap.h"
#include "dataplane/ip_check.h"
#include "dataplane/l2.h"
#include "dataplane/output.h"

namespace gw::dp {

inline uint16_t RouteIpv6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;

// A validated IPv4 packet at the mbuf data.
inline uint16_t RouteIpv4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  if (IsNotUnicast4(ip->dst_addr)) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  const NextHop& nh = ctx.t->nexthops.Get(Lookup4(ctx, ip->dst_addr));
  switch (nh.kind) {
    case NhKind::kNone:
      return Dropped(ctx, Drop::no_route);
    case NhKind::kLocal: {
      const uint8_t proto = ip->next_proto_id;
      if (proto != IPPROTO_IPIP && proto != IPPROTO_IPV6) return Dropped(ctx, Drop::local_unsupported);
      if (decapped) return Dropped(ctx, Drop::nested_tunnel);
      const uint8_t inner = Decap(ctx, m);
      if (inner == 0) return kDropped;
      return inner == IPPROTO_IPIP ? RouteIpv4(ctx, m, false, true) : RouteIpv6(ctx, m, false, true);
    }
    case NhKind::kPort:
    case NhKind::kTunnel:
      break;
  }
  // Linux forwards only frames addressed to it (ip_forward: pkt_type == PACKET_HOST).
  if (l2_broadcast) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  if (ip->time_to_live <= 1) [[unlikely]]
    return Dropped(ctx, Drop::ttl_exceeded);
  if (nh.kind == NhKind::kPort) return OutputIpv4(ctx, m, nh);
  const Inner in{IPPROTO_IPIP, kCarryIpv4, ip->type_of_service,
                 static_cast<uint16_t>(ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG)),
                 ip->dst_addr};
  return Encap(ctx, m, nh, in);
}

inline uint16_t RouteIpv6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept {
  (void)decapped;  // IPv6-outer tunnels do not exist here: nothing to decapsulate twice
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  if (IsNotUnicast6(ip->dst_addr)) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  const NextHop& nh = ctx.t->nexthops.Get(Lookup6(ctx, ip->dst_addr));
  switch (nh.kind) {
    case NhKind::kNone:
      return Dropped(ctx, Drop::no_route);
    case NhKind::kLocal:
      return Dropped(ctx, Drop::local_unsupported);
    case NhKind::kPort:
    case NhKind::kTunnel:
      break;
  }
  if (l2_broadcast) [[unlikely]]
    return Dropped(ctx, Drop::not_for_us);
  if (ip->hop_limits <= 1) [[unlikely]]
    return Dropped(ctx, Drop::ttl_exceeded);
  if (nh.kind == NhKind::kPort) return OutputIpv6(ctx, m, nh);
  const uint8_t tclass = static_cast<uint8_t>(rte_be_to_cpu_32(ip->vtc_flow) >> 20);
  const Inner in{IPPROTO_IPV6, kCarryIpv6, tclass, 0, 0};
  return Encap(ctx, m, nh, in);
}

// One received frame: returns the egress port, or kDropped with the reason counted.
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
  return Dropped(ctx, Drop::bad_ethertype);
}

}  // namespace gw::dp
