#include "control/gateway.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gw::ctl {

Gateway::Gateway(dp::Tables& tables, std::vector<PortRef> ports, SetMtuFn set_mtu)
    : t_(tables),
      tunnels_(tables, interfaces_, addresses_),
      interfaces_(std::move(ports), tunnels_),
      links_(tables, interfaces_, std::move(set_mtu)),
      addresses_(tables, interfaces_, rib_, tunnels_),
      rib_(tables, interfaces_, addresses_),
      neighbours_(tables, interfaces_) {}

absl::Status Gateway::Apply(const Command& c) {
  switch (c.verb) {
    case Verb::kLinkSet:
      return LinkSet(c);
    case Verb::kAddrAdd:
      return addresses_.Add(c);
    case Verb::kAddrDel:
      return addresses_.Del(c);
    case Verb::kTunnelAdd:
      return tunnels_.Add(c);
    case Verb::kTunnelChange:
      return tunnels_.Change(c);
    case Verb::kTunnelDel:
      return tunnels_.Del(c, [this](const IfRef& dev) { return InterfaceGone(dev); });
    case Verb::kRouteAdd:
      return rib_.Add(c, false);
    case Verb::kRouteReplace:
      return rib_.Add(c, true);
    case Verb::kRouteDel:
      return rib_.Del(c);
    case Verb::kNeighAdd:
      return neighbours_.Set(c, false);
    case Verb::kNeighReplace:
      return neighbours_.Set(c, true);
    case Verb::kNeighDel:
      return neighbours_.Del(c);
  }
  return absl::InternalError("unhandled command");
}

absl::Status Gateway::LinkSet(const Command& c) {
  auto r = interfaces_.Find(c.name);
  if (!r.ok()) return r.status();
  if (r->kind == IfKind::kPort) return links_.Set(static_cast<uint16_t>(r->id), c);
  return tunnels_.LinkSet(c.name, c);
}

absl::Status Gateway::InterfaceGone(const IfRef& dev) {
  const std::vector<IpPrefix> dead_routes = rib_.RoutesThrough(dev);
  const std::vector<IpPrefix> dead_hosts = addresses_.HostsOn(dev);
  auto is_dead_route = [&](const IpPrefix& p) {
    return std::find(dead_routes.begin(), dead_routes.end(), p) != dead_routes.end();
  };
  // Addresses elsewhere with the same host prefix keep it local.
  auto others_local = [&](const IpPrefix& h) {
    return rib_.LocalHostCount(h) >
           static_cast<uint32_t>(std::count(dead_hosts.begin(), dead_hosts.end(), h));
  };
  std::vector<Rib::FibOp> ops;
  for (const IpPrefix& p : dead_routes) {
    const bool stays_local = rib_.IsLocalHost(p) && others_local(p);
    ops.push_back({p, stays_local ? dp::kNhLocal : dp::kNhNone, rib_.Desired(p)});
  }
  for (const IpPrefix& h : dead_hosts) {
    if (others_local(h)) continue;
    if (is_dead_route(h)) continue;  // handled above
    uint32_t after = dp::kNhNone;
    if (const Rib::Route* r = rib_.Find(h)) after = r->nh_id;
    ops.push_back({h, after, dp::kNhLocal});
  }
  if (absl::Status s = rib_.ApplyFib(ops); !s.ok()) return s;
  // Once this returns no worker can route through the interface any more.
  t_.route4.Barrier();
  t_.route6.Barrier();

  // An address whose connected route went with the interface (a `route replace` had moved it
  // there) no longer makes one, as after `route del`: `addr del` must not take a later route.
  for (const IpPrefix& p : dead_routes) {
    rib_.Erase(p);
    addresses_.ForgetKernelRoute(p);
  }
  for (const IpPrefix& h : dead_hosts) rib_.RemoveLocalHost(h);
  addresses_.ForgetDevice(dev);
  return absl::OkStatus();
}

std::vector<Gateway::LinkView> Gateway::Links() const {
  std::vector<LinkView> v = links_.Views();
  for (const Tunnel* t : tunnels_.Sorted()) v.push_back({t->name, true, "", t->mtu, t->up});
  return v;
}

std::string Gateway::ConfigText() const {
  std::string out = "# gatewayd running configuration\n";
  // Ports first: a tunnel's default MTU comes from its port's.
  links_.AppendConfig(&out);
  tunnels_.AppendConfig(&out);
  absl::flat_hash_map<IpPrefix, bool> connected;  // prefixes an `addr add` will make
  addresses_.AppendConfig(&out, &connected);
  for (const RouteView& r : rib_.Views()) {
    if (r.kernel) continue;
    absl::StrAppend(&out, connected.contains(r.prefix) ? "route replace " : "route add ",
                    r.prefix.ToString());
    if (r.via) absl::StrAppend(&out, " via ", r.via->ToString());
    absl::StrAppend(&out, " dev ", r.dev, r.onlink ? " onlink" : "", "\n");
  }
  neighbours_.AppendConfig(&out);
  return out;
}

}  // namespace gw::ctl
