// The `tunnel` words of the command language (control/command.h has the rest):
//
//   tunnel add|change NAME [mode ipip|sit|any] [remote R|any] [local L] [ttl N|inherit]
//                          [tos N|inherit] [dev portN] [pmtudisc|nopmtudisc]
//   tunnel del NAME
//
// iproute2's spelling: `ip tunnel add ...`, `tunl`, `hoplimit` for ttl, `dsfield` / `tclass` for
// tos (a hex byte, as `ip` reads it; an odd one means inherit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "control/net.h"

namespace gw::ctl {

enum class TunnelMode { kIpip, kSit, kAny };
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
};

}  // namespace gw::ctl
