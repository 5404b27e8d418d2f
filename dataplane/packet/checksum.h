// Internet checksum helpers for header rewrites (RFC 1071, incremental update per RFC 1624).
#pragma once

#include <cstdint>

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

}  // namespace gw::dp
