#include "tunnel/control/tunnels.h"

#include <algorithm>
#include <array>
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
    case TunnelMode::kIpip6:
      return dp::kCarryIpv4;
    case TunnelMode::kSit:
    case TunnelMode::kIp6ip6:
      return dp::kCarryIpv6;
    case TunnelMode::kAny:
    case TunnelMode::kAny6:
      return dp::kCarryIpv4 | dp::kCarryIpv6;
  }
  return 0;
}

constexpr uint16_t kDefaultMtu = 1500;    // an unbound tunnel's underlay, as Linux assumes
constexpr uint16_t kIpv6MinMtu = 1280;    // an ip6tnl device's least MTU (Linux ip6_tnl_link_config)
constexpr uint8_t kIp6DefaultHopLimit = 64;  // iproute2's DEFAULT_TNL_HOP_LIMIT
constexpr int kIp6DefaultEncapLimit = 4;     // IPV6_DEFAULT_TNL_ENCAP_LIMIT

// `mode any` over IPv6 addresses is ip6tnl's any (as `ip -6 tunnel add ... mode any`).
TunnelMode Resolve(TunnelMode m, const Tunnel& t) {
  if (m == TunnelMode::kAny && (t.local.family == 6 || t.remote.family == 6))
    return TunnelMode::kAny6;
  return m;
}

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
  // IPv6: the template holds only the fixed traffic class and hop limit; the addresses and the
  // encapsulation limit are the record's own (tunnel/datapath/outer6.h).
  if (t.family() == 6) {
    r->outer6 = true;
    r->pmtudisc = true;  // (no DF in IPv6: never fragmented on the way)
    r->local6 = t.local.b;
    r->remote6 = t.remote.b;
    r->encap_limit = static_cast<int16_t>(t.encap_limit);
    r->BuildTemplate(0, 0, t.tos < 0 ? 0 : static_cast<uint8_t>(t.tos));
  } else {
    r->BuildTemplate(t.local.v4_be(), t.remote.is_any() ? 0 : t.remote.v4_be(),
                     t.tos < 0 ? 0 : static_cast<uint8_t>(t.tos));
  }
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

dp::PeerKey6 Tunnels::PeerKey6Of(const Tunnel& t) {
  dp::PeerKey6 k{};
  std::memcpy(k.remote, t.remote.b.data(), 16);
  std::memcpy(k.local, t.local.b.data(), 16);
  return k;
}

absl::Status Tunnels::SetPeer(const Tunnel& t) {
  if (t.family() == 6) return t_.peers6.Set(PeerKey6Of(t), t.id);
  return t_.peers.Set(PeerKeyOf(t), t.id);
}

void Tunnels::DeletePeer(const Tunnel& t) {
  if (t.family() == 6) {
    (void)t_.peers6.Delete(PeerKey6Of(t));
  } else {
    (void)t_.peers.Delete(PeerKeyOf(t));
  }
}

uint16_t Tunnels::DefaultMtu(const Tunnel& t) const {
  const uint16_t under = t.dev ? t_.ports[*t.dev].mtu.load() : kDefaultMtu;
  const int mtu = under - t.Overhead();
  if (t.family() == 6) return static_cast<uint16_t>(std::max<int>(mtu, kIpv6MinMtu));
  return static_cast<uint16_t>(mtu);
}

// `encaplimit` given for a tunnel over IPv4.
static absl::Status EncapLimitOverIpv4(const TunnelOptions& o, const Tunnel& t) {
  if (!o.encap_limit || t.family() == 6) return absl::OkStatus();
  return InvalidArgumentError(StrCat("\"encaplimit\" is for tunnels over IPv6: mode ",
                                     TunnelModeName(t.mode), " is over IPv4"));
}

absl::Status Tunnels::Validate(const Tunnel& t, const std::string* replacing) const {
  const uint8_t family = t.family();
  const absl::string_view mode = TunnelModeName(t.mode);
  const char* other = family == 6 ? "IPv4" : "IPv6";
  const char* alternatives = family == 6 ? " (over IPv4: ipip, sit, any)"
                                         : " (over IPv6: mode ip6ip6, ipip6, any)";
  if (t.local.family == 0)
    return InvalidArgumentError(StrCat("tunnel needs \"local ADDRESS\" (", family == 6 ? "IPv6" : "IPv4", ")"));
  if (t.local.family != family)
    return InvalidArgumentError(StrCat("local ", Quote(t.local.ToString()), " is ", other,
                                       ": mode ", mode, " is over IPv", family, alternatives));
  if (!t.remote.is_any() && t.remote.family != family)
    return InvalidArgumentError(StrCat("remote ", Quote(t.remote.ToString()), " is ", other,
                                       ": mode ", mode, " is over IPv", family, alternatives));
  if (family == 6) {
    static constexpr std::array<uint8_t, 16> kUnspecified{};
    if (t.remote.is_any() || t.remote.b == kUnspecified)
      return InvalidArgumentError(StrCat("\"remote any\" is not supported for mode ", mode,
                                         " (IPv6 underlay): give the remote address"));
    if (!t.pmtudisc)
      return InvalidArgumentError(
          StrCat("\"nopmtudisc\" is for tunnels over IPv4: mode ", mode,
                 " never fragments the outer packet"));
  }
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
  t.remote = o.remote.value_or(IpAddr{});
  if (o.local) t.local = *o.local;
  // Without a mode: ipip, or over IPv6 addresses ip6ip6 (`ip -6 tunnel add`'s default).
  const bool v6 = t.local.family == 6 || t.remote.family == 6;
  t.mode = Resolve(o.mode.value_or(v6 ? TunnelMode::kIp6ip6 : TunnelMode::kIpip), t);
  // ip6tnl's defaults (iproute2 ip6tunnel.c): hop limit 64, encapsulation limit 4; ipip's: ttl
  // inherit.
  t.ttl = o.ttl.value_or(t.family() == 6 ? kIp6DefaultHopLimit : 0);
  t.tos = o.tos.value_or(0);
  t.pmtudisc = o.pmtudisc.value_or(true);
  t.encap_limit = o.encap_limit.value_or(kIp6DefaultEncapLimit);
  if (o.dev) {
    auto port = ifs_.FindPort(*o.dev, "tunnel dev");
    if (!port.ok()) return port.status();
    t.dev = *port;
  }
  if (absl::Status s = EncapLimitOverIpv4(o, t); !s.ok()) return s;
  if (absl::Status s = Validate(t, nullptr); !s.ok()) return s;
  t.mtu = DefaultMtu(t);

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
  // The record goes in before the peer entry that leads packets to it.
  t_.tunnels.Publish(BuildRec(t));
  if (absl::Status s = SetPeer(t); !s.ok()) {
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
  if (o.remote) t.remote = *o.remote;
  if (o.local) t.local = *o.local;
  if (o.mode) t.mode = Resolve(*o.mode, t);
  if (o.ttl) t.ttl = *o.ttl;
  if (o.tos) t.tos = *o.tos;
  if (o.pmtudisc) t.pmtudisc = *o.pmtudisc;
  if (o.encap_limit) t.encap_limit = *o.encap_limit;
  if (t.family() != old.family())
    return InvalidArgumentError(StrCat("tunnel ", Quote(c.name), " is over IPv", old.family(),
                                       ": mode ", TunnelModeName(t.mode), " is over IPv",
                                       t.family(), " (delete the tunnel and add it again)"));
  bool new_dev = false;
  if (o.dev) {
    auto port = ifs_.FindPort(*o.dev, "tunnel dev");
    if (!port.ok()) return port.status();
    t.dev = *port;
    new_dev = true;
  }
  if (absl::Status s = EncapLimitOverIpv4(o, t); !s.ok()) return s;
  if (absl::Status s = Validate(t, &c.name); !s.ok()) return s;
  // As Linux (ip_tunnel_bind_dev, ip6_tnl_link_config): a new underlay device, or a new outer
  // header size, gives a new default MTU.
  if (!t.mtu_explicit && (new_dev || t.Overhead() != old.Overhead())) t.mtu = DefaultMtu(t);

  const bool rekey = old.key() != t.key();
  if (rekey) {
    if (absl::Status s = SetPeer(t); !s.ok())
      return absl::ResourceExhaustedError("peer table full (raise --tunnels)");
  }
  // New endpoints, a new path: what was learned about the old one goes (Linux keeps it per
  // remote, in the route to it).
  if (old.key() != t.key()) ForgetPathMtus(t);
  // One pointer store: a packet sees the old tunnel or the new one.
  t_.tunnels.Publish(BuildRec(t));
  if (rekey) {
    DeletePeer(old);
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
  DeletePeer(t);
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
    const uint32_t lo = t.mode == TunnelMode::kIp6ip6 ? kIpv6MinMtu : 68;
    const uint32_t hi = 65535u - t.Overhead();
    if (*c.mtu > hi || *c.mtu < lo)
      return InvalidArgumentError(
          StrCat("bad mtu \"", *c.mtu, "\" for a tunnel (", lo, "..", hi, ")"));
    t.mtu = static_cast<uint16_t>(*c.mtu);
    t.mtu_explicit = true;
  }
  if (c.up) t.up = *c.up;
  Publish(t);
  tunnels_[name] = t;
  return absl::OkStatus();
}

}  // namespace gw::ctl
