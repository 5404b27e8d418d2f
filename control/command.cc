#include "control/command.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "control/command_args.h"

namespace gw::ctl {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

absl::StatusOr<Command> ParseLink(Args& a) {
  if (a.done()) return InvalidArgumentError("link: expected \"set\"");
  if (absl::string_view v = a.Next(); !Is(v, "set", 1)) return Unknown(v, "link (only \"set\")");
  Command c{};
  c.verb = Verb::kLinkSet;
  if (!a.done() && a.Peek() == "dev") a.Next();
  if (a.done()) return InvalidArgumentError("link set: expected an interface name");
  c.name = std::string(a.Next());
  if (absl::Status s = ValidIfName(c.name); !s.ok()) return s;
  while (!a.done()) {
    absl::string_view w = a.Next();
    if (w == "up") {
      c.up = true;
    } else if (w == "down") {
      c.up = false;
    } else if (w == "mtu") {
      absl::string_view v;
      GW_ASSIGN(v, a.Value(w));
      GW_ASSIGN(c.mtu, ParseUint(v, 68, 65535, "mtu"));
    } else {
      return Unknown(w, "link set");
    }
  }
  if (!c.up && !c.mtu) return InvalidArgumentError("link set: expected up, down or mtu N");
  return c;
}

absl::StatusOr<Command> ParseAddr(Args& a) {
  if (a.done()) return InvalidArgumentError("addr: expected add or del");
  absl::string_view verb = a.Next();
  Command c{};
  if (Is(verb, "add", 1)) {
    c.verb = Verb::kAddrAdd;
  } else if (Is(verb, "delete", 1)) {
    c.verb = Verb::kAddrDel;
  } else {
    return Unknown(verb, "addr (add, del)");
  }
  bool have_local = false;
  while (!a.done()) {
    absl::string_view w = a.Next();
    if (w == "dev") {
      absl::string_view v;
      GW_ASSIGN(v, a.Value(w));
      c.dev = std::string(v);
    } else if (w == "peer") {
      absl::string_view v;
      GW_ASSIGN(v, a.Value(w));
      GW_ASSIGN(c.peer, ParsePrefix(v));
    } else if (w == "local" || !have_local) {
      absl::string_view v = w;
      if (w == "local") GW_ASSIGN(v, a.Value(w));
      GW_ASSIGN(c.prefix, ParsePrefix(v));
      if (v == "default") return InvalidArgumentError("bad address \"default\"");
      have_local = true;
    } else {
      return Unknown(w, "addr");
    }
  }
  if (!have_local) return InvalidArgumentError("addr: expected an address");
  if (!c.dev) return InvalidArgumentError("addr: expected \"dev IFACE\"");
  if (c.peer && c.peer->addr.family != c.prefix.addr.family)
    return InvalidArgumentError(StrCat("address family mismatch: peer ", Quote(c.peer->ToString()),
                                       " for local ", Quote(c.prefix.addr.ToString())));
  return c;
}

absl::StatusOr<Command> ParseRoute(Args& a) {
  if (a.done()) return InvalidArgumentError("route: expected add, replace or del");
  absl::string_view verb = a.Next();
  Command c{};
  if (Is(verb, "add", 1)) {
    c.verb = Verb::kRouteAdd;
  } else if (Is(verb, "replace", 3)) {
    c.verb = Verb::kRouteReplace;
  } else if (Is(verb, "delete", 1)) {
    c.verb = Verb::kRouteDel;
  } else {
    return Unknown(verb, "route (add, replace, del)");
  }
  if (a.done()) return InvalidArgumentError("route: expected a prefix");
  absl::string_view prefix_tok = a.Next();
  std::optional<absl::string_view> via_tok;
  while (!a.done()) {
    absl::string_view w = a.Next();
    if (w == "via") {
      absl::string_view v;
      GW_ASSIGN(v, a.Value(w));
      if ((v == "inet" || v == "inet6") && !a.done()) v = a.Next();
      via_tok = v;
      GW_ASSIGN(c.via, ParseIp(v));
    } else if (w == "dev") {
      absl::string_view v;
      GW_ASSIGN(v, a.Value(w));
      c.dev = std::string(v);
    } else if (w == "onlink") {
      c.onlink = true;
    } else {
      return Unknown(w, "route");
    }
  }
  // `default` takes the family of the gateway when there is one.
  const uint8_t family = c.via && c.via->family == 6 ? 6 : 4;
  GW_ASSIGN(c.prefix, ParsePrefix(prefix_tok, family));
  if (c.prefix.Masked() != c.prefix)
    return InvalidArgumentError(StrCat("prefix ", Quote(prefix_tok), " has host bits set (did you mean ",
                                       c.prefix.Masked().ToString(), "?)"));
  if (c.verb != Verb::kRouteDel && !c.dev && !c.via)
    return InvalidArgumentError("route: expected \"dev IFACE\" or \"via ADDRESS\"");
  return c;
}

absl::StatusOr<Command> ParseNeigh(Args& a) {
  if (a.done()) return InvalidArgumentError("neigh: expected add, replace or del");
  absl::string_view verb = a.Next();
  Command c{};
  if (Is(verb, "add", 1)) {
    c.verb = Verb::kNeighAdd;
  } else if (Is(verb, "replace", 3)) {
    c.verb = Verb::kNeighReplace;
  } else if (Is(verb, "delete", 1)) {
    c.verb = Verb::kNeighDel;
  } else {
    return Unknown(verb, "neigh (add, replace, del)");
  }
  if (a.done()) return InvalidArgumentError("neigh: expected an address");
  GW_ASSIGN(c.addr, ParseIp(a.Next()));
  bool have_mac = false;
  while (!a.done()) {
    absl::string_view w = a.Next();
    absl::string_view v;
    if (w == "lladdr") {
      GW_ASSIGN(v, a.Value(w));
      GW_ASSIGN(c.lladdr, ParseMac(v));
      have_mac = true;
    } else if (w == "dev") {
      GW_ASSIGN(v, a.Value(w));
      c.dev = std::string(v);
    } else if (w == "nud" && !a.done() && a.Peek() == "permanent") {
      a.Next();  // static entries are what we have; accept iproute2's spelling of it
    } else {
      return Unknown(w, "neigh");
    }
  }
  if (!c.dev) return InvalidArgumentError("neigh: expected \"dev portN\"");
  if (c.verb != Verb::kNeighDel && !have_mac)
    return InvalidArgumentError("neigh: expected \"lladdr MAC\"");
  if (have_mac && ((c.lladdr[0] & 1) != 0 || c.lladdr == std::array<uint8_t, 6>{}))
    return InvalidArgumentError(
        StrCat("lladdr ", Quote(MacToString(c.lladdr)), " is not a unicast MAC address"));
  return c;
}

}  // namespace

absl::Status ValidIfName(absl::string_view name) {
  if (name.empty() || name.size() > 15)
    return InvalidArgumentError(StrCat("bad interface name ", Quote(name), " (1..15 characters)"));
  for (char c : name)
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return InvalidArgumentError(StrCat("bad interface name ", Quote(name)));
  return absl::OkStatus();
}

std::vector<absl::string_view> Tokenize(absl::string_view line) {
  if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
  return absl::StrSplit(line, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty());
}

absl::StatusOr<Command> ParseCommand(const std::vector<absl::string_view>& t) {
  size_t pos = 0;
  if (pos < t.size() && t[pos] == "ip") ++pos;
  if (pos + 1 < t.size() && IsIp6Tunnel(t[pos], t[pos + 1])) ++pos;
  if (pos >= t.size()) return InvalidArgumentError("empty command");
  absl::string_view obj = t[pos];
  Args a(t, pos + 1);
  if (Is(obj, "link", 1)) return ParseLink(a);
  if (Is(obj, "address", 1) || obj == "addr") return ParseAddr(a);
  if (Is(obj, "tunnel", 1) || obj == "tunl") return ParseTunnel(a);
  if (Is(obj, "route", 1)) return ParseRoute(a);
  if (Is(obj, "neighbour", 1) || Is(obj, "neighbor", 1)) return ParseNeigh(a);
  return InvalidArgumentError(
      StrCat("unknown command ", Quote(obj), " (link, addr, tunnel, route, neigh)"));
}

}  // namespace gw::ctl
