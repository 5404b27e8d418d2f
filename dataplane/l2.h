// Ethernet, both ends of the walk.
//   Ingress: enters a frame as received; leaves the mbuf data at the IP header, with the
//   ethertype and whether the frame was an L2 broadcast or multicast. Drops: truncated,
//   not_for_us (unicast to another MAC; multicast other than IPv6's, which ND needs).
//   Egress: prepends a fresh header, src = egress port MAC, dst = the next hop's MAC.
#pragma once

#include "dataplane/ctx.h"

namespace gw::dp {

struct L2Info {
  uint16_t ether_type_be;
  bool broadcast;
};

inline bool ParseEthernet(Ctx& ctx, rte_mbuf* m, const PortState& port, L2Info* out) noexcept {
  if (m->data_len < sizeof(rte_ether_hdr)) [[unlikely]] {
    ctx.c->CountDrop(Drop::truncated);
    return false;
  }
  const auto* eth = rte_pktmbuf_mtod(m, const rte_ether_hdr*);
  out->broadcast = rte_is_multicast_ether_addr(&eth->dst_addr);  // (broadcast included)
  if (!rte_is_same_ether_addr(&eth->dst_addr, &port.mac)) [[unlikely]] {
    const bool ok = rte_is_broadcast_ether_addr(&eth->dst_addr) ||
                    (out->broadcast && eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6));
    if (!ok) {
      ctx.c->CountDrop(Drop::not_for_us);
      return false;
    }
  }
  out->ether_type_be = eth->ether_type;
  rte_pktmbuf_adj(m, sizeof(rte_ether_hdr));
  return true;
}

// `m` data starts at the IP header (or the outer IP header, already prepended); there is always
// room for the Ethernet header because ingress stripped one.
inline void WriteEthernet(rte_mbuf* m, const PortState& port, uint64_t dst_mac,
                          uint16_t ether_type) noexcept {
  auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ether_hdr)));
  std::memcpy(&eth->dst_addr, &dst_mac, RTE_ETHER_ADDR_LEN);
  rte_ether_addr_copy(&port.mac, &eth->src_addr);
  eth->ether_type = rte_cpu_to_be_16(ether_type);
}

}  // namespace gw::dp
