// Internet checksum helpers for header rewrites (RFC 1071, incremental update per RFC 1624), and
// sums over a packet in an mbuf chain.
#pragma once

#include <cstdint>

#include "dataplane/dpdk.h"

namespace gw::dp {

// Folds a 32-bit one's complement accumulator to 16 bits.
constexpr uint16_t FoldSum(uint32_t sum) noexcept {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), on 16-bit words in the same byte order as the header.
// Works on network-order values as long as all three use the same order.
constexpr uint16_t ChecksumReplace16(uint16_t hc, uint16_t old_word, uint16_t new_word) noexcept {
  uint32_t sum = static_cast<uint16_t>(~hc);
  sum += static_cast<uint16_t>(~old_word);
  sum += new_word;
  return static_cast<uint16_t>(~FoldSum(sum));
}

// The one's complement sum (not inverted) of `len` bytes from `off`, across segments.
inline uint16_t SumMbuf(const rte_mbuf* m, uint32_t off, uint32_t len) noexcept {
  uint16_t sum = 0;
  if (rte_raw_cksum_mbuf(m, off, len, &sum) != 0) return 0;
  return sum;
}

// ICMPv6 checksum of the packet in `m` (IPv6 header at the data, ICMPv6 right after it).
inline uint16_t Icmp6Checksum(const rte_mbuf* m) noexcept {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  uint32_t sum = rte_ipv6_phdr_cksum(ip, 0);
  sum += SumMbuf(m, sizeof(rte_ipv6_hdr), m->pkt_len - static_cast<uint32_t>(sizeof(rte_ipv6_hdr)));
  return static_cast<uint16_t>(~FoldSum(sum));
}

}  // namespace gw::dp
