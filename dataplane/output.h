// Plain routing out of a port (RFC 1812 forwarding): the route said kPort.
//   Enters: a validated IPv4/IPv6 packet (mbuf data at the IP header) and its next hop.
//   Leaves: the frame to transmit, TTL / hop limit one lower (IPv4 checksum patched, RFC 1624),
//   Ethernet src = egress port MAC, dst = the neighbour's MAC.
//   Drops: link_down, mtu_exceeded, no_neighbour.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/l2.h"
#include "dataplane/packet/checksum.h"

namespace gw::dp {

inline void DecrementTtl4(rte_ipv4_hdr* ip) noexcept {
  // TTL is the high byte of the TTL/protocol word: the word drops by 0x0100.
  const uint16_t old_word = *reinterpret_cast<const uint16_t*>(&ip->time_to_live);
  --ip->time_to_live;
  const uint16_t new_word = *reinterpret_cast<const uint16_t*>(&ip->time_to_live);
  ip->hdr_checksum = ChecksumReplace16(ip->hdr_checksum, old_word, new_word);
}

inline uint16_t OutputIpv4(Ctx& ctx, rte_mbuf* m, const NextHop& nh) noexcept {
  const PortState& port = ctx.t->ports[nh.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  if (m->pkt_len > port.mtu.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::mtu_exceeded);
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
  uint64_t mac;
  const uint32_t next = nh.gw_family == 4 ? nh.gw4_be : ip->dst_addr;
  if (!LookupNeighbour4(ctx, nh.port, next, &mac)) [[unlikely]]
    return Dropped(ctx, Drop::no_neighbour);
  DecrementTtl4(ip);
  WriteEthernet(m, port, mac, RTE_ETHER_TYPE_IPV4);
  return nh.port;
}

inline uint16_t OutputIpv6(Ctx& ctx, rte_mbuf* m, const NextHop& nh) noexcept {
  const PortState& port = ctx.t->ports[nh.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  if (m->pkt_len > port.mtu.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::mtu_exceeded);
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
  uint64_t mac;
  const uint8_t* next = nh.gw_family == 6 ? nh.gw6.data() : ip->dst_addr;
  if (!LookupNeighbour(ctx, NeighKey6(nh.port, next), &mac)) [[unlikely]]
    return Dropped(ctx, Drop::no_neighbour);
  --ip->hop_limits;
  WriteEthernet(m, port, mac, RTE_ETHER_TYPE_IPV6);
  return nh.port;
}

}  // namespace gw::dp
