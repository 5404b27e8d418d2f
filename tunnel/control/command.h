// The `tunnel` words of the command language (control/command.h has the rest):
//
//   tunnel add|change NAME [mode ipip|sit|any] [remote R|any] [local L] [ttl N|inherit]
//                          [tos N|inherit] [dev portN] [pmtudisc|nopmtudisc]
//   tunnel add|change NAME mode ip6ip6|ipip6|any remote R6 local L6 [hoplimit N|inherit]
//                          [tclass N|inherit] [encaplimit none|N] [dev portN]
//   tunnel del NAME
//
// iproute2's spelling: `ip tunnel add ...`, `tunl`, `hoplimit` for ttl, `dsfield` / `tclass` for
// tos (a hex byte, as `ip` reads it; an odd one means inherit). The second form is `ip -6 tunnel`
// (ip6tnl, RFC 2473): an IPv6 underlay. `mode any` is over IPv6 when the addresses are IPv6 (as
// `ip -6 tunnel add ... mode any`); `any6` says so explicitly; iproute2's long names
// (ipv6/ipv6, ip/ipv6, ip4ip6, any/ipv6) are accepted too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "control/net.h"

namespace gw::ctl {

// kIpip, kSit, kAny: over IPv4 (ipip, sit); kIp6ip6, kIpip6, kAny6: over IPv6 (ip6tnl). A parsed
// `mode any` is kAny until the addresses say which underlay it is (Tunnels::Add).
enum class TunnelMode { kIpip, kSit, kAny, kIp6ip6, kIpip6, kAny6 };
// The outer family of a mode: 6 for the ip6tnl modes, else 4.
inline uint8_t TunnelModeFamily(TunnelMode m) {
  return m == TunnelMode::kIp6ip6 || m == TunnelMode::kIpip6 || m == TunnelMode::kAny6 ? 6 : 4;
}
absl::string_view TunnelModeName(TunnelMode m);  // as the command language spells it
std::string TunnelModeIproute(TunnelMode m);     // as `ip tunnel show` prints it: ip/ip, ...

// Tunnel options as given; absent ones keep their default (add) or current value (change).
struct TunnelOptions {
  std::optional<TunnelMode> mode;
  std::optional<IpAddr> remote;  // family 0: any
  std::optional<IpAddr> local;
  std::optional<uint8_t> ttl;    // 0: inherit
  std::optional<int> tos;        // -1: inherit
  std::optional<std::string> dev;
  std::optional<bool> pmtudisc;
  std::optional<int> encap_limit;  // -1: none (ip6tnl only)
};

}  // namespace gw::ctl
