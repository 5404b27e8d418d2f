#include "tunnel/control/tunnels.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "control/addresses.h"

namespace gw::ctl {
namespace {

using absl::AlreadyExistsError;
using absl::InvalidArgumentError;
using absl::NotFoundError;
using absl::StrCat;

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
constexpr uint16_t kDefaultMtu = 1500;    // an unbound tunnel's underlay, as Linux assumes

}  // namespace

const Tunnel* Tunnels::Find(absl::string_view name) const {
  auto it = tunnels_.find(name);
  return it == tunnels_.end() ? nullptr : &it->second;
}

const Tunnel* Tunnels::FindId(uint32_t id) const {
  auto it = names_.find(id);
  return it == names_.end() ? nullptr : Find(it->second);
}

std::vector<const Tunnel*> Tunnels::Sorted() const {
  std::vector<const Tunnel*> v;
  v.reserve(tunnels_.size());
  for (const auto& [name, t] : tunnels_) v.push_back(&t);
  std::sort(v.begin(), v.end(), [](const Tunnel* a, const Tunnel* b) { return a->id < b->id; });
  return v;
}

dp::TunnelCounters Tunnels::CountersOf(const Tunnel& t) const {
  dp::TunnelCounters c;
  if (!counters_) return c;
  c = counters_(t.id);
  c.encap_packets -= t.base.encap_packets;
  c.encap_bytes -= t.base.encap_bytes;
  c.decap_packets -= t.base.decap_packets;
  c.decap_bytes -= t.base.decap_bytes;
  return c;
}

std::unique_ptr<dp::TunnelRec> Tunnels::BuildRec(const Tunnel& t) const {
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
  PathMtuFields(t, r.get());
  // The outer header template of the tunnel's family (IPv4: tunnel_table.h's BuildTemplate).
  r->BuildTemplate(t.local.v4_be(), t.remote.is_any() ? 0 : t.remote.v4_be(),
                   t.tos < 0 ? 0 : static_cast<uint8_t>(t.tos));
  const IfRef dev{IfKind::kTunnel, t.id};
  if (auto a = addrs_.FirstOn(dev, 4)) r->src4_be = a->v4_be();
  if (auto a = addrs_.FirstOn(dev, 6)) r->src6 = a->b;
  return r;
}

void Tunnels::Publish(const Tunnel& t) {
  t_.tunnels.Publish(BuildRec(t));
  t_.tunnels.Reclaim();
}

void Tunnels::AddressesChanged(uint32_t id) {
  const Tunnel* t = FindId(id);
  if (t != nullptr && t_.tunnels.Get(id) != nullptr) Publish(*t);
}

dp::PeerKey Tunnels::PeerKeyOf(const Tunnel& t) {
  return dp::PeerKey{t.remote.is_any() ? 0 : t.remote.v4_be(), t.local.v4_be()};
}

absl::Status Tunnels::Validate(const Tunnel& t, const std::string* replacing) const {
  if (t.local.family != 4) return InvalidArgumentError("tunnel needs \"local ADDRESS\" (IPv4)");
  if (!t.pmtudisc && t.ttl != 0)
    return InvalidArgumentError("\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
  if (auto it = by_key_.find(t.key());
      it != by_key_.end() && (replacing == nullptr || it->second != *replacing))
    return AlreadyExistsError(StrCat("tunnel ", Quote(it->second), " already has remote ",
                                     t.remote.ToString(), " local ", t.local.ToString()));
  return absl::OkStatus();
}

absl::Status Tunnels::Add(const Command& c) {
  if (tunnels_.contains(c.name))
    return AlreadyExistsError(StrCat("tunnel ", Quote(c.name), " already exists"));
  if (ifs_.IsPortName(c.name))
    return AlreadyExistsError(StrCat("name ", Quote(c.name), " is a port"));
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
    auto port = ifs_.FindPort(*o.dev, "tunnel dev");
    if (!port.ok()) return port.status();
    t.dev = *port;
    under_mtu = t_.ports[*port].mtu.load();
  }
  t.mtu = static_cast<uint16_t>(under_mtu - kTunnelOverhead);
  if (absl::Status s = Validate(t, nullptr); !s.ok()) return s;

  uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
  } else if (next_id_ < t_.tunnels.capacity()) {
    id = next_id_;
  } else {
    return absl::ResourceExhaustedError(
        StrCat("tunnel table full (", t_.tunnels.capacity(), "; raise --tunnels)"));
  }
  t.id = id;
  const dp::PeerKey key = PeerKeyOf(t);
  // The record goes in before the peer entry that leads packets to it.
  t_.tunnels.Publish(BuildRec(t));
  if (absl::Status s = t_.peers.Set(key, id); !s.ok()) {
    t_.tunnels.Remove(id);
    t_.tunnels.Reclaim();
    return absl::ResourceExhaustedError(
        StrCat("peer table full (", t_.sizes.tunnels, "; raise --tunnels)"));
  }
  if (!free_ids_.empty()) {
    free_ids_.pop_back();
  } else {
    ++next_id_;
  }
  t_.peer_gen.fetch_add(1, std::memory_order_release);  // (any, local) may have been cached
  by_key_.emplace(t.key(), c.name);
  names_[id] = c.name;
  if (counters_) t.base = counters_(id);
  tunnels_.emplace(c.name, std::move(t));
  return absl::OkStatus();
}

absl::Status Tunnels::Change(const Command& c) {
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
    auto port = ifs_.FindPort(*o.dev, "tunnel dev");
    if (!port.ok()) return port.status();
    t.dev = *port;
    // As Linux (ip_tunnel_bind_dev): a new underlay device gives a new default MTU.
    if (!t.mtu_explicit) t.mtu = static_cast<uint16_t>(t_.ports[*port].mtu.load() - kTunnelOverhead);
  }
  if (absl::Status s = Validate(t, &c.name); !s.ok()) return s;

  const dp::PeerKey old_key = PeerKeyOf(old);
  const dp::PeerKey new_key = PeerKeyOf(t);
  const bool rekey = std::memcmp(&old_key, &new_key, sizeof(old_key)) != 0;
  if (rekey) {
    if (absl::Status s = t_.peers.Set(new_key, t.id); !s.ok())
      return absl::ResourceExhaustedError("peer table full (raise --tunnels)");
  }
  // New endpoints, a new path: what was learned about the old one goes (Linux keeps it per
  // remote, in the route to it).
  if (old.key() != t.key()) ForgetPathMtus(t);
  // One pointer store: a packet sees the old tunnel or the new one.
  t_.tunnels.Publish(BuildRec(t));
  if (rekey) {
    (void)t_.peers.Delete(old_key);
    t_.peer_gen.fetch_add(1, std::memory_order_release);
  }
  if (old.key() != t.key()) {
    by_key_.erase(old.key());
    by_key_.emplace(t.key(), c.name);
  }
  t_.tunnels.Reclaim();
  it->second = std::move(t);
  return absl::OkStatus();
}

absl::Status Tunnels::Del(const Command& c,
                          const std::function<absl::Status(const IfRef&)>& gone) {
  auto it = tunnels_.find(c.name);
  if (it == tunnels_.end()) return NotFoundError(StrCat("unknown tunnel ", Quote(c.name)));
  Tunnel& t = it->second;
  // Once this returns no worker can route into the tunnel any more.
  if (absl::Status s = gone(IfRef{IfKind::kTunnel, t.id}); !s.ok()) return s;

  ForgetPathMtus(t);
  (void)t_.peers.Delete(PeerKeyOf(t));
  t_.peer_gen.fetch_add(1, std::memory_order_release);
  by_key_.erase(t.key());
  t_.tunnels.Remove(t.id);
  addrs_.PublishSources();  // its addresses went with it
  t_.tunnels.Barrier();     // after this no worker holds the record or the id
  free_ids_.push_back(t.id);
  names_.erase(t.id);
  tunnels_.erase(it);
  return absl::OkStatus();
}

absl::Status Tunnels::LinkSet(const std::string& name, const Command& c) {
  Tunnel t = tunnels_.at(name);
  if (c.mtu) {
    if (*c.mtu > 65535 - kTunnelOverhead)
      return InvalidArgumentError(StrCat("bad mtu \"", *c.mtu, "\" for a tunnel (68..",
                                         65535 - kTunnelOverhead, ")"));
    t.mtu = static_cast<uint16_t>(*c.mtu);
    t.mtu_explicit = true;
  }
  if (c.up) t.up = *c.up;
  Publish(t);
  tunnels_[name] = t;
  return absl::OkStatus();
}

}  // namespace gw::ctl
