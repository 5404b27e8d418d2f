// The read side of Gateway: what `gwctl ... show` and `config show` print.
#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "control/gateway.h"

namespace gw::ctl {
namespace {

bool PrefixLess(const IpPrefix& a, const IpPrefix& b) {
  if (a.addr.family != b.addr.family) return a.addr.family < b.addr.family;
  if (a.addr.b != b.addr.b) return a.addr.b < b.addr.b;
  return a.len < b.len;
}


}  // namespace

dp::TunnelCounters Gateway::TunnelCountersOf(const Tunnel& t) const {
  dp::TunnelCounters c;
  if (!tunnel_counters_) return c;
  c = tunnel_counters_(t.id);
  c.encap_packets -= t.base.encap_packets;
  c.encap_bytes -= t.base.encap_bytes;
  c.decap_packets -= t.base.decap_packets;
  c.decap_bytes -= t.base.decap_bytes;
  return c;
}

std::vector<const Gateway::Tunnel*> Gateway::SortedTunnels() const {
  std::vector<const Tunnel*> v;
  v.reserve(tunnels_.size());
  for (const auto& [name, t] : tunnels_) v.push_back(&t);
  std::sort(v.begin(), v.end(), [](const Tunnel* a, const Tunnel* b) { return a->id < b->id; });
  return v;
}

std::vector<Gateway::LinkView> Gateway::Links() const {
  std::vector<LinkView> v;
  for (const PortRef& p : ports_) {
    const dp::PortState& ps = t_.ports[p.id];
    std::array<uint8_t, 6> mac;
    std::copy(std::begin(ps.mac.addr_bytes), std::end(ps.mac.addr_bytes), mac.begin());
    v.push_back({p.name, false, MacToString(mac), ps.mtu.load(), ps.up.load()});
  }
  for (const Tunnel* t : SortedTunnels()) v.push_back({t->name, true, "", t->mtu, t->up});
  return v;
}

std::vector<Gateway::AddressView> Gateway::Addresses() const {
  std::vector<AddressView> v;
  for (const Address& a : addrs_) v.push_back({a.local, a.peer, IfName(a.dev)});
  return v;
}

std::vector<Gateway::RouteView> Gateway::Routes() const {
  std::vector<std::pair<IpPrefix, const Route*>> sorted;
  sorted.reserve(rib_.size());
  for (const auto& [p, r] : rib_) sorted.push_back({p, &r});
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return PrefixLess(a.first, b.first); });
  std::vector<RouteView> v;
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
      onlink = !OnConnectedNetwork(r->nh.port, via);
    }
    RouteView rv{p, "", std::nullopt, r->kernel, onlink};
    if (r->nh.kind == dp::NhKind::kPort) {
      rv.dev = IfName({IfKind::kPort, r->nh.port});
    } else {
      rv.dev = IfName({IfKind::kTunnel, r->nh.tunnel});
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

std::vector<Gateway::NeighView> Gateway::Neighbours() const {
  std::vector<NeighView> v;
  for (const auto& [key, mac] : neigh_) v.push_back({key.second, mac, IfName({IfKind::kPort, key.first})});
  std::sort(v.begin(), v.end(), [](const NeighView& a, const NeighView& b) {
    if (a.dev != b.dev) return a.dev < b.dev;
    return PrefixLess({a.addr, a.addr.max_len()}, {b.addr, b.addr.max_len()});
  });
  return v;
}

std::string Gateway::ConfigText() const {
  std::string out = "# gatewayd running configuration\n";
  // Ports first: a tunnel's default MTU comes from its port's.
  for (const PortRef& p : ports_) {
    const dp::PortState& ps = t_.ports[p.id];
    if (ps.mtu.load() != initial_port_mtu_.at(p.id))
      absl::StrAppend(&out, "link set ", p.name, " mtu ", ps.mtu.load(), "\n");
    if (!ps.up.load()) absl::StrAppend(&out, "link set ", p.name, " down\n");
  }
  for (const Tunnel* t : SortedTunnels()) {
    absl::StrAppend(&out, "tunnel add ", t->name, " mode ", TunnelModeName(t->mode), " remote ",
                    t->remote.ToString(), " local ", t->local.ToString(), " ttl ",
                    t->ttl == 0 ? "inherit" : absl::StrCat(t->ttl), " tos ",
                    t->tos < 0 ? "inherit" : absl::StrCat("0x", absl::Hex(t->tos, absl::kZeroPad2)));
    if (t->dev) absl::StrAppend(&out, " dev ", IfName({IfKind::kPort, *t->dev}));
    absl::StrAppend(&out, t->pmtudisc ? " pmtudisc" : " nopmtudisc", "\n");
    const uint16_t default_mtu = static_cast<uint16_t>(
        (t->dev ? t_.ports[*t->dev].mtu.load() : uint16_t{1500}) - 20);
    if (t->mtu_explicit || t->mtu != default_mtu)
      absl::StrAppend(&out, "link set ", t->name, " mtu ", t->mtu, "\n");
    if (t->up) absl::StrAppend(&out, "link set ", t->name, " up\n");
  }
  absl::flat_hash_map<IpPrefix, bool> connected;  // prefixes an `addr add` will make
  for (const Address& a : addrs_) {
    absl::StrAppend(&out, "addr add ", PrefixText(a.local));
    if (a.peer) absl::StrAppend(&out, " peer ", PrefixText(*a.peer));
    absl::StrAppend(&out, " dev ", IfName(a.dev), "\n");
    std::optional<IpPrefix> would;
    if (a.peer) {
      would = a.peer->Masked();
    } else if (a.local.len < a.local.addr.max_len()) {
      would = a.local.Masked();
    }
    if (!would) continue;
    if (a.kernel_route) {
      connected[*would] = true;
    } else if (!rib_.contains(*would) && !connected.contains(*would)) {
      // The user deleted the connected route this address made; delete it again.
      absl::StrAppend(&out, "route del ", PrefixText(*would), "\n");
    } else {
      connected[*would] = true;
    }
  }
  for (const RouteView& r : Routes()) {
    if (r.kernel) continue;
    absl::StrAppend(&out, connected.contains(r.prefix) ? "route replace " : "route add ",
                    r.prefix.ToString());
    if (r.via) absl::StrAppend(&out, " via ", r.via->ToString());
    absl::StrAppend(&out, " dev ", r.dev, r.onlink ? " onlink" : "", "\n");
  }
  for (const NeighView& n : Neighbours())
    absl::StrAppend(&out, "neigh add ", n.addr.ToString(), " lladdr ", MacToString(n.lladdr),
                    " dev ", n.dev, "\n");
  return out;
}

}  // namespace gw::ctl
