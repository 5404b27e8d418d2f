// Addresses, prefixes and MACs as the command language spells them. Every parse error names the
// token it could not take.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gw::ctl {

struct IpAddr {
  uint8_t family = 0;             // 4 or 6; 0 for "any"
  std::array<uint8_t, 16> b{};  // network order; IPv4 uses b[0..3]

  uint32_t v4_be() const;
  uint32_t v4_host() const;
  uint8_t max_len() const { return family == 4 ? 32 : 128; }
  bool is_any() const { return family == 0; }
  std::string ToString() const;
  static IpAddr V4(uint32_t be);

  friend bool operator==(const IpAddr&, const IpAddr&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const IpAddr& a) {
    return H::combine(std::move(h), a.family, a.b);
  }
};

struct IpPrefix {
  IpAddr addr;
  uint8_t len = 0;

  // The prefix with its host bits cleared.
  IpPrefix Masked() const;
  bool Contains(const IpAddr& a) const;
  std::string ToString() const;

  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const IpPrefix& p) {
    return H::combine(std::move(h), p.addr, p.len);
  }
};

// How messages quote a token: "tok".
std::string Quote(absl::string_view tok);
// A host prefix as its bare address, any other as A/LEN (as `ip` prints them).
std::string PrefixText(const IpPrefix& p);

absl::StatusOr<IpAddr> ParseIp(absl::string_view tok);
absl::StatusOr<IpAddr> ParseIp4(absl::string_view tok);
// "A" (host prefix) or "A/LEN"; `default` is 0.0.0.0/0 (or ::/0 with family 6).
absl::StatusOr<IpPrefix> ParsePrefix(absl::string_view tok, uint8_t default_family = 4);
absl::StatusOr<std::array<uint8_t, 6>> ParseMac(absl::string_view tok);
std::string MacToString(const std::array<uint8_t, 6>& mac);
// Decimal or 0x-hex, within [lo, hi].
absl::StatusOr<uint32_t> ParseUint(absl::string_view tok, uint32_t lo, uint32_t hi,
                                   absl::string_view what);

}  // namespace gw::ctl
