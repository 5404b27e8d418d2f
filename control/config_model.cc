#include "control/config_model.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control/gateway.h"
#include "control/rib.h"

namespace gw::ctl {
namespace {

using absl::AlreadyExistsError;
using absl::InvalidArgumentError;
using absl::NotFoundError;
using absl::StrCat;

constexpr uint16_t kTunnelOverhead = 20;  // as tunnel/control/tunnels.cc
constexpr uint16_t kUnboundUnderlayMtu = 1500;

std::pair<IpAddr, IpAddr> KeyOf(const ConfigModel::Tunnel& t) { return ConfigModel::TunnelKey(t); }

}  // namespace

// Tunnel::key() of tunnel/control/tunnels.h: (local, remote) with 0.0.0.0 taken as any.
std::pair<IpAddr, IpAddr> ConfigModel::TunnelKey(const Tunnel& t) {
  const bool any = t.remote.is_any() || (t.remote.family == 4 && t.remote.v4_be() == 0);
  return {t.local, any ? IpAddr{} : t.remote};
}

// ---- building ----

ConfigModel ConfigModel::Fresh(const Gateway& gw) {
  ConfigModel m;
  for (const Gateway::LinkView& l : gw.Links()) {
    if (l.is_tunnel) continue;
    m.ports.push_back(Port{l.name, l.initial_mtu, l.initial_mtu, true, 0});
  }
  return m;
}

ConfigModel ConfigModel::FromGateway(const Gateway& gw) {
  ConfigModel m;
  for (const Gateway::LinkView& l : gw.Links()) {
    if (l.is_tunnel) continue;
    m.ports.push_back(Port{l.name, l.initial_mtu, l.mtu, l.up, 0});
  }
  auto port_name = [&gw](uint16_t id) -> std::string {
    for (const PortRef& p : gw.Ports())
      if (p.id == id) return p.name;
    return StrCat("port", id);
  };
  for (const ctl::Tunnel* g : gw.SortedTunnels()) {
    Tunnel t;
    t.mode = g->mode;
    t.local = g->local;
    t.remote = g->remote;
    t.ttl = g->ttl;
    t.tos = g->tos;
    t.pmtudisc = g->pmtudisc;
    if (g->dev) t.dev = port_name(*g->dev);
    t.mtu = g->mtu;
    t.mtu_explicit = g->mtu_explicit;
    t.up = g->up;
    t.order = g->id;
    m.next_order = std::max<uint64_t>(m.next_order, g->id + 1);
    m.tunnel_keys[KeyOf(t)] = g->name;
    m.tunnels.emplace(g->name, std::move(t));
  }
  for (const Gateway::AddressView& a : gw.Addresses())
    m.addresses.push_back(Address{a.local, a.peer, a.dev, a.kernel_route, 0});
  for (const Gateway::RouteView& r : gw.Routes())
    m.routes.emplace(r.prefix, Route{r.dev, r.via, r.onlink_given, r.kernel, 0});
  for (const Gateway::NeighView& n : gw.Neighbours())
    m.neighbours.emplace(NeighKey{n.dev, n.addr}, Neigh{n.lladdr, 0});
  return m;
}

// ---- reads ----

const ConfigModel::Port* ConfigModel::FindPort(absl::string_view name) const {
  for (const Port& p : ports)
    if (p.name == name) return &p;
  return nullptr;
}

ConfigModel::Port* ConfigModel::FindPort(absl::string_view name) {
  for (Port& p : ports)
    if (p.name == name) return &p;
  return nullptr;
}

const ConfigModel::Tunnel* ConfigModel::FindTunnel(absl::string_view name) const {
  auto it = tunnels.find(name);
  return it == tunnels.end() ? nullptr : &it->second;
}

uint16_t ConfigModel::DefaultTunnelMtu(const Tunnel& t) const {
  const Port* p = t.dev ? FindPort(*t.dev) : nullptr;
  return static_cast<uint16_t>((p != nullptr ? p->mtu : kUnboundUnderlayMtu) - kTunnelOverhead);
}

bool ConfigModel::MtuPinned(const Tunnel& t) const {
  return t.mtu_explicit || t.mtu != DefaultTunnelMtu(t);
}

bool ConfigModel::OnConnectedNetwork(absl::string_view port, const IpAddr& a) const {
  for (const Address& addr : addresses)
    if (addr.dev == port && addr.kernel_route && addr.kernel_route->Contains(a)) return true;
  return false;
}

bool ConfigModel::OnlinkShown(const Route& r) const {
  if (r.onlink) return true;
  return r.via && FindPort(r.dev) != nullptr && !OnConnectedNetwork(r.dev, *r.via);
}

std::optional<IpPrefix> ConfigModel::LiveKernelRoute(const Address& a) const {
  if (a.kernel_route && routes.contains(*a.kernel_route)) return a.kernel_route;
  return std::nullopt;
}

std::vector<std::pair<const std::string*, const ConfigModel::Tunnel*>> ConfigModel::SortedTunnels()
    const {
  std::vector<std::pair<const std::string*, const Tunnel*>> v;
  v.reserve(tunnels.size());
  for (const auto& [name, t] : tunnels) v.push_back({&name, &t});
  std::sort(v.begin(), v.end(),
            [](const auto& a, const auto& b) { return a.second->order < b.second->order; });
  return v;
}

std::string ConfigModel::Canonical() const {
  std::string out;
  for (const Port& p : ports) absl::StrAppend(&out, "port ", p.name, " mtu ", p.mtu, " up ", p.up, "\n");
  std::vector<std::string> lines;
  for (const auto& [name, t] : tunnels)
    lines.push_back(StrCat("tunnel ", name, " mode ", TunnelModeName(t.mode), " local ",
                           t.local.ToString(), " remote ", t.remote.ToString(), " ttl ", t.ttl,
                           " tos ", t.tos, " pmtudisc ", t.pmtudisc, " dev ", t.dev.value_or("-"),
                           " mtu ", t.mtu, " pinned ", MtuPinned(t), " up ", t.up, "\n"));
  std::sort(lines.begin(), lines.end());
  for (const std::string& l : lines) out += l;
  // In order: the order decides the tunnels' and ports' source addresses.
  for (const Address& a : addresses)
    absl::StrAppend(&out, "addr ", a.local.ToString(), " peer ",
                    a.peer ? a.peer->ToString() : "-", " dev ", a.dev, "\n");
  std::vector<std::pair<IpPrefix, const Route*>> sorted;
  sorted.reserve(routes.size());
  for (const auto& [p, r] : routes) sorted.push_back({p, &r});
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return PrefixLess(a.first, b.first); });
  for (const auto& [p, r] : sorted)
    absl::StrAppend(&out, "route ", p.ToString(), " dev ", r->dev, " via ",
                    r->via ? r->via->ToString() : "-", r->kernel ? " kernel" : " static",
                    OnlinkShown(*r) ? " onlink" : "", "\n");
  lines.clear();
  for (const auto& [k, n] : neighbours)
    lines.push_back(StrCat("neigh ", k.first, " ", k.second.ToString(), " ", MacToString(n.lladdr), "\n"));
  std::sort(lines.begin(), lines.end());
  for (const std::string& l : lines) out += l;
  return out;
}

// ---- Apply: Gateway::Apply's semantics, object by object ----

absl::StatusOr<bool> ConfigModel::IsPort(absl::string_view name) const {
  if (FindPort(name) != nullptr) return true;
  if (tunnels.contains(name)) return false;
  return NotFoundError(StrCat("unknown device ", Quote(name)));
}

absl::Status ConfigModel::NeedPort(absl::string_view name, absl::string_view what) const {
  auto port = IsPort(name);
  if (!port.ok()) return port.status();
  if (!*port) return InvalidArgumentError(StrCat(what, " needs a port, ", Quote(name), " is a tunnel"));
  return absl::OkStatus();
}

absl::Status ConfigModel::Apply(const Command& c, size_t line) {
  switch (c.verb) {
    case Verb::kLinkSet:
      return LinkSet(c, line);
    case Verb::kAddrAdd:
      return AddrAdd(c, line);
    case Verb::kAddrDel:
      return AddrDel(c);
    case Verb::kTunnelAdd:
      return TunnelAdd(c, line);
    case Verb::kTunnelChange:
      return TunnelChange(c, line);
    case Verb::kTunnelDel:
      return TunnelDel(c);
    case Verb::kRouteAdd:
      return RouteAdd(c, false, line);
    case Verb::kRouteReplace:
      return RouteAdd(c, true, line);
    case Verb::kRouteDel:
      return RouteDel(c, line);
    case Verb::kNeighAdd:
      return NeighSet(c, false, line);
    case Verb::kNeighReplace:
      return NeighSet(c, true, line);
    case Verb::kNeighDel:
      return NeighDel(c);
  }
  return absl::InternalError("unhandled command");
}

// Gateway::LinkSet → Links::Set (ports), Tunnels::LinkSet.
absl::Status ConfigModel::LinkSet(const Command& c, size_t line) {
  if (Port* p = FindPort(c.name)) {
    if (c.mtu) p->mtu = static_cast<uint16_t>(*c.mtu);
    if (c.up) p->up = *c.up;
    p->line = line;
    return absl::OkStatus();
  }
  auto it = tunnels.find(c.name);
  if (it == tunnels.end()) return NotFoundError(StrCat("unknown device ", Quote(c.name)));
  if (c.mtu && *c.mtu > 65535 - kTunnelOverhead)
    return InvalidArgumentError(
        StrCat("bad mtu \"", *c.mtu, "\" for a tunnel (68..", 65535 - kTunnelOverhead, ")"));
  Tunnel& t = it->second;
  if (c.mtu) {
    t.mtu = static_cast<uint16_t>(*c.mtu);
    t.mtu_explicit = true;
  }
  if (c.up) t.up = *c.up;
  t.link_line = line;
  return absl::OkStatus();
}

// Tunnels::Validate.
absl::Status ConfigModel::ValidateTunnel(const Tunnel& t, const std::string& name) const {
  if (t.local.family != 4) return InvalidArgumentError("tunnel needs \"local ADDRESS\" (IPv4)");
  if (!t.pmtudisc && t.ttl != 0)
    return InvalidArgumentError("\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
  if (auto it = tunnel_keys.find(KeyOf(t)); it != tunnel_keys.end() && it->second != name)
    return AlreadyExistsError(StrCat("tunnel ", Quote(it->second), " already has remote ",
                                     t.remote.ToString(), " local ", t.local.ToString()));
  return absl::OkStatus();
}

// Tunnels::Add.
absl::Status ConfigModel::TunnelAdd(const Command& c, size_t line) {
  if (tunnels.contains(c.name))
    return AlreadyExistsError(StrCat("tunnel ", Quote(c.name), " already exists"));
  if (FindPort(c.name) != nullptr) return AlreadyExistsError(StrCat("name ", Quote(c.name), " is a port"));
  const TunnelOptions& o = c.tunnel;
  Tunnel t;
  t.mode = o.mode.value_or(TunnelMode::kIpip);
  t.remote = o.remote.value_or(IpAddr{});
  if (o.local) t.local = *o.local;
  t.ttl = o.ttl.value_or(0);
  t.tos = o.tos.value_or(0);
  t.pmtudisc = o.pmtudisc.value_or(true);
  if (o.dev) {
    if (absl::Status s = NeedPort(*o.dev, "tunnel dev"); !s.ok()) return s;
    t.dev = *o.dev;
  }
  t.mtu = DefaultTunnelMtu(t);
  if (absl::Status s = ValidateTunnel(t, c.name); !s.ok()) return s;
  t.order = next_order++;
  t.line = line;
  tunnel_keys[KeyOf(t)] = c.name;
  tunnels.emplace(c.name, std::move(t));
  return absl::OkStatus();
}

// Tunnels::Change.
absl::Status ConfigModel::TunnelChange(const Command& c, size_t line) {
  auto it = tunnels.find(c.name);
  if (it == tunnels.end()) return NotFoundError(StrCat("unknown tunnel ", Quote(c.name)));
  Tunnel t = it->second;
  const TunnelOptions& o = c.tunnel;
  if (o.mode) t.mode = *o.mode;
  if (o.remote) t.remote = *o.remote;
  if (o.local) t.local = *o.local;
  if (o.ttl) t.ttl = *o.ttl;
  if (o.tos) t.tos = *o.tos;
  if (o.pmtudisc) t.pmtudisc = *o.pmtudisc;
  if (o.dev) {
    if (absl::Status s = NeedPort(*o.dev, "tunnel dev"); !s.ok()) return s;
    t.dev = *o.dev;
    // A new underlay gives a new default MTU, not a set one (ip_tunnel_bind_dev).
    if (!t.mtu_explicit) t.mtu = DefaultTunnelMtu(t);
  }
  if (absl::Status s = ValidateTunnel(t, c.name); !s.ok()) return s;
  tunnel_keys.erase(KeyOf(it->second));
  tunnel_keys[KeyOf(t)] = c.name;
  t.line = line;
  it->second = std::move(t);
  return absl::OkStatus();
}

// Tunnels::Del → Gateway::InterfaceGone: the tunnel's routes and addresses go with it; an
// address whose connected route was one of them forgets it, as after `route del`.
absl::Status ConfigModel::TunnelDel(const Command& c) {
  auto it = tunnels.find(c.name);
  if (it == tunnels.end()) return NotFoundError(StrCat("unknown tunnel ", Quote(c.name)));
  std::vector<IpPrefix> gone;
  for (const auto& [p, r] : routes)
    if (r.dev == c.name) gone.push_back(p);
  for (const IpPrefix& p : gone) {
    routes.erase(p);
    for (Address& a : addresses)
      if (a.kernel_route == p) a.kernel_route.reset();
  }
  addresses.erase(std::remove_if(addresses.begin(), addresses.end(),
                                 [&](const Address& a) { return a.dev == c.name; }),
                  addresses.end());
  tunnel_keys.erase(KeyOf(it->second));
  tunnels.erase(it);
  return absl::OkStatus();
}

// Addresses::Add: a connected route unless the prefix has a route already.
absl::Status ConfigModel::AddrAdd(const Command& c, size_t line) {
  if (auto d = IsPort(*c.dev); !d.ok()) return d.status();
  const IpAddr& local = c.prefix.addr;
  for (const Address& a : addresses)
    if (a.local.addr == local)
      return AlreadyExistsError(StrCat("address ", local.ToString(), " is already assigned to ", a.dev));
  std::optional<IpPrefix> kp;
  if (c.peer) {
    kp = c.peer->Masked();
  } else if (c.prefix.len < local.max_len()) {
    kp = c.prefix.Masked();
  }
  if (kp && !routes.contains(*kp)) {
    routes.emplace(*kp, Route{*c.dev, std::nullopt, false, true, line});
  } else {
    kp.reset();
  }
  addresses.push_back(Address{c.prefix, c.peer, *c.dev, kp, line});
  return absl::OkStatus();
}

// Addresses::Del: the connected route it made goes too, unless deleted or replaced since.
absl::Status ConfigModel::AddrDel(const Command& c) {
  if (auto d = IsPort(*c.dev); !d.ok()) return d.status();
  auto it = std::find_if(addresses.begin(), addresses.end(), [&](const Address& a) {
    return a.local.addr == c.prefix.addr && a.dev == *c.dev;
  });
  if (it == addresses.end())
    return NotFoundError(StrCat("address ", c.prefix.addr.ToString(), " is not on ", *c.dev));
  if (it->kernel_route) {
    if (auto r = routes.find(*it->kernel_route); r != routes.end() && r->second.kernel) routes.erase(r);
  }
  addresses.erase(it);
  return absl::OkStatus();
}

// Rib::Add.
absl::Status ConfigModel::RouteAdd(const Command& c, bool replace, size_t line) {
  const IpPrefix& key = c.prefix;
  if (routes.contains(key) && !replace)
    return AlreadyExistsError(StrCat("route to ", key.ToString(), " already exists"));
  std::string dev;
  bool port;
  if (c.dev) {
    auto p = IsPort(*c.dev);
    if (!p.ok()) return p.status();
    dev = *c.dev;
    port = *p;
  } else {
    // No dev: the first port with a connected network holding the gateway.
    const Address* found = nullptr;
    for (const Address& a : addresses)
      if (FindPort(a.dev) != nullptr && a.kernel_route && a.kernel_route->Contains(*c.via)) {
        found = &a;
        break;
      }
    if (found == nullptr)
      return InvalidArgumentError(StrCat("gateway ", Quote(c.via->ToString()),
                                         " is on no connected network: give \"dev IFACE\""));
    dev = found->dev;
    port = true;
  }
  if (!port) {
    if (c.via && c.via->family != 4)
      return InvalidArgumentError(StrCat("via ", Quote(c.via->ToString()),
                                         " through a tunnel must be an IPv4 outer address"));
  } else if (c.via) {
    if (c.via->family != key.addr.family)
      return InvalidArgumentError(StrCat("address family mismatch: via ", Quote(c.via->ToString()),
                                         " for prefix ", key.ToString()));
    if (!c.onlink && !OnConnectedNetwork(dev, *c.via))
      return InvalidArgumentError(StrCat("gateway ", Quote(c.via->ToString()),
                                         " is not on a connected network of ", *c.dev,
                                         " (add \"onlink\" if it is)"));
  }
  routes[key] = Route{dev, c.via, c.onlink, false, line};
  return absl::OkStatus();
}

// Rib::Del: `via` and `dev`, when given, must match; addresses forget a connected route deleted.
absl::Status ConfigModel::RouteDel(const Command& c, size_t line) {
  auto it = routes.find(c.prefix);
  if (it == routes.end()) return NotFoundError(StrCat("no route to ", c.prefix.ToString()));
  const Route& r = it->second;
  if (c.dev) {
    if (auto d = IsPort(*c.dev); !d.ok()) return d.status();
    if (r.dev != *c.dev)
      return NotFoundError(StrCat("no route to ", c.prefix.ToString(), " dev ", *c.dev));
  }
  if (c.via && !(r.via && *r.via == *c.via))
    return NotFoundError(StrCat("no route to ", c.prefix.ToString(), " via ", c.via->ToString()));
  routes.erase(it);
  for (Address& a : addresses)
    if (a.kernel_route == c.prefix) a.kernel_route.reset();
  route_del_lines[c.prefix] = line;
  return absl::OkStatus();
}

// Neighbours::Set.
absl::Status ConfigModel::NeighSet(const Command& c, bool replace, size_t line) {
  if (absl::Status s = NeedPort(*c.dev, "neigh"); !s.ok()) return s;
  NeighKey key{*c.dev, c.addr};
  if (!replace && neighbours.contains(key))
    return AlreadyExistsError(StrCat("neighbour ", c.addr.ToString(), " dev ", *c.dev,
                                     " already exists (use replace)"));
  neighbours[key] = Neigh{c.lladdr, line};
  return absl::OkStatus();
}

// Neighbours::Del (a fresh gatewayd has learned nothing yet).
absl::Status ConfigModel::NeighDel(const Command& c) {
  if (absl::Status s = NeedPort(*c.dev, "neigh"); !s.ok()) return s;
  if (neighbours.erase(NeighKey{*c.dev, c.addr}) == 0)
    return NotFoundError(StrCat("no neighbour ", c.addr.ToString(), " dev ", *c.dev));
  return absl::OkStatus();
}

}  // namespace gw::ctl
