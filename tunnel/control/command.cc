// The `tunnel` words of the command language, parsed into Command::tunnel (command.h says what
// each means).
#include "tunnel/control/command.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "control/command_args.h"

namespace gw::ctl {

using absl::InvalidArgumentError;
using absl::StrCat;

absl::string_view TunnelModeName(TunnelMode m) {
  switch (m) {
    case TunnelMode::kIpip:
      return "ipip";
    case TunnelMode::kSit:
      return "sit";
    case TunnelMode::kAny:
      return "any";
    case TunnelMode::kIp6ip6:
      return "ip6ip6";
    case TunnelMode::kIpip6:
      return "ipip6";
    case TunnelMode::kAny6:
      return "any6";
  }
  return "?";
}

std::string TunnelModeIproute(TunnelMode m) {
  switch (m) {
    case TunnelMode::kIpip:
      return "ip/ip";
    case TunnelMode::kSit:
      return "ipv6/ip";
    case TunnelMode::kAny:
      return "any/ip";
    case TunnelMode::kIp6ip6:
      return "ipv6/ipv6";
    case TunnelMode::kIpip6:
      return "ip/ipv6";
    case TunnelMode::kAny6:
      return "any/ipv6";
  }
  return "?";
}

absl::StatusOr<Command> ParseTunnel(Args& a) {
  if (a.done()) return InvalidArgumentError("tunnel: expected add, change or del");
  absl::string_view verb = a.Next();
  Command c{};
  if (Is(verb, "add", 1)) {
    c.verb = Verb::kTunnelAdd;
  } else if (Is(verb, "change", 1)) {
    c.verb = Verb::kTunnelChange;
  } else if (Is(verb, "delete", 1)) {
    c.verb = Verb::kTunnelDel;
  } else {
    return Unknown(verb, "tunnel (add, change, del)");
  }
  if (!a.done() && a.Peek() == "name") a.Next();
  if (a.done()) return InvalidArgumentError("tunnel: expected a tunnel name");
  c.name = std::string(a.Next());
  if (absl::Status s = ValidIfName(c.name); !s.ok()) return s;
  TunnelOptions& o = c.tunnel;
  while (!a.done()) {
    absl::string_view w = a.Next();
    if (c.verb == Verb::kTunnelDel) return Unknown(w, "tunnel del");
    absl::string_view v;
    if (w == "mode") {
      GW_ASSIGN(v, a.Value(w));
      if (v == "ipip") {
        o.mode = TunnelMode::kIpip;
      } else if (v == "sit") {
        o.mode = TunnelMode::kSit;
      } else if (v == "any") {
        o.mode = TunnelMode::kAny;
      } else if (v == "ip6ip6" || v == "ipv6/ipv6") {
        o.mode = TunnelMode::kIp6ip6;
      } else if (v == "ipip6" || v == "ip4ip6" || v == "ip/ipv6" || v == "ipv4/ipv6") {
        o.mode = TunnelMode::kIpip6;
      } else if (v == "any6" || v == "any/ipv6") {
        o.mode = TunnelMode::kAny6;
      } else {
        return InvalidArgumentError(
            StrCat("bad tunnel mode ", Quote(v), " (ipip, sit, any; over IPv6: ip6ip6, ipip6, any)"));
      }
    } else if (w == "remote") {
      GW_ASSIGN(v, a.Value(w));
      if (v == "any") {
        o.remote = IpAddr{};
      } else {
        GW_ASSIGN(o.remote, ParseIp(v));  // (the family is checked against the mode: tunnels.cc)
      }
    } else if (w == "local") {
      GW_ASSIGN(v, a.Value(w));
      if (v == "any")
        return InvalidArgumentError("\"local any\" is not supported: give the local address");
      GW_ASSIGN(o.local, ParseIp(v));
    } else if (w == "encaplimit" || w == "encap-limit") {
      // ip6tnl's tunnel encapsulation limit (RFC 2473 4.1.1): a destination option on every
      // outer packet, or none.
      GW_ASSIGN(v, a.Value(w));
      if (v == "none") {
        o.encap_limit = -1;
      } else {
        auto n = ParseUint(v, 0, 255, "encaplimit");
        if (!n.ok())
          return InvalidArgumentError(StrCat("bad encaplimit ", Quote(v), " (0..255, or none)"));
        o.encap_limit = static_cast<int>(*n);
      }
    } else if (w == "ttl" || w == "hoplimit") {
      GW_ASSIGN(v, a.Value(w));
      if (v == "inherit") {
        o.ttl = 0;
      } else {
        GW_ASSIGN(o.ttl, ParseUint(v, 0, 255, "ttl"));
      }
    } else if (w == "tos" || w == "dsfield" || w == "tclass") {
      GW_ASSIGN(v, a.Value(w));
      // iproute2 reads a TOS in hex with or without 0x ("tos 10" is 0x10), and the kernel takes
      // an odd value (bit 0 set, "tos 1") as inherit.
      if (v == "inherit") {
        o.tos = -1;
      } else {
        absl::string_view hex = absl::StartsWithIgnoreCase(v, "0x") ? v : absl::string_view{};
        std::string with_prefix = hex.empty() ? absl::StrCat("0x", v) : std::string(v);
        auto tos = ParseUint(with_prefix, 0, 255, "tos");
        if (!tos.ok())
          return InvalidArgumentError(StrCat("bad tos ", Quote(v), " (hex 00..ff, or inherit)"));
        o.tos = (*tos & 1) ? -1 : static_cast<int>(*tos);
      }
    } else if (w == "dev") {
      GW_ASSIGN(v, a.Value(w));
      o.dev = std::string(v);
    } else if (w == "pmtudisc") {
      o.pmtudisc = true;
    } else if (w == "nopmtudisc") {
      o.pmtudisc = false;
    } else {
      return Unknown(w, StrCat("tunnel ", verb));
    }
  }
  return c;
}

}  // namespace gw::ctl
