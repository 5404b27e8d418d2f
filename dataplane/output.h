// Plain routing out of a port (RFC 1812 forwarding): the route said kPort; and the last step of
// every IPv4/IPv6 frame, the neighbour.
//   Enters: a validated IPv4/IPv6 packet (mbuf data at the IP header), its next hop, and whether
//   it is forwarded (this hop takes one TTL) or originated by the gateway.
//   Leaves: the frame to transmit, TTL / hop limit one lower when forwarded (IPv4 checksum
//   patched, RFC 1624), Ethernet src = egress port MAC, dst = the neighbour's MAC.
//   Too big for the port: a forwarded IPv4 packet with DF gets ICMP "fragmentation needed"
//   (RFC 1191) and is dropped (mtu_exceeded); without DF it is fragmented (frag.h). IPv6 gets
//   "packet too big" (RFC 8201); routers do not fragment it.
//   No neighbour entry: the packet is handed to the control thread, which resolves the next hop
//   (ARP / ND) and sends it then, or drops it (no_neighbour).
//   Drops: link_down, mtu_exceeded, frag_failed, slowpath_full.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/frag.h"
#include "dataplane/l2.h"
#include "dataplane/packet/checksum.h"
#include "dataplane/packet/ip.h"
#include "dataplane/walk.h"

namespace gw::dp {

// Waits for the control thread to resolve (family, addr) on `port`.
[[gnu::cold]] inline uint16_t Hold(Ctx& ctx, rte_mbuf* m, uint16_t port, uint8_t family,
                                   const void* addr, uint16_t ether_type) noexcept {
  PuntMeta meta{};
  meta.kind = PuntKind::kHold;
  meta.family = family;
  meta.port = port;
  meta.ether_type = ether_type;
  std::memcpy(meta.addr, addr, family == 4 ? 4 : 16);
  return Punt(ctx, m, meta);
}

// The Ethernet header to IPv4 next hop `next_be` on `port_id`, or hold the packet for it.
[[gnu::always_inline]] inline uint16_t FinishIpv4(Ctx& ctx, rte_mbuf* m, const PortState& port,
                                                  uint16_t port_id, uint32_t next_be) noexcept {
  uint64_t mac;
  if (!LookupNeighbour4(ctx, port_id, next_be, &mac)) [[unlikely]]
    return Hold(ctx, m, port_id, 4, &next_be, RTE_ETHER_TYPE_IPV4);
  WriteEthernet(m, port, mac, RTE_ETHER_TYPE_IPV4);
  return port_id;
}

inline uint16_t FinishIpv6(Ctx& ctx, rte_mbuf* m, const PortState& port, uint16_t port_id,
                           const uint8_t* next) noexcept {
  uint64_t mac;
  if (!LookupNeighbour(ctx, NeighKey6(port_id, next), &mac)) [[unlikely]]
    return Hold(ctx, m, port_id, 6, next, RTE_ETHER_TYPE_IPV6);
  WriteEthernet(m, port, mac, RTE_ETHER_TYPE_IPV6);
  return port_id;
}

// Sends each of `n` finished-elsewhere frames, or frees it if its finish dropped or kept it.
inline void SendAll(Ctx& ctx, rte_mbuf** frames, const uint16_t* outs, uint16_t n) noexcept {
  for (uint16_t i = 0; i < n; ++i) {
    if (outs[i] < kConsumed)
      Send(ctx, outs[i], frames[i]);
    else if (outs[i] == kDropped)
      rte_pktmbuf_free(frames[i]);
  }
}

// IPv4 larger than the port's MTU (RFC 1812 5.2.6 / RFC 1191).
[[gnu::cold]] inline uint16_t TooBig4(Ctx& ctx, rte_mbuf* m, const PortState& port,
                                      uint16_t port_id, uint32_t next_be, uint16_t mtu,
                                      Hop hop) noexcept {
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
  if (hop == Hop::kForward && (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG))) {
    ctx.c->CountDrop(Drop::mtu_exceeded);
    return IcmpError4(ctx, m, 3, 4, mtu);
  }
  if (hop == Hop::kForward) DecrementTtl4(ip);
  rte_mbuf* frags[kMaxFragments];
  const uint16_t n = Fragment4(ctx, m, mtu, frags);
  if (n == 0) return kDropped;
  rte_pktmbuf_free(m);
  uint16_t outs[kMaxFragments];
  for (uint16_t i = 0; i < n; ++i) outs[i] = FinishIpv4(ctx, frags[i], port, port_id, next_be);
  SendAll(ctx, frags, outs, n);
  return kConsumed;
}

inline uint16_t OutputIpv4(Ctx& ctx, rte_mbuf* m, const NextHop& nh,
                           Hop hop = Hop::kForward) noexcept {
  const PortState& port = ctx.t->ports[nh.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
  const uint32_t next = nh.gw_family == 4 ? nh.gw4_be : ip->dst_addr;
  const uint16_t mtu = port.mtu.load(std::memory_order_relaxed);
  if (m->pkt_len > mtu) [[unlikely]]
    return TooBig4(ctx, m, port, nh.port, next, mtu, hop);
  if (hop == Hop::kForward) DecrementTtl4(ip);
  return FinishIpv4(ctx, m, port, nh.port, next);
}

// IPv6 larger than the port's MTU: a forwarded packet gets "packet too big" (RFC 8201: routers do
// not fragment); one the gateway originates is fragmented by its source (Fragment6).
[[gnu::cold]] inline uint16_t TooBig6(Ctx& ctx, rte_mbuf* m, const PortState& port,
                                      const NextHop& nh, uint16_t mtu, Hop hop) noexcept {
  if (hop == Hop::kForward) {
    ctx.c->CountDrop(Drop::mtu_exceeded);
    return IcmpError6(ctx, m, 2, 0, mtu);
  }
  rte_mbuf* frags[kMaxFragments];
  const uint16_t n = Fragment6(ctx, m, mtu, frags);
  if (n == 0) return kDropped;
  uint8_t next[16];  // (from m's header: m goes before the fragments are finished)
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  std::memcpy(next, nh.gw_family == 6 ? nh.gw6.data() : ip->dst_addr, sizeof(next));
  rte_pktmbuf_free(m);
  uint16_t outs[kMaxFragments];
  for (uint16_t i = 0; i < n; ++i) outs[i] = FinishIpv6(ctx, frags[i], port, nh.port, next);
  SendAll(ctx, frags, outs, n);
  return kConsumed;
}

inline uint16_t OutputIpv6(Ctx& ctx, rte_mbuf* m, const NextHop& nh,
                           Hop hop = Hop::kForward) noexcept {
  const PortState& port = ctx.t->ports[nh.port];
  if (!port.up.load(std::memory_order_relaxed)) [[unlikely]]
    return Dropped(ctx, Drop::link_down);
  const uint16_t mtu = port.mtu.load(std::memory_order_relaxed);
  if (m->pkt_len > mtu) [[unlikely]]
    return TooBig6(ctx, m, port, nh, mtu, hop);
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
  if (hop == Hop::kForward) --ip->hop_limits;
  const uint8_t* next = nh.gw_family == 6 ? nh.gw6.data() : ip->dst_addr;
  return FinishIpv6(ctx, m, port, nh.port, next);
}

}  // namespace gw::dp
