// IPv4 and IPv6 header helpers without state: address classes, as the walk and the control
// thread test them, and the router hop.
#pragma once

#include <cstdint>
#include <cstring>

#include "dataplane/dpdk.h"
#include "dataplane/packet/checksum.h"

namespace gw::dp {

inline bool IsUnspecified6(const uint8_t* a) noexcept {
  static constexpr uint8_t kZero[16] = {};
  return std::memcmp(a, kZero, 16) == 0;
}

// Destinations a router never forwards and the gateway does not serve: IPv4 multicast, limited
// broadcast and 0.0.0.0; IPv6 multicast, link-local and unspecified.
inline bool IsNotUnicast4(uint32_t dst_be) noexcept {
  const uint32_t d = rte_be_to_cpu_32(dst_be);
  return (d >> 28) == 0xe || d == 0xffffffffu || d == 0;
}
inline bool IsNotUnicast6(const uint8_t* d) noexcept {
  if (d[0] == 0xff) return true;                           // ff00::/8
  if (d[0] == 0xfe && (d[1] & 0xc0) == 0x80) return true;  // fe80::/10
  return IsUnspecified6(d);
}

// Sources an ICMP error may be sent back to (RFC 1812 4.3.2.7).
inline bool IsUnicastSource4(uint32_t src_be) noexcept {
  const uint32_t s = rte_be_to_cpu_32(src_be);
  return s != 0 && (s >> 24) != 127 && (s >> 28) < 0xe;  // not 0/8-any, loopback, class D/E
}
inline bool IsUnicastSource6(const uint8_t* s) noexcept {
  return s[0] != 0xff && !IsUnspecified6(s);
}

// The router hop on an IPv4 header. TTL is the high byte of the TTL/protocol word: the word drops
// by 0x0100 (TTL > 0, so nothing borrows from the protocol). One load and one store of the word:
// storing the byte and loading the word back would wait for the store to commit. The checksum is
// patched (RFC 1624). Returns the new TTL.
[[gnu::always_inline]] inline uint8_t DecrementTtl4(rte_ipv4_hdr* ip) noexcept {
  uint16_t old_word;
  std::memcpy(&old_word, &ip->time_to_live, sizeof(old_word));
  const auto new_word = static_cast<uint16_t>(old_word - rte_cpu_to_be_16(0x0100));
  std::memcpy(&ip->time_to_live, &new_word, sizeof(new_word));
  ip->hdr_checksum = ChecksumReplace16(ip->hdr_checksum, old_word, new_word);
  return static_cast<uint8_t>(rte_be_to_cpu_16(new_word) >> 8);
}

}  // namespace gw::dp
