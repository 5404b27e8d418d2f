#include "control/addresses.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "control/rib.h"
#include "tunnel/control/tunnels.h"

namespace gw::ctl {
namespace {

IpPrefix HostPrefix(const IpAddr& a) { return IpPrefix{a, a.max_len()}; }

}  // namespace

absl::Status Addresses::Add(const Command& c) {
  auto dev = ifs_.Find(*c.dev);
  if (!dev.ok()) return dev.status();
  const IpAddr& local = c.prefix.addr;
  for (const Address& a : addrs_)
    if (a.local.addr == local)
      return absl::AlreadyExistsError(
          absl::StrCat("address ", local.ToString(), " is already assigned to ", ifs_.Name(a.dev)));

  // The connected route: the peer's prefix, or the address's own network.
  std::optional<IpPrefix> kp;
  if (c.peer) {
    kp = c.peer->Masked();
  } else if (c.prefix.len < local.max_len()) {
    kp = c.prefix.Masked();
  }
  std::optional<uint32_t> kp_nh;
  dp::NextHop nh;
  if (kp && !rib_.Contains(*kp)) {  // Linux leaves an existing route alone
    if (dev->kind == IfKind::kPort) {
      nh.kind = dp::NhKind::kPort;
      nh.port = static_cast<uint16_t>(dev->id);
    } else {
      nh.kind = dp::NhKind::kTunnel;
      nh.tunnel = dev->id;
    }
    auto id = rib_.nexthops().Acquire(nh);
    if (!id.ok()) return id.status();
    kp_nh = *id;
  } else {
    kp.reset();
  }

  const IpPrefix host = HostPrefix(local);
  std::vector<Rib::FibOp> ops;
  ops.push_back({host, dp::kNhLocal, rib_.Desired(host)});
  // A connected prefix that is itself one of our addresses stays local (Linux's local table wins).
  if (kp)
    ops.push_back(
        {*kp, (*kp == host || rib_.IsLocalHost(*kp)) ? dp::kNhLocal : *kp_nh, rib_.Desired(*kp)});
  if (absl::Status s = rib_.ApplyFib(ops); !s.ok()) {
    if (kp_nh) rib_.nexthops().Release(*kp_nh);
    return s;
  }
  rib_.AddLocalHost(host);
  if (kp) rib_.Insert(*kp, Rib::Route{nh, *kp_nh, true});
  addrs_.push_back(Address{c.prefix, c.peer, *dev, kp});
  Changed(*dev);
  return absl::OkStatus();
}

absl::Status Addresses::Del(const Command& c) {
  auto dev = ifs_.Find(*c.dev);
  if (!dev.ok()) return dev.status();
  auto it = std::find_if(addrs_.begin(), addrs_.end(), [&](const Address& a) {
    return a.local.addr == c.prefix.addr && a.dev.kind == dev->kind && a.dev.id == dev->id;
  });
  if (it == addrs_.end())
    return absl::NotFoundError(
        absl::StrCat("address ", c.prefix.addr.ToString(), " is not on ", *c.dev));
  const IpPrefix host = HostPrefix(it->local.addr);
  std::vector<Rib::FibOp> ops;
  const bool last_local = rib_.LocalHostCount(host) == 1;
  std::optional<uint32_t> kp_nh;
  if (it->kernel_route) {
    const Rib::Route* r = rib_.Find(*it->kernel_route);
    if (r != nullptr && r->kernel) kp_nh = r->nh_id;
  }
  // After the change: the host prefix falls back to a RIB route, if any (but not to the kernel
  // route being removed with it).
  if (last_local) {
    uint32_t after = dp::kNhNone;
    if (const Rib::Route* r = rib_.Find(host); r != nullptr && !(kp_nh && *it->kernel_route == host))
      after = r->nh_id;
    ops.push_back({host, after, dp::kNhLocal});
  }
  if (kp_nh && *it->kernel_route != host)
    ops.push_back({*it->kernel_route,
                   rib_.IsLocalHost(*it->kernel_route) ? dp::kNhLocal : dp::kNhNone,
                   rib_.Desired(*it->kernel_route)});
  if (absl::Status s = rib_.ApplyFib(ops); !s.ok()) return s;
  rib_.RemoveLocalHost(host);
  if (kp_nh) rib_.Erase(*it->kernel_route);
  const IfRef changed = it->dev;
  addrs_.erase(it);
  Changed(changed);
  return absl::OkStatus();
}

bool Addresses::OnConnectedNetwork(uint16_t port, const IpAddr& a) const {
  for (const Address& addr : addrs_)
    if (addr.dev.kind == IfKind::kPort && addr.dev.id == port && addr.kernel_route &&
        addr.kernel_route->Contains(a))
      return true;
  return false;
}

std::optional<IfRef> Addresses::ConnectedPortFor(const IpAddr& a) const {
  for (const Address& addr : addrs_)
    if (addr.dev.kind == IfKind::kPort && addr.kernel_route && addr.kernel_route->Contains(a))
      return addr.dev;
  return std::nullopt;
}

void Addresses::ForgetKernelRoute(const IpPrefix& p) {
  for (Address& a : addrs_)
    if (a.kernel_route == p) a.kernel_route.reset();
}

std::optional<IpAddr> Addresses::FirstOn(const IfRef& dev, uint8_t family) const {
  for (const Address& a : addrs_)
    if (a.dev == dev && a.local.addr.family == family) return a.local.addr;
  return std::nullopt;
}

std::optional<IpAddr> Addresses::SourceFor(uint16_t port, const IpAddr& target) const {
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

std::vector<IpPrefix> Addresses::HostsOn(const IfRef& dev) const {
  std::vector<IpPrefix> v;
  for (const Address& a : addrs_)
    if (a.dev == dev) v.push_back(HostPrefix(a.local.addr));
  return v;
}

void Addresses::ForgetDevice(const IfRef& dev) {
  addrs_.erase(std::remove_if(addrs_.begin(), addrs_.end(),
                              [&](const Address& a) { return a.dev == dev; }),
               addrs_.end());
}

void Addresses::PublishSources() {
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
}

void Addresses::Changed(const IfRef& dev) {
  PublishSources();
  if (dev.kind == IfKind::kTunnel) tunnels_.AddressesChanged(dev.id);
}

std::vector<Addresses::View> Addresses::Views() const {
  std::vector<View> v;
  for (const Address& a : addrs_) v.push_back({a.local, a.peer, ifs_.Name(a.dev), a.kernel_route});
  return v;
}

void Addresses::AppendConfig(std::string* out,
                             absl::flat_hash_map<IpPrefix, bool>* connected) const {
  for (const Address& a : addrs_) {
    absl::StrAppend(out, "addr add ", PrefixText(a.local));
    if (a.peer) absl::StrAppend(out, " peer ", PrefixText(*a.peer));
    absl::StrAppend(out, " dev ", ifs_.Name(a.dev), "\n");
    std::optional<IpPrefix> would;
    if (a.peer) {
      would = a.peer->Masked();
    } else if (a.local.len < a.local.addr.max_len()) {
      would = a.local.Masked();
    }
    if (!would) continue;
    if (a.kernel_route) {
      (*connected)[*would] = true;
    } else if (!rib_.Contains(*would) && !connected->contains(*would)) {
      // The user deleted the connected route this address made; delete it again.
      absl::StrAppend(out, "route del ", PrefixText(*would), "\n");
    } else {
      (*connected)[*would] = true;
    }
  }
}

}  // namespace gw::ctl
