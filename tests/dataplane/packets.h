// Frames written byte by byte, independently of the code under test: expected packets are built
// here from the RFCs' layouts, never by calling the dataplane.
#pragma once

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gw::testing {

using Bytes = std::vector<uint8_t>;
using Mac = std::array<uint8_t, 6>;

inline constexpr uint16_t kEthIpv4 = 0x0800;
inline constexpr uint16_t kEthIpv6 = 0x86dd;
inline constexpr uint16_t kEthArp = 0x0806;
inline constexpr Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// RFC 1071 over big-endian 16-bit words: the value to store in a checksum field.
inline uint16_t InetChecksum(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2) s += (p[i] << 8) | p[i + 1];
  if (n % 2 != 0) s += p[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}

inline void Put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
inline void PutAddr4(Bytes& b, const char* a) {
  uint8_t x[4];
  if (inet_pton(AF_INET, a, x) != 1) throw std::invalid_argument(a);
  b.insert(b.end(), x, x + 4);
}
inline void PutAddr6(Bytes& b, const char* a) {
  uint8_t x[16];
  if (inet_pton(AF_INET6, a, x) != 1) throw std::invalid_argument(a);
  b.insert(b.end(), x, x + 16);
}

// A recognisable payload: n bytes counting up from `seed`.
inline Bytes Payload(size_t n, uint8_t seed = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i);
  return b;
}

struct Ip4 {
  const char* src = "0.0.0.0";
  const char* dst = "0.0.0.0";
  uint8_t tos = 0;
  uint8_t ttl = 64;
  uint8_t proto = 17;
  uint16_t id = 0x1234;
  uint16_t flags_frag = 0;  // 0x4000 DF, 0x2000 MF, low 13 bits the offset
  Bytes options;            // a multiple of 4 bytes
  Bytes payload;
  // Overrides for malformed packets.
  std::optional<uint8_t> version_ihl;
  std::optional<uint16_t> total_length;
  std::optional<uint16_t> checksum;

  Bytes Build() const {
    Bytes b;
    b.push_back(version_ihl.value_or(static_cast<uint8_t>(0x40 | (5 + options.size() / 4))));
    b.push_back(tos);
    Put16(b, total_length.value_or(static_cast<uint16_t>(20 + options.size() + payload.size())));
    Put16(b, id);
    Put16(b, flags_frag);
    b.push_back(ttl);
    b.push_back(proto);
    Put16(b, 0);
    PutAddr4(b, src);
    PutAddr4(b, dst);
    b.insert(b.end(), options.begin(), options.end());
    const uint16_t c = checksum.value_or(InetChecksum(b.data(), b.size()));
    b[10] = static_cast<uint8_t>(c >> 8);
    b[11] = static_cast<uint8_t>(c);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
  }
};

struct Ip6 {
  const char* src = "::";
  const char* dst = "::";
  uint8_t tclass = 0;
  uint32_t flow = 0;
  uint8_t next = 17;
  uint8_t hop = 64;
  Bytes payload;
  std::optional<uint8_t> version;
  std::optional<uint16_t> payload_len;

  Bytes Build() const {
    Bytes b;
    const uint32_t vtc = (uint32_t{version.value_or(6)} << 28) | (uint32_t{tclass} << 20) |
                         (flow & 0xfffff);
    b.push_back(static_cast<uint8_t>(vtc >> 24));
    b.push_back(static_cast<uint8_t>(vtc >> 16));
    b.push_back(static_cast<uint8_t>(vtc >> 8));
    b.push_back(static_cast<uint8_t>(vtc));
    Put16(b, payload_len.value_or(static_cast<uint16_t>(payload.size())));
    b.push_back(next);
    b.push_back(hop);
    PutAddr6(b, src);
    PutAddr6(b, dst);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
  }
};

inline Bytes Eth(const Mac& dst, const Mac& src, uint16_t type, const Bytes& payload) {
  Bytes b(dst.begin(), dst.end());
  b.insert(b.end(), src.begin(), src.end());
  Put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// Hex with a space between the Ethernet header and each 4-byte row after it, so that a failed
// comparison shows which field differs.
inline std::string Hex(const Bytes& b) {
  std::string s;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 14 || (i > 14 && (i - 14) % 4 == 0)) s += ' ';
    absl::StrAppend(&s, absl::Hex(b[i], absl::kZeroPad2));
  }
  return s;
}

}  // namespace gw::testing
