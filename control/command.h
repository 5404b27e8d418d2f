// The command language: one command per line, iproute2 words. The config file, the control
// socket and `gwctl --batch` all go through ParseCommand and then Gateway::Apply.
//
//   link set IFACE up|down [mtu N]
//   addr add|del A[/P] [peer B[/P]] dev IFACE
//   tunnel add|change|del NAME ...   (the tunnel feature's words: tunnel/control/command.h)
//   route add|replace PREFIX [via NH] [dev IFACE] [onlink]  |  route del PREFIX [via NH] [dev IFACE]
//   neigh add|replace ADDR lladdr MAC dev portN  |  neigh del ADDR dev portN
//
// A leading `ip` is accepted, so the seed article's commands paste as they are; object words
// take iproute2's abbreviations (a, r, l, n, t).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "control/net.h"
#include "tunnel/control/command.h"

namespace gw::ctl {

enum class Verb {
  kLinkSet,
  kAddrAdd,
  kAddrDel,
  kTunnelAdd,
  kTunnelChange,
  kTunnelDel,
  kRouteAdd,
  kRouteReplace,
  kRouteDel,
  kNeighAdd,
  kNeighReplace,
  kNeighDel,
};

struct Command {
  Verb verb;
  std::string name;  // link: IFACE; tunnel: NAME
  std::optional<std::string> dev;
  // link set
  std::optional<bool> up;
  std::optional<uint32_t> mtu;
  // addr: prefix is the local address and its length; route: the destination prefix
  IpPrefix prefix;
  std::optional<IpPrefix> peer;
  // route
  std::optional<IpAddr> via;
  bool onlink = false;
  // neigh
  IpAddr addr;
  std::array<uint8_t, 6> lladdr{};
  // tunnel
  TunnelOptions tunnel;
};

// Splits a line into tokens, dropping a `#` comment. An empty result is a blank line.
std::vector<absl::string_view> Tokenize(absl::string_view line);

// Errors name the offending token, e.g. `bad IPv4 address "10.0.0.300"`.
absl::StatusOr<Command> ParseCommand(const std::vector<absl::string_view>& tokens);
// `ip -6 tunnel ...` (ip6tnl): a "-6" before the tunnel object is dropped (the tunnel's addresses
// say its family); before any other object it stays an unknown command.
inline bool IsIp6Tunnel(absl::string_view word, absl::string_view next) {
  constexpr absl::string_view kTunnel = "tunnel";
  return word == "-6" && (next == "tunl" || (!next.empty() && next.size() <= kTunnel.size() &&
                                             kTunnel.substr(0, next.size()) == next));
}

}  // namespace gw::ctl
