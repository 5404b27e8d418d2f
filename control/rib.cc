#include "control/rib.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "control/addresses.h"

namespace gw::ctl {

using absl::AlreadyExistsError;
using absl::InvalidArgumentError;
using absl::NotFoundError;
using absl::StrCat;

bool PrefixLess(const IpPrefix& a, const IpPrefix& b) {
  if (a.addr.family != b.addr.family) return a.addr.family < b.addr.family;
  if (a.addr.b != b.addr.b) return a.addr.b < b.addr.b;
  return a.len < b.len;
}

uint32_t Rib::Desired(const IpPrefix& p) const {
  if (IsLocalHost(p)) return dp::kNhLocal;
  if (auto it = rib_.find(p); it != rib_.end()) return it->second.nh_id;
  return dp::kNhNone;
}

uint32_t Rib::LocalHostCount(const IpPrefix& p) const {
  auto it = local_hosts_.find(p);
  return it == local_hosts_.end() ? 0 : it->second;
}

void Rib::RemoveLocalHost(const IpPrefix& p) {
  auto it = local_hosts_.find(p);
  if (it != local_hosts_.end() && --it->second == 0) local_hosts_.erase(it);
}

const Rib::Route* Rib::Find(const IpPrefix& p) const {
  auto it = rib_.find(p);
  return it == rib_.end() ? nullptr : &it->second;
}

void Rib::Erase(const IpPrefix& p) {
  auto it = rib_.find(p);
  if (it == rib_.end()) return;
  nexthops_.Release(it->second.nh_id);
  rib_.erase(it);
}

std::vector<IpPrefix> Rib::RoutesThrough(const IfRef& dev) const {
  std::vector<IpPrefix> v;
  for (const auto& [p, r] : rib_) {
    const bool through = dev.is_port()
                             ? (r.nh.kind == dp::NhKind::kPort && r.nh.port == dev.id)
                             : (r.nh.kind == dp::NhKind::kTunnel && r.nh.tunnel == dev.id);
    if (through) v.push_back(p);
  }
  return v;
}

absl::Status Rib::ApplyFib(const std::vector<FibOp>& ops) {
  std::vector<dp::Route4Table::Op> v4;
  std::vector<dp::Route6Table::Op> v6;
  // What the tables store: routes into a tunnel without a gateway carry the tunnel (FibValue).
  // The records behind o.nh and o.prev cannot change here: a route still holds each of them.
  for (const FibOp& o : ops) {
    if (o.nh == o.prev) continue;
    const uint32_t nh = nexthops_.FibValue(o.nh);
    const uint32_t prev = nexthops_.FibValue(o.prev);
    if (o.prefix.addr.family == 4) {
      v4.push_back({o.prefix.addr.v4_host(), o.prefix.len, nh, prev});
    } else {
      v6.push_back({o.prefix.addr.b, o.prefix.len, nh, prev});
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

absl::Status Rib::Add(const Command& c, bool replace) {
  const IpPrefix key = c.prefix;
  auto existing = rib_.find(key);
  if (existing != rib_.end() && !replace)
    return AlreadyExistsError(StrCat("route to ", key.ToString(), " already exists"));

  IfRef dev{};
  if (c.dev) {
    auto r = ifs_.Find(*c.dev);
    if (!r.ok()) return r.status();
    dev = *r;
  } else {
    // No dev: the gateway must be on a connected prefix of a port.
    std::optional<IfRef> port = addrs_.ConnectedPortFor(*c.via);
    if (!port)
      return InvalidArgumentError(StrCat("gateway ", Quote(c.via->ToString()),
                                         " is on no connected network: give \"dev IFACE\""));
    dev = *port;
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
        if (!addrs_.OnConnectedNetwork(static_cast<uint16_t>(dev.id), *c.via))
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

  auto nh_id = nexthops_.Acquire(nh);
  if (!nh_id.ok()) return nh_id.status();
  const uint32_t prev = Desired(key);
  const uint32_t next = IsLocalHost(key) ? dp::kNhLocal : *nh_id;
  if (absl::Status s = ApplyFib({{key, next, prev}}); !s.ok()) {
    nexthops_.Release(*nh_id);
    return s;
  }
  if (existing != rib_.end()) {
    nexthops_.Release(existing->second.nh_id);
    existing->second = Route{nh, *nh_id, false, c.onlink};
  } else {
    rib_.emplace(key, Route{nh, *nh_id, false, c.onlink});
  }
  return absl::OkStatus();
}

absl::Status Rib::Del(const Command& c) {
  auto it = rib_.find(c.prefix);
  if (it == rib_.end()) return NotFoundError(StrCat("no route to ", c.prefix.ToString()));
  const Route& r = it->second;
  if (c.dev) {
    auto d = ifs_.Find(*c.dev);
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
  nexthops_.Release(r.nh_id);
  addrs_.ForgetKernelRoute(c.prefix);
  rib_.erase(it);
  return absl::OkStatus();
}

std::vector<Rib::View> Rib::Views() const {
  std::vector<std::pair<IpPrefix, const Route*>> sorted;
  sorted.reserve(rib_.size());
  for (const auto& [p, r] : rib_) sorted.push_back({p, &r});
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return PrefixLess(a.first, b.first); });
  std::vector<View> v;
  v.reserve(sorted.size());
  for (const auto& [p, r] : sorted) {
    bool onlink = r->onlink;
    if (!onlink && r->nh.kind == dp::NhKind::kPort && r->nh.gw_family != 0) {
      IpAddr via;
      via.family = r->nh.gw_family;
      if (via.family == 4) {
        std::memcpy(via.b.data(), &r->nh.gw4_be, 4);
      } else {
        via.b = r->nh.gw6;
      }
      onlink = !addrs_.OnConnectedNetwork(r->nh.port, via);
    }
    View rv{p, "", std::nullopt, r->kernel, onlink, r->onlink};
    if (r->nh.kind == dp::NhKind::kPort) {
      rv.dev = ifs_.Name({IfKind::kPort, r->nh.port});
    } else {
      rv.dev = ifs_.Name({IfKind::kTunnel, r->nh.tunnel});
    }
    if (r->nh.gw_family == 4) {
      rv.via = IpAddr::V4(r->nh.gw4_be);
    } else if (r->nh.gw_family == 6) {
      IpAddr a;
      a.family = 6;
      a.b = r->nh.gw6;
      rv.via = a;
    }
    v.push_back(rv);
  }
  return v;
}

}  // namespace gw::ctl
