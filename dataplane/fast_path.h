// What the vector walk's fast stages (vector.h, and the features' in features.h) share: the test
// that a frame is the common case, and the plain IPv4 output they end in.
//
// A fast stage decides first and writes after: it either takes a packet whole — the same bytes
// out, the same counters bumped, as the scalar walk (forward.h) would give it — or returns kSlow
// and leaves the mbuf untouched for the scalar walk, which handles every case (drops and their
// ICMP answers, ARP/ND, held packets, fragments, options, padding, broadcast frames, ...).
#pragma once

#include <cstdint>
#include <cstring>

#include "dataplane/ctx.h"
#include "dataplane/ip_check.h"
#include "dataplane/packet/ip.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {

// A fast stage's answer besides an egress port: not taken, the scalar walk decides.
inline constexpr uint16_t kSlow = 0xfffd;
static_assert(kSlow < kConsumed && kConsumed < kDropped);

inline constexpr uint32_t kEthIpv4Len = sizeof(rte_ether_hdr) + sizeof(rte_ipv4_hdr);

// Whether an IPv4 header (20 bytes, no options) holding a packet of exactly `len` bytes is one
// the scalar walk's CheckIpv4 would pass untouched (nothing to trim), with a unicast destination.
// The checks are combined without branches; the checksum is summed only for a header that passed
// the rest, and only if the NIC did not vouch for it. `ol_flags`: the mbuf's, for the NIC's
// checksum verdict (0 for an inner header: no NIC looked at it).
[[gnu::always_inline]] inline bool FastHeader4(const rte_ipv4_hdr* ip, uint32_t len,
                                               uint64_t ol_flags) noexcept {
  const uint64_t csum = ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
  const bool ok = (ip->version_ihl == RTE_IPV4_VHL_DEF) &
                  (rte_be_to_cpu_16(ip->total_length) == len) & (len >= sizeof(rte_ipv4_hdr)) &
                  (csum != RTE_MBUF_F_RX_IP_CKSUM_BAD) & !IsNotUnicast4(ip->dst_addr);
  if (!ok) return false;
  return csum == RTE_MBUF_F_RX_IP_CKSUM_GOOD || Ipv4ChecksumOk(ip, sizeof(rte_ipv4_hdr));
}

// Whether a received frame is the common case: one segment, Ethernet to the port's own MAC
// (`port_mac`, PackMac) with type IPv4, and FastHeader4. Reads the first 34 bytes of the buffer
// even of a shorter frame (an mbuf's data room is larger): their values only count when the
// length checks pass.
[[gnu::always_inline]] inline bool FastFrame4(const rte_mbuf* m, uint64_t port_mac) noexcept {
  const auto* p = rte_pktmbuf_mtod(m, const uint8_t*);
  uint64_t dst;
  std::memcpy(&dst, p, sizeof(dst));  // the destination MAC and 2 bytes of the source
  uint16_t type;
  std::memcpy(&type, p + 12, sizeof(type));
  const uint32_t len = m->pkt_len;
  const bool frame = (((dst ^ port_mac) << 16) == 0) &
                     (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) & (m->data_len == len) &
                     (len >= kEthIpv4Len);
  if (!frame) return false;
  return FastHeader4(reinterpret_cast<const rte_ipv4_hdr*>(p + sizeof(rte_ether_hdr)),
                     len - static_cast<uint32_t>(sizeof(rte_ether_hdr)), m->ol_flags);
}

// Where a forwarded IPv4 packet leaves by a port route (NhKind::kPort), decided as OutputIpv4
// would forward it; false when it would not simply forward (TTL expiring, port down, too big,
// neighbour unknown): the scalar walk then does what has to be done.
struct FastOut {
  const PortState* port;
  uint64_t mac;  // the neighbour's
  uint16_t port_id;
};
[[gnu::always_inline]] inline bool FastPort4(Ctx& ctx, const NextHop& nh,
                                             const rte_ipv4_hdr* ip, uint32_t ip_len,
                                             FastOut* out) noexcept {
  const PortState& port = ctx.t->ports[nh.port];
  if ((ip->time_to_live <= 1) | !port.up.load(std::memory_order_relaxed) |
      (ip_len > port.mtu.load(std::memory_order_relaxed))) [[unlikely]]
    return false;
  const uint32_t next = nh.gw_family == 4 ? nh.gw4_be : ip->dst_addr;
  if (!LookupNeighbour4(ctx, nh.port, next, &out->mac)) [[unlikely]]
    return false;
  out->port = &port;
  out->port_id = nh.port;
  return true;
}

// The Ethernet header written at `p`: to the neighbour `mac`, from `port`'s MAC, IPv4.
[[gnu::always_inline]] inline void WriteEthernet4(uint8_t* p, const PortState& port,
                                                  uint64_t mac) noexcept {
  std::memcpy(p, &mac, RTE_ETHER_ADDR_LEN);
  std::memcpy(p + RTE_ETHER_ADDR_LEN, port.mac.addr_bytes, RTE_ETHER_ADDR_LEN);
  const uint16_t type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
  std::memcpy(p + 2 * RTE_ETHER_ADDR_LEN, &type, sizeof(type));
}

}  // namespace gw::dp
