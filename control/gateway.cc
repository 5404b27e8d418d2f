#include "control/gateway.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gw::ctl {
namespace {

using absl::AlreadyExistsError;
using absl::InvalidArgumentError;
using absl::NotFoundError;
using absl::StrCat;

IpPrefix HostPrefix(const IpAddr& a) { return IpPrefix{a, a.max_len()}; }

uint8_t Carries(TunnelMode m) {
  switch (m) {
    case TunnelMode::kIpip:
      return dp::kCarryIpv4;
    case TunnelMode::kSit:
      return dp::kCarryIpv6;
    case TunnelMode::kAny:
      return dp::kCarryIpv4 | dp::kCarryIpv6;
  }
  return 0;
}

constexpr uint16_t kTunnelOverhead = 20;  // the outer IPv4 header
constexpr uint16_t kDefaultMtu = 1500;

}  // namespace

Gateway::Gateway(dp::Tables& tables, std::vector<PortRef> ports, SetMtuFn set_mtu)
    : t_(tables), ports_(std::move(ports)), set_mtu_(std::move(set_mtu)) {
  for (const PortRef& p : ports_) initial_port_mtu_[p.id] = t_.ports[p.id].mtu.load();
}

absl::Status Gateway::Apply(const Command& c) {
  switch (c.verb) {
    case Verb::kLinkSet:
      return LinkSet(c);
    case Verb::kAddrAdd:
      return AddrAdd(c);
    case Verb::kAddrDel:
      return AddrDel(c);
    case Verb::kTunnelAdd:
      return TunnelAdd(c);
    case Verb::kTunnelChange:
      return TunnelChange(c);
    case Verb::kTunnelDel:
      return TunnelDel(c);
    case Verb::kRouteAdd:
      return RouteAdd(c, false);
    case Verb::kRouteReplace:
      return RouteAdd(c, true);
    case Verb::kRouteDel:
      return RouteDel(c);
    case Verb::kNeighAdd:
      return NeighSet(c, false);
    case Verb::kNeighReplace:
      return NeighSet(c, true);
    case Verb::kNeighDel:
      return NeighDel(c);
  }
  return absl::InternalError("unhandled command");
}

// ---- interfaces ----

absl::StatusOr<Gateway::IfRef> Gateway::FindIf(absl::string_view name) const {
  for (const PortRef& p : ports_)
    if (p.name == name) return IfRef{IfKind::kPort, p.id};
  if (auto it = tunnels_.find(name); it != tunnels_.end())
    return IfRef{IfKind::kTunnel, it->second.id};
  return NotFoundError(StrCat("unknown device ", Quote(name)));
}

std::string Gateway::IfName(const IfRef& r) const {
  if (r.kind == IfKind::kPort) {
    for (const PortRef& p : ports_)
      if (p.id == r.id) return p.name;
    return StrCat("port", r.id);
  }
  auto it = tunnel_names_.find(r.id);
  return it == tunnel_names_.end() ? "?" : it->second;
}

absl::StatusOr<uint16_t> Gateway::FindPort(absl::string_view name, absl::string_view what) const {
  auto r = FindIf(name);
  if (!r.ok()) return r.status();
  if (r->kind != IfKind::kPort)
    return InvalidArgumentError(StrCat(what, " needs a port, ", Quote(name), " is a tunnel"));
  return static_cast<uint16_t>(r->id);
}

absl::Status Gateway::LinkSet(const Command& c) {
  auto r = FindIf(c.name);
  if (!r.ok()) return r.status();
  if (r->kind == IfKind::kPort) {
    const auto port = static_cast<uint16_t>(r->id);
    if (c.mtu) {
      if (absl::Status s = set_mtu_(port, static_cast<uint16_t>(*c.mtu)); !s.ok()) return s;
    }
    if (c.up) t_.ports[port].up.store(*c.up, std::memory_order_relaxed);
    return absl::OkStatus();
  }
  Tunnel t = tunnels_.at(c.name);
  if (c.mtu) {
    if (*c.mtu > 65535 - kTunnelOverhead)
      return InvalidArgumentError(StrCat("bad mtu \"", *c.mtu, "\" for a tunnel (68..",
                                         65535 - kTunnelOverhead, ")"));
    t.mtu = static_cast<uint16_t>(*c.mtu);
    t.mtu_explicit = true;
  }
  if (c.up) t.up = *c.up;
  t_.tunnels.Publish(BuildRec(t));
  t_.tunnels.Reclaim();
  tunnels_[c.name] = t;
  return absl::OkStatus();
}

// ---- next hops and the FIB ----

absl::StatusOr<uint32_t> Gateway::AcquireNh(const dp::NextHop& nh) {
  if (auto it = nh_ids_.find(nh); it != nh_ids_.end()) {
    ++it->second.refs;
    return it->second.id;
  }
  // A freed id may still be in a FIB copy some worker is reading until its grace period is over:
  // take a fresh id rather than wait for it.
  uint32_t id;
  if (!free_nh_ids_.empty() && t_.rcu.Passed(free_nh_ids_.front().token)) {
    id = free_nh_ids_.front().id;
    free_nh_ids_.pop_front();
  } else if (next_nh_id_ < t_.nexthops.capacity()) {
    id = next_nh_id_++;
  } else if (!free_nh_ids_.empty()) {
    t_.rcu.WaitFor(free_nh_ids_.front().token);
    id = free_nh_ids_.front().id;
    free_nh_ids_.pop_front();
  } else {
    return absl::ResourceExhaustedError(
        StrCat("next-hop table full (", t_.nexthops.capacity(), "; raise --nexthops)"));
  }
  t_.nexthops.Set(id, nh);
  nh_ids_.emplace(nh, NhEntry{id, 1});
  return id;
}

void Gateway::ReleaseNh(uint32_t id) {
  // Called once the active FIB copy no longer points at `id`; the other copy may, for readers
  // still inside it, until a grace period has passed: the id is reused only after that.
  auto it = nh_ids_.find(t_.nexthops.Get(id));
  if (it == nh_ids_.end() || it->second.id != id) return;
  if (--it->second.refs == 0) {
    free_nh_ids_.push_back({id, t_.rcu.Start()});
    nh_ids_.erase(it);
  }
}

uint32_t Gateway::Desired(const IpPrefix& p) const {
  if (IsLocalHost(p)) return dp::kNhLocal;
  if (auto it = rib_.find(p); it != rib_.end()) return it->second.nh_id;
  return dp::kNhNone;
}

absl::Status Gateway::ApplyFib(const std::vector<FibOp>& ops) {
  std::vector<dp::Route4Table::Op> v4;
  std::vector<dp::Route6Table::Op> v6;
  // What the tables store: routes into a tunnel without a gateway carry the tunnel (FibValue).
  // The records behind o.nh and o.prev cannot change here: a route still holds each of them.
  auto value = [this](uint32_t id) { return dp::FibValue(id, t_.nexthops.Get(id)); };
  for (const FibOp& o : ops) {
    if (o.nh == o.prev) continue;
    if (o.prefix.addr.family == 4) {
      v4.push_back({o.prefix.addr.v4_host(), o.prefix.len, value(o.nh), value(o.prev)});
    } else {
      v6.push_back({o.prefix.addr.b, o.prefix.len, value(o.nh), value(o.prev)});
    }
  }
  if (absl::Status s = t_.route4.Apply(v4); !s.ok()) return s;
  if (absl::Status s = t_.route6.Apply(v6); !s.ok()) {
    // Undo the IPv4 half: the same ops with nh and prev swapped, in reverse.
    std::vector<dp::Route4Table::Op> undo(v4.rbegin(), v4.rend());
    for (auto& o : undo) std::swap(o.nh, o.prev_nh);
    (void)t_.route4.Apply(undo);
    return s;
  }
  return absl::OkStatus();
}

// ---- routes ----

absl::Status Gateway::RouteAdd(const Command& c, bool replace) {
  const IpPrefix key = c.prefix;
  auto existing = rib_.find(key);
  if (existing != rib_.end() && !replace)
    return AlreadyExistsError(StrCat("route to ", key.ToString(), " already exists"));

  IfRef dev{};
  if (c.dev) {
    auto r = FindIf(*c.dev);
    if (!r.ok()) return r.status();
    dev = *r;
  } else {
    // No dev: the gateway must be on a connected prefix of a port.
    bool found = false;
    for (const Address& a : addrs_) {
      if (a.dev.kind == IfKind::kPort && a.kernel_route && a.kernel_route->Contains(*c.via)) {
        dev = a.dev;
        found = true;
        break;
      }
    }
    if (!found)
      return InvalidArgumentError(StrCat("gateway ", Quote(c.via->ToString()),
                                         " is on no connected network: give \"dev IFACE\""));
  }

  dp::NextHop nh;
  if (dev.kind == IfKind::kTunnel) {
    nh.kind = dp::NhKind::kTunnel;
    nh.tunnel = dev.id;
    if (c.via) {
      if (c.via->family != 4)
        return InvalidArgumentError(StrCat("via ", Quote(c.via->ToString()),
                                           " through a tunnel must be an IPv4 outer address"));
      nh.gw_family = 4;
      nh.gw4_be = c.via->v4_be();
    }
  } else {
    nh.kind = dp::NhKind::kPort;
    nh.port = static_cast<uint16_t>(dev.id);
    if (c.via) {
      if (c.via->family != key.addr.family)
        return InvalidArgumentError(StrCat("address family mismatch: via ", Quote(c.via->ToString()),
                                           " for prefix ", key.ToString()));
      if (!c.onlink) {
        if (!OnConnectedNetwork(static_cast<uint16_t>(dev.id), *c.via))
          return InvalidArgumentError(StrCat("gateway ", Quote(c.via->ToString()),
                                             " is not on a connected network of ", *c.dev,
                                             " (add \"onlink\" if it is)"));
      }
      nh.gw_family = c.via->family;
      if (nh.gw_family == 4) {
        nh.gw4_be = c.via->v4_be();
      } else {
        nh.gw6 = c.via->b;
      }
    }
  }

  auto nh_id = AcquireNh(nh);
  if (!nh_id.ok()) return nh_id.status();
  const uint32_t prev = Desired(key);
  const uint32_t next = IsLocalHost(key) ? dp::kNhLocal : *nh_id;
  if (absl::Status s = ApplyFib({{key, next, prev}}); !s.ok()) {
    ReleaseNh(*nh_id);
    return s;
  }
  if (existing != rib_.end()) {
    ReleaseNh(existing->second.nh_id);
    existing->second = Route{nh, *nh_id, false, c.onlink};
  } else {
    rib_.emplace(key, Route{nh, *nh_id, false, c.onlink});
  }
  return absl::OkStatus();
}

bool Gateway::OnConnectedNetwork(uint16_t port, const IpAddr& a) const {
  for (const Address& addr : addrs_)
    if (addr.dev.kind == IfKind::kPort && addr.dev.id == port && addr.kernel_route &&
        addr.kernel_route->Contains(a))
      return true;
  return false;
}

absl::Status Gateway::RouteDel(const Command& c) {
  auto it = rib_.find(c.prefix);
  if (it == rib_.end()) return NotFoundError(StrCat("no route to ", c.prefix.ToString()));
  const Route& r = it->second;
  if (c.dev) {
    auto d = FindIf(*c.dev);
    if (!d.ok()) return d.status();
    const bool same = d->kind == IfKind::kPort ? (r.nh.kind == dp::NhKind::kPort && r.nh.port == d->id)
                                               : (r.nh.kind == dp::NhKind::kTunnel && r.nh.tunnel == d->id);
    if (!same) return NotFoundError(StrCat("no route to ", c.prefix.ToString(), " dev ", *c.dev));
  }
  if (c.via) {
    const bool same = r.nh.gw_family == c.via->family &&
                      (c.via->family == 4 ? r.nh.gw4_be == c.via->v4_be() : r.nh.gw6 == c.via->b);
    if (!same)
      return NotFoundError(StrCat("no route to ", c.prefix.ToString(), " via ", c.via->ToString()));
  }
  const uint32_t next = IsLocalHost(c.prefix) ? dp::kNhLocal : dp::kNhNone;
  if (absl::Status s = ApplyFib({{c.prefix, next, r.nh_id}}); !s.ok()) return s;
  ReleaseNh(r.nh_id);
  for (Address& a : addrs_)
    if (a.kernel_route == c.prefix) a.kernel_route.reset();
  rib_.erase(it);
  return absl::OkStatus();
}

// ---- addresses ----

absl::Status Gateway::AddrAdd(const Command& c) {
  auto dev = FindIf(*c.dev);
  if (!dev.ok()) return dev.status();
  const IpAddr& local = c.prefix.addr;
  for (const Address& a : addrs_)
    if (a.local.addr == local)
      return AlreadyExistsError(
          StrCat("address ", local.ToString(), " is already assigned to ", IfName(a.dev)));

  // The connected route: the peer's prefix, or the address's own network.
  std::optional<IpPrefix> kp;
  if (c.peer) {
    kp = c.peer->Masked();
  } else if (c.prefix.len < local.max_len()) {
    kp = c.prefix.Masked();
  }
  std::optional<uint32_t> kp_nh;
  dp::NextHop nh;
  if (kp && !rib_.contains(*kp)) {  // Linux leaves an existing route alone
    if (dev->kind == IfKind::kPort) {
      nh.kind = dp::NhKind::kPort;
      nh.port = static_cast<uint16_t>(dev->id);
    } else {
      nh.kind = dp::NhKind::kTunnel;
      nh.tunnel = dev->id;
    }
    auto id = AcquireNh(nh);
    if (!id.ok()) return id.status();
    kp_nh = *id;
  } else {
    kp.reset();
  }

  const IpPrefix host = HostPrefix(local);
  std::vector<FibOp> ops;
  ops.push_back({host, dp::kNhLocal, Desired(host)});
  // A connected prefix that is itself one of our addresses stays local (Linux's local table wins).
  if (kp)
    ops.push_back({*kp, (*kp == host || IsLocalHost(*kp)) ? dp::kNhLocal : *kp_nh, Desired(*kp)});
  if (absl::Status s = ApplyFib(ops); !s.ok()) {
    if (kp_nh) ReleaseNh(*kp_nh);
    return s;
  }
  ++local_hosts_[host];
  if (kp) rib_.emplace(*kp, Route{nh, *kp_nh, true});
  addrs_.push_back(Address{c.prefix, c.peer, *dev, kp});
  AddressesChanged(*dev);
  return absl::OkStatus();
}

absl::Status Gateway::AddrDel(const Command& c) {
  auto dev = FindIf(*c.dev);
  if (!dev.ok()) return dev.status();
  auto it = std::find_if(addrs_.begin(), addrs_.end(), [&](const Address& a) {
    return a.local.addr == c.prefix.addr && a.dev.kind == dev->kind && a.dev.id == dev->id;
  });
  if (it == addrs_.end())
    return NotFoundError(StrCat("address ", c.prefix.addr.ToString(), " is not on ", *c.dev));
  const IpPrefix host = HostPrefix(it->local.addr);
  std::vector<FibOp> ops;
  const bool last_local = local_hosts_[host] == 1;
  std::optional<uint32_t> kp_nh;
  if (it->kernel_route) {
    auto r = rib_.find(*it->kernel_route);
    if (r != rib_.end() && r->second.kernel) kp_nh = r->second.nh_id;
  }
  // After the change: the host prefix falls back to a RIB route, if any (but not to the kernel
  // route being removed with it).
  if (last_local) {
    uint32_t after = dp::kNhNone;
    if (auto r = rib_.find(host); r != rib_.end() && !(kp_nh && *it->kernel_route == host))
      after = r->second.nh_id;
    ops.push_back({host, after, dp::kNhLocal});
  }
  if (kp_nh && *it->kernel_route != host)
    ops.push_back({*it->kernel_route, IsLocalHost(*it->kernel_route) ? dp::kNhLocal : dp::kNhNone,
                   Desired(*it->kernel_route)});
  if (absl::Status s = ApplyFib(ops); !s.ok()) return s;
  if (last_local) {
    local_hosts_.erase(host);
  } else {
    --local_hosts_[host];
  }
  if (kp_nh) {
    ReleaseNh(*kp_nh);
    rib_.erase(*it->kernel_route);
  }
  const IfRef changed = it->dev;
  addrs_.erase(it);
  AddressesChanged(changed);
  return absl::OkStatus();
}

// ---- neighbours ----

absl::Status Gateway::NeighSet(const Command& c, bool replace) {
  auto port = FindPort(*c.dev, "neigh");
  if (!port.ok()) return port.status();
  auto key = std::make_pair(*port, c.addr);
  if (!replace && neigh_.contains(key))
    return AlreadyExistsError(
        StrCat("neighbour ", c.addr.ToString(), " dev ", *c.dev, " already exists (use replace)"));
  const dp::NeighKey k = c.addr.family == 4 ? dp::NeighKey4(*port, c.addr.v4_be())
                                            : dp::NeighKey6(*port, c.addr.b.data());
  rte_ether_addr mac;
  std::memcpy(mac.addr_bytes, c.lladdr.data(), 6);
  if (absl::Status s = t_.neighbours.Set(&k, dp::PackMac(mac)); !s.ok())
    return absl::ResourceExhaustedError(
        StrCat("neighbour table full (", t_.sizes.neighbours, "; raise --neighbours)"));
  t_.neigh_gen.fetch_add(1, std::memory_order_release);  // workers drop their cached answers
  neigh_[key] = c.lladdr;
  if (on_static_neigh_) on_static_neigh_(*port, c.addr, dp::PackMac(mac));
  return absl::OkStatus();
}

absl::Status Gateway::NeighDel(const Command& c) {
  auto port = FindPort(*c.dev, "neigh");
  if (!port.ok()) return port.status();
  auto it = neigh_.find(std::make_pair(*port, c.addr));
  if (it == neigh_.end()) {
    if (del_learned_neigh_ && del_learned_neigh_(*port, c.addr)) return absl::OkStatus();
    return NotFoundError(StrCat("no neighbour ", c.addr.ToString(), " dev ", *c.dev));
  }
  const dp::NeighKey k = c.addr.family == 4 ? dp::NeighKey4(*port, c.addr.v4_be())
                                            : dp::NeighKey6(*port, c.addr.b.data());
  if (absl::Status s = t_.neighbours.Delete(&k); !s.ok()) return s;
  t_.neigh_gen.fetch_add(1, std::memory_order_release);
  neigh_.erase(it);
  return absl::OkStatus();
}

// ---- tunnels ----

std::unique_ptr<dp::TunnelRec> Gateway::BuildRec(const Tunnel& t) const {
  auto r = std::make_unique<dp::TunnelRec>();
  r->id = t.id;
  r->mtu = t.mtu;
  r->bound_port = t.dev ? *t.dev : dp::kNoPort;
  r->carries = Carries(t.mode);
  r->ttl = t.ttl;
  r->tos_inherit = t.tos < 0;
  r->pmtudisc = t.pmtudisc;
  r->up = t.up;
  r->remote_any = t.remote.is_any();
  r->BuildTemplate(t.local.v4_be(), t.remote.is_any() ? 0 : t.remote.v4_be(),
                   t.tos < 0 ? 0 : static_cast<uint8_t>(t.tos));
  bool have4 = false, have6 = false;
  for (const Address& a : addrs_) {
    if (a.dev.kind != IfKind::kTunnel || a.dev.id != t.id) continue;
    if (a.local.addr.family == 4 && !have4) {
      r->src4_be = a.local.addr.v4_be();
      have4 = true;
    } else if (a.local.addr.family == 6 && !have6) {
      r->src6 = a.local.addr.b;
      have6 = true;
    }
  }
  return r;
}

void Gateway::AddressesChanged(const IfRef& dev) {
  auto s = std::make_unique<dp::SourceAddrs>();
  std::array<bool, RTE_MAX_ETHPORTS> have4{}, have6{};
  bool any4 = false, any6 = false;
  for (const Address& a : addrs_) {
    const IpAddr& ip = a.local.addr;
    if (ip.family == 4 && !any4) {
      s->any4 = ip.v4_be();
      any4 = true;
    }
    if (ip.family == 6 && !any6) {
      s->any6 = ip.b;
      any6 = true;
    }
    if (a.dev.kind != IfKind::kPort) continue;
    if (ip.family == 4 && !have4[a.dev.id]) {
      s->port4[a.dev.id] = ip.v4_be();
      have4[a.dev.id] = true;
    } else if (ip.family == 6 && !have6[a.dev.id]) {
      s->port6[a.dev.id] = ip.b;
      have6[a.dev.id] = true;
    }
  }
  t_.PublishSources(std::move(s));
  if (dev.kind == IfKind::kTunnel) {
    auto it = tunnel_names_.find(dev.id);
    if (it != tunnel_names_.end() && t_.tunnels.Get(dev.id) != nullptr) {
      t_.tunnels.Publish(BuildRec(tunnels_.at(it->second)));
      t_.tunnels.Reclaim();
    }
  }
}

std::optional<IpAddr> Gateway::SourceFor(uint16_t port, const IpAddr& target) const {
  const IpAddr* first_on_port = nullptr;
  const IpAddr* first = nullptr;
  for (const Address& a : addrs_) {
    if (a.local.addr.family != target.family) continue;
    if (first == nullptr) first = &a.local.addr;
    if (a.dev.kind != IfKind::kPort || a.dev.id != port) continue;
    if (a.local.Contains(target) || (a.peer && a.peer->Contains(target))) return a.local.addr;
    if (first_on_port == nullptr) first_on_port = &a.local.addr;
  }
  if (first_on_port != nullptr) return *first_on_port;
  if (first != nullptr) return *first;
  return std::nullopt;
}

dp::PeerKey Gateway::DpPeerKey(const Tunnel& t) {
  return dp::PeerKey{t.remote.is_any() ? 0 : t.remote.v4_be(), t.local.v4_be()};
}

uint64_t Gateway::PeerKeyOf(const Tunnel& t) {
  const dp::PeerKey k = DpPeerKey(t);
  return (uint64_t{k.remote_be} << 32) | k.local_be;
}

absl::Status Gateway::ValidateTunnel(const Tunnel& t, const std::string* replacing) const {
  if (t.local.family != 4) return InvalidArgumentError("tunnel needs \"local ADDRESS\" (IPv4)");
  if (!t.pmtudisc && t.ttl != 0)
    return InvalidArgumentError("\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
  if (auto it = tunnel_by_peer_.find(PeerKeyOf(t));
      it != tunnel_by_peer_.end() && (replacing == nullptr || it->second != *replacing))
    return AlreadyExistsError(StrCat("tunnel ", Quote(it->second), " already has remote ",
                                     t.remote.ToString(), " local ", t.local.ToString()));
  return absl::OkStatus();
}

absl::Status Gateway::TunnelAdd(const Command& c) {
  if (tunnels_.contains(c.name))
    return AlreadyExistsError(StrCat("tunnel ", Quote(c.name), " already exists"));
  for (const PortRef& p : ports_)
    if (p.name == c.name) return AlreadyExistsError(StrCat("name ", Quote(c.name), " is a port"));
  const TunnelOptions& o = c.tunnel;
  Tunnel t;
  t.name = c.name;
  t.mode = o.mode.value_or(TunnelMode::kIpip);
  t.remote = o.remote.value_or(IpAddr{});
  if (o.local) t.local = *o.local;
  t.ttl = o.ttl.value_or(0);
  t.tos = o.tos.value_or(0);
  t.pmtudisc = o.pmtudisc.value_or(true);
  uint16_t under_mtu = kDefaultMtu;
  if (o.dev) {
    auto port = FindPort(*o.dev, "tunnel dev");
    if (!port.ok()) return port.status();
    t.dev = *port;
    under_mtu = t_.ports[*port].mtu.load();
  }
  t.mtu = static_cast<uint16_t>(under_mtu - kTunnelOverhead);
  if (absl::Status s = ValidateTunnel(t, nullptr); !s.ok()) return s;

  uint32_t id;
  if (!free_tunnel_ids_.empty()) {
    id = free_tunnel_ids_.back();
  } else if (next_tunnel_id_ < t_.tunnels.capacity()) {
    id = next_tunnel_id_;
  } else {
    return absl::ResourceExhaustedError(
        StrCat("tunnel table full (", t_.tunnels.capacity(), "; raise --tunnels)"));
  }
  t.id = id;
  const dp::PeerKey key = DpPeerKey(t);
  // The record goes in before the peer entry that leads packets to it.
  t_.tunnels.Publish(BuildRec(t));
  if (absl::Status s = t_.peers.Set(key, id); !s.ok()) {
    t_.tunnels.Remove(id);
    t_.tunnels.Reclaim();
    return absl::ResourceExhaustedError(
        StrCat("peer table full (", t_.sizes.tunnels, "; raise --tunnels)"));
  }
  if (!free_tunnel_ids_.empty()) {
    free_tunnel_ids_.pop_back();
  } else {
    ++next_tunnel_id_;
  }
  t_.peer_gen.fetch_add(1, std::memory_order_release);  // (any, local) may have been cached
  tunnel_by_peer_.emplace(PeerKeyOf(t), c.name);
  tunnel_names_[id] = c.name;
  if (tunnel_counters_) t.base = tunnel_counters_(id);
  tunnels_.emplace(c.name, std::move(t));
  return absl::OkStatus();
}

absl::Status Gateway::TunnelChange(const Command& c) {
  auto it = tunnels_.find(c.name);
  if (it == tunnels_.end()) return NotFoundError(StrCat("unknown tunnel ", Quote(c.name)));
  const Tunnel& old = it->second;
  Tunnel t = old;
  const TunnelOptions& o = c.tunnel;
  if (o.mode) t.mode = *o.mode;
  if (o.remote) t.remote = *o.remote;
  if (o.local) t.local = *o.local;
  if (o.ttl) t.ttl = *o.ttl;
  if (o.tos) t.tos = *o.tos;
  if (o.pmtudisc) t.pmtudisc = *o.pmtudisc;
  if (o.dev) {
    auto port = FindPort(*o.dev, "tunnel dev");
    if (!port.ok()) return port.status();
    t.dev = *port;
    // As Linux (ip_tunnel_bind_dev): a new underlay device gives a new default MTU.
    if (!t.mtu_explicit) t.mtu = static_cast<uint16_t>(t_.ports[*port].mtu.load() - kTunnelOverhead);
  }
  if (absl::Status s = ValidateTunnel(t, &c.name); !s.ok()) return s;

  const dp::PeerKey old_key = DpPeerKey(old);
  const dp::PeerKey new_key = DpPeerKey(t);
  const bool rekey = std::memcmp(&old_key, &new_key, sizeof(old_key)) != 0;
  if (rekey) {
    if (absl::Status s = t_.peers.Set(new_key, t.id); !s.ok())
      return absl::ResourceExhaustedError("peer table full (raise --tunnels)");
  }
  // One pointer store: a packet sees the old tunnel or the new one.
  t_.tunnels.Publish(BuildRec(t));
  if (rekey) {
    (void)t_.peers.Delete(old_key);
    t_.peer_gen.fetch_add(1, std::memory_order_release);
    tunnel_by_peer_.erase(PeerKeyOf(old));
    tunnel_by_peer_.emplace(PeerKeyOf(t), c.name);
  }
  t_.tunnels.Reclaim();
  it->second = std::move(t);
  return absl::OkStatus();
}

absl::Status Gateway::TunnelDel(const Command& c) {
  auto it = tunnels_.find(c.name);
  if (it == tunnels_.end()) return NotFoundError(StrCat("unknown tunnel ", Quote(c.name)));
  const Tunnel& t = it->second;

  // As Linux does when a device goes away: its routes and addresses go with it.
  std::vector<FibOp> ops;
  std::vector<IpPrefix> dead_routes;
  for (const auto& [p, r] : rib_) {
    if (r.nh.kind != dp::NhKind::kTunnel || r.nh.tunnel != t.id) continue;
    dead_routes.push_back(p);
  }
  std::vector<IpPrefix> dead_hosts;
  for (const Address& a : addrs_)
    if (a.dev.kind == IfKind::kTunnel && a.dev.id == t.id) dead_hosts.push_back(HostPrefix(a.local.addr));
  auto is_dead_route = [&](const IpPrefix& p) {
    return std::find(dead_routes.begin(), dead_routes.end(), p) != dead_routes.end();
  };
  for (const IpPrefix& p : dead_routes) {
    const bool stays_local = IsLocalHost(p) && local_hosts_.at(p) >
        static_cast<uint32_t>(std::count(dead_hosts.begin(), dead_hosts.end(), p));
    ops.push_back({p, stays_local ? dp::kNhLocal : dp::kNhNone, Desired(p)});
  }
  for (const IpPrefix& h : dead_hosts) {
    if (local_hosts_.at(h) > static_cast<uint32_t>(std::count(dead_hosts.begin(), dead_hosts.end(), h)))
      continue;
    if (is_dead_route(h)) continue;  // handled above
    uint32_t after = dp::kNhNone;
    if (auto r = rib_.find(h); r != rib_.end()) after = r->second.nh_id;
    ops.push_back({h, after, dp::kNhLocal});
  }
  if (absl::Status s = ApplyFib(ops); !s.ok()) return s;
  // Once this returns no worker can route into the tunnel any more.
  t_.route4.Barrier();
  t_.route6.Barrier();

  for (const IpPrefix& p : dead_routes) {
    ReleaseNh(rib_.at(p).nh_id);
    rib_.erase(p);
  }
  for (const IpPrefix& h : dead_hosts)
    if (--local_hosts_[h] == 0) local_hosts_.erase(h);
  addrs_.erase(std::remove_if(addrs_.begin(), addrs_.end(),
                              [&](const Address& a) {
                                return a.dev.kind == IfKind::kTunnel && a.dev.id == t.id;
                              }),
               addrs_.end());

  const dp::PeerKey key = DpPeerKey(t);
  (void)t_.peers.Delete(key);
  t_.peer_gen.fetch_add(1, std::memory_order_release);
  tunnel_by_peer_.erase(PeerKeyOf(t));
  t_.tunnels.Remove(t.id);
  AddressesChanged(IfRef{IfKind::kTunnel, t.id});  // its addresses went with it
  t_.tunnels.Barrier();  // after this no worker holds the record or the id
  free_tunnel_ids_.push_back(t.id);
  tunnel_names_.erase(t.id);
  tunnels_.erase(it);
  return absl::OkStatus();
}

}  // namespace gw::ctl
