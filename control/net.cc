#include "control/net.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gw::ctl {

uint32_t IpAddr::v4_be() const {
  uint32_t v;
  std::memcpy(&v, b.data(), 4);
  return v;
}
uint32_t IpAddr::v4_host() const { return ntohl(v4_be()); }

IpAddr IpAddr::V4(uint32_t be) {
  IpAddr a;
  a.family = 4;
  std::memcpy(a.b.data(), &be, 4);
  return a;
}

std::string IpAddr::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  if (family == 0) return "any";
  inet_ntop(family == 4 ? AF_INET : AF_INET6, b.data(), buf, sizeof(buf));
  return buf;
}

IpPrefix IpPrefix::Masked() const {
  IpPrefix p = *this;
  const int n = addr.family == 4 ? 4 : 16;
  for (int i = 0; i < n; ++i) {
    const int bits = std::clamp(static_cast<int>(len) - i * 8, 0, 8);
    p.addr.b[i] &= static_cast<uint8_t>(0xff00 >> bits);
  }
  return p;
}

bool IpPrefix::Contains(const IpAddr& a) const {
  if (a.family != addr.family) return false;
  IpPrefix other{a, len};
  return other.Masked().addr == Masked().addr;
}

std::string IpPrefix::ToString() const { return absl::StrCat(addr.ToString(), "/", len); }

std::string Quote(absl::string_view tok) { return absl::StrCat("\"", tok, "\""); }

std::string PrefixText(const IpPrefix& p) {
  return p.len == p.addr.max_len() ? p.addr.ToString() : p.ToString();
}

absl::StatusOr<IpAddr> ParseIp(absl::string_view tok) {
  std::string s(tok);
  IpAddr a;
  if (inet_pton(AF_INET, s.c_str(), a.b.data()) == 1) {
    a.family = 4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.b.data()) == 1) {
    a.family = 6;
    return a;
  }
  return absl::InvalidArgumentError(absl::StrCat("bad IP address \"", tok, "\""));
}

absl::StatusOr<IpAddr> ParseIp4(absl::string_view tok) {
  auto a = ParseIp(tok);
  if (!a.ok() || a->family != 4)
    return absl::InvalidArgumentError(absl::StrCat("bad IPv4 address \"", tok, "\""));
  return a;
}

absl::StatusOr<IpPrefix> ParsePrefix(absl::string_view tok, uint8_t default_family) {
  IpPrefix p;
  if (tok == "default") {
    p.addr.family = default_family;
    p.len = 0;
    return p;
  }
  const size_t slash = tok.find('/');
  auto a = ParseIp(tok.substr(0, slash));
  if (!a.ok()) return absl::InvalidArgumentError(absl::StrCat("bad prefix \"", tok, "\""));
  p.addr = *a;
  p.len = a->max_len();
  if (slash != absl::string_view::npos) {
    uint32_t len;
    if (!absl::SimpleAtoi(tok.substr(slash + 1), &len) || len > a->max_len())
      return absl::InvalidArgumentError(absl::StrCat(
          "bad prefix length in \"", tok, "\" (IPv", a->family, " takes 0..", a->max_len(), ")"));
    p.len = static_cast<uint8_t>(len);
  }
  return p;
}

absl::StatusOr<std::array<uint8_t, 6>> ParseMac(absl::string_view tok) {
  std::array<uint8_t, 6> mac{};
  auto bad = [tok] { return absl::InvalidArgumentError(absl::StrCat("bad MAC address \"", tok, "\"")); };
  if (tok.size() != 17) return bad();
  for (int i = 0; i < 6; ++i) {
    if (i > 0 && tok[i * 3 - 1] != ':') return bad();
    uint32_t v;
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(tok[i * 3])) ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(tok[i * 3 + 1])) ||
        !absl::SimpleHexAtoi(tok.substr(i * 3, 2), &v))
      return bad();
    mac[i] = static_cast<uint8_t>(v);
  }
  return mac;
}

std::string MacToString(const std::array<uint8_t, 6>& m) {
  return absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

absl::StatusOr<uint32_t> ParseUint(absl::string_view tok, uint32_t lo, uint32_t hi,
                                   absl::string_view what) {
  uint32_t v = 0;
  bool ok;
  if (absl::StartsWithIgnoreCase(tok, "0x"))
    ok = tok.size() > 2 && absl::SimpleHexAtoi(tok.substr(2), &v);
  else
    ok = !tok.empty() && absl::ascii_isdigit(static_cast<unsigned char>(tok[0])) &&
         absl::SimpleAtoi(tok, &v);
  if (!ok || v < lo || v > hi)
    return absl::InvalidArgumentError(
        absl::StrCat("bad ", what, " \"", tok, "\" (", lo, "..", hi, ")"));
  return v;
}

}  // namespace gw::ctl
