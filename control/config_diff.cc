#include "control/config_diff.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "control/rib.h"

namespace gw::ctl {
namespace {

using absl::StrCat;
using Model = ConfigModel;

std::string TunnelTtl(uint8_t ttl) { return ttl == 0 ? "inherit" : StrCat(ttl); }
std::string TunnelTos(int tos) {
  return tos < 0 ? "inherit" : StrCat("0x", absl::Hex(tos, absl::kZeroPad2));
}

template <typename Map>
std::vector<typename Map::key_type> SortedKeys(const Map& m) {
  std::vector<typename Map::key_type> v;
  v.reserve(m.size());
  for (const auto& kv : m) v.push_back(kv.first);
  return v;
}

std::vector<IpPrefix> SortedPrefixes(const absl::flat_hash_map<IpPrefix, Model::Route>& routes) {
  std::vector<IpPrefix> v = SortedKeys(routes);
  std::sort(v.begin(), v.end(), PrefixLess);
  return v;
}

std::vector<Model::NeighKey> SortedNeighbours(const absl::flat_hash_map<Model::NeighKey, Model::Neigh>& n) {
  std::vector<Model::NeighKey> v = SortedKeys(n);
  std::sort(v.begin(), v.end(), [](const Model::NeighKey& a, const Model::NeighKey& b) {
    if (a.first != b.first) return a.first < b.first;
    return PrefixLess({a.second, a.second.max_len()}, {b.second, b.second.max_len()});
  });
  return v;
}

class Differ {
 public:
  Differ(const Model& from, const Model& to, bool readd_all)
      : sim_(from), to_(to), readd_all_(readd_all) {}

  absl::Status Run() {
    if (absl::Status s = PlanTunnels(); !s.ok()) return s;
    if (absl::Status s = DeleteNeighbours(); !s.ok()) return s;
    if (absl::Status s = DeleteTunnels(); !s.ok()) return s;
    if (absl::Status s = DeleteAddresses(); !s.ok()) return s;
    if (absl::Status s = DeleteRoutes(); !s.ok()) return s;
    if (absl::Status s = SetPorts(); !s.ok()) return s;
    if (absl::Status s = AddTunnels(); !s.ok()) return s;
    if (absl::Status s = AddAddresses(); !s.ok()) return s;
    if (absl::Status s = AddRoutes(); !s.ok()) return s;
    return AddNeighbours();
  }
  const Model& result() const { return sim_; }
  ConfigDiff Take() { return std::move(out_); }

 private:
  // One command: parsed as any line is, replayed on the copy, recorded.
  absl::Status Emit(const std::string& text, size_t line) {
    absl::StatusOr<Command> c = ParseCommand(Tokenize(text));
    if (!c.ok())
      return absl::InternalError(StrCat("the difference holds a bad command \"", text, "\": ",
                                        c.status().message()));
    if (absl::Status s = sim_.Apply(*c); !s.ok())
      return absl::InternalError(
          StrCat("the difference does not apply: \"", text, "\": ", s.message()));
    DiffCommand d{text, *std::move(c), line, DiffCommand::Kind::kChanged};
    switch (d.command.verb) {
      case Verb::kTunnelAdd:
      case Verb::kAddrAdd:
      case Verb::kRouteAdd:
      case Verb::kNeighAdd:
        d.kind = DiffCommand::Kind::kAdded;
        ++out_.added;
        break;
      case Verb::kTunnelDel:
      case Verb::kAddrDel:
      case Verb::kRouteDel:
      case Verb::kNeighDel:
        d.kind = DiffCommand::Kind::kRemoved;
        ++out_.removed;
        break;
      default:
        ++out_.changed;
    }
    out_.commands.push_back(std::move(d));
    return absl::OkStatus();
  }

  size_t RouteDelLine(const IpPrefix& p, size_t otherwise = 0) const {
    auto it = to_.route_del_lines.find(p);
    return it == to_.route_del_lines.end() ? otherwise : it->second;
  }

  // Which tunnels are deleted and added again, and the order of the adds and changes: a tunnel
  // may take the endpoints of another only once that one has moved off them.
  absl::Status PlanTunnels() {
    for (const auto& [name, t] : to_.SortedTunnels()) {
      const Model::Tunnel* s = sim_.FindTunnel(*name);
      if (s == nullptr) continue;
      // `tunnel change` cannot remove a dev, and only `tunnel add` makes an MTU derived again.
      if ((s->dev && !t->dev) || (s->mtu_explicit && !to_.MtuPinned(*t))) recreate_.insert(*name);
    }
    absl::flat_hash_map<std::pair<IpAddr, IpAddr>, std::string> holder;
    absl::flat_hash_map<std::string, std::pair<IpAddr, IpAddr>> held;
    for (const auto& [name, s] : sim_.tunnels)
      if (to_.tunnels.contains(name) && !recreate_.contains(name)) {
        holder[Model::TunnelKey(s)] = name;
        held[name] = Model::TunnelKey(s);
      }
    std::vector<std::string> pending;
    for (const auto& [name, t] : to_.SortedTunnels()) pending.push_back(*name);
    while (!pending.empty()) {
      std::vector<std::string> rest;
      for (const std::string& name : pending) {
        const auto key = Model::TunnelKey(to_.tunnels.at(name));
        auto h = holder.find(key);
        if (h != holder.end() && h->second != name) {
          rest.push_back(name);
          continue;
        }
        if (auto k = held.find(name); k != held.end()) holder.erase(k->second);
        holder[key] = name;
        held[name] = key;
        tunnel_order_.push_back(name);
      }
      if (rest.size() == pending.size()) {
        // Tunnels that swap endpoints: the first of them is deleted and added again.
        auto it = std::find_if(rest.begin(), rest.end(),
                               [&](const std::string& n) { return held.contains(n); });
        if (it == rest.end()) return absl::InternalError("tunnel endpoints: no order found");
        recreate_.insert(*it);
        holder.erase(held.at(*it));
        held.erase(*it);
      }
      pending = std::move(rest);
    }
    return absl::OkStatus();
  }

  absl::Status DeleteNeighbours() {
    for (const Model::NeighKey& k : SortedNeighbours(sim_.neighbours))
      if (!to_.neighbours.contains(k))
        if (absl::Status s = Emit(StrCat("neigh del ", k.second.ToString(), " dev ", k.first), 0);
            !s.ok())
          return s;
    return absl::OkStatus();
  }

  absl::Status DeleteTunnels() {
    std::vector<std::string> names;
    for (const auto& [name, t] : sim_.SortedTunnels())
      if (!to_.tunnels.contains(*name) || recreate_.contains(*name)) names.push_back(*name);
    for (const std::string& n : names) {
      const Model::Tunnel* t = to_.FindTunnel(n);
      if (absl::Status s = Emit(StrCat("tunnel del ", n), t != nullptr ? t->line : 0); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // Whether a kept address keeps the connected route the target's address made (or did not).
  bool SameConnectedRoute(const Model::Address& s, const Model::Address& t,
                          const absl::flat_hash_map<IpPrefix, int>& makers) const {
    const std::optional<IpPrefix> sl = sim_.LiveKernelRoute(s);
    const std::optional<IpPrefix> tl = to_.LiveKernelRoute(t);
    if (sl != tl) return false;
    if (!tl) return !s.kernel_route;  // a record of a route that is gone could come back to life
    const Model::Route& tr = to_.routes.at(*tl);
    const Model::Route& sr = sim_.routes.at(*tl);
    if (!tr.kernel) return true;  // replaced in the target: `route replace` keeps the record
    // Kept as it is, and no other address's `addr del` may take it.
    return sr.kernel && sr.dev == tr.dev && makers.at(*tl) == 1;
  }

  // Keeps the longest run of the target's addresses, from its first, that the running gateway
  // has in the same order with the same connected routes; deletes the rest.
  absl::Status DeleteAddresses() {
    const std::vector<Model::Address>& s = sim_.addresses;
    const std::vector<Model::Address>& t = to_.addresses;
    absl::flat_hash_map<IpAddr, size_t> index;
    absl::flat_hash_map<IpPrefix, int> makers;
    for (size_t i = 0; i < s.size(); ++i) {
      index[s[i].local.addr] = i;
      if (s[i].kernel_route) ++makers[*s[i].kernel_route];
    }
    std::vector<bool> keep(s.size(), false);
    kept_ = 0;
    size_t next = 0;  // kept ones keep their order: indexes into `s` only grow
    if (!readd_all_) {
      for (; kept_ < t.size(); ++kept_) {
        auto it = index.find(t[kept_].local.addr);
        if (it == index.end() || it->second < next) break;
        const Model::Address& a = s[it->second];
        if (a.local != t[kept_].local || a.peer != t[kept_].peer || a.dev != t[kept_].dev) break;
        if (!SameConnectedRoute(a, t[kept_], makers)) break;
        keep[it->second] = true;
        next = it->second + 1;
      }
    }
    absl::flat_hash_map<IpAddr, size_t> target_line;
    for (const Model::Address& a : t) target_line[a.local.addr] = a.line;
    std::vector<std::pair<std::string, size_t>> dels;  // (the copy's list shrinks as they apply)
    for (size_t i = 0; i < s.size(); ++i) {
      if (keep[i]) continue;
      auto l = target_line.find(s[i].local.addr);
      dels.push_back({StrCat("addr del ", PrefixText(s[i].local), " dev ", s[i].dev),
                      l == target_line.end() ? 0 : l->second});
    }
    for (const auto& [text, line] : dels)
      if (absl::Status st = Emit(text, line); !st.ok()) return st;
    return absl::OkStatus();
  }

  // Routes the target has not, and connected routes it has that an address must make again.
  absl::Status DeleteRoutes() {
    for (const IpPrefix& p : SortedPrefixes(sim_.routes)) {
      auto t = to_.routes.find(p);
      size_t line;
      if (t == to_.routes.end()) {
        line = RouteDelLine(p);
      } else if (t->second.kernel) {
        const Model::Route& s = sim_.routes.at(p);
        if (s.kernel && s.dev == t->second.dev) continue;
        line = t->second.line;
      } else {
        continue;  // replaced later
      }
      if (absl::Status s = Emit(StrCat("route del ", p.ToString()), line); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status SetPorts() {
    for (const Model::Port& t : to_.ports) {
      const Model::Port* s = sim_.FindPort(t.name);
      if (s == nullptr) return absl::InternalError(StrCat("no port ", t.name));
      std::string words;
      if (s->mtu != t.mtu) absl::StrAppend(&words, " mtu ", t.mtu);
      if (s->up != t.up) absl::StrAppend(&words, t.up ? " up" : " down");
      if (!words.empty())
        if (absl::Status st = Emit(StrCat("link set ", t.name, words), t.line); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  absl::Status AddTunnels() {
    for (const std::string& name : tunnel_order_) {
      const Model::Tunnel& t = to_.tunnels.at(name);
      const bool pinned = to_.MtuPinned(t);
      const Model::Tunnel* s = sim_.FindTunnel(name);
      if (s == nullptr) {
        std::string text = StrCat("tunnel add ", name, " mode ", TunnelModeName(t.mode), " remote ",
                                  t.remote.ToString(), " local ", t.local.ToString(), " ttl ",
                                  TunnelTtl(t.ttl), " tos ", TunnelTos(t.tos));
        if (t.dev) absl::StrAppend(&text, " dev ", *t.dev);
        absl::StrAppend(&text, t.pmtudisc ? " pmtudisc" : " nopmtudisc");
        if (absl::Status st = Emit(text, t.line); !st.ok()) return st;
      } else {
        std::string words;
        if (s->mode != t.mode) absl::StrAppend(&words, " mode ", TunnelModeName(t.mode));
        if (s->remote != t.remote) absl::StrAppend(&words, " remote ", t.remote.ToString());
        if (s->local != t.local) absl::StrAppend(&words, " local ", t.local.ToString());
        if (s->ttl != t.ttl) absl::StrAppend(&words, " ttl ", TunnelTtl(t.ttl));
        if (s->tos != t.tos) absl::StrAppend(&words, " tos ", TunnelTos(t.tos));
        if (s->pmtudisc != t.pmtudisc) absl::StrAppend(&words, t.pmtudisc ? " pmtudisc" : " nopmtudisc");
        // A new dev derives the MTU again (from the port's MTU, final since SetPorts); so does
        // the same dev given again, for an MTU derived from what the port had before.
        const bool dev_changes = s->dev != t.dev;
        const uint16_t mtu_after = dev_changes && !s->mtu_explicit ? to_.DefaultTunnelMtu(t) : s->mtu;
        if (dev_changes || (!pinned && t.dev && mtu_after != t.mtu)) absl::StrAppend(&words, " dev ", *t.dev);
        if (!words.empty())
          if (absl::Status st = Emit(StrCat("tunnel change ", name, words), t.line); !st.ok()) return st;
      }
      s = sim_.FindTunnel(name);
      std::string words;
      if (pinned && (s->mtu != t.mtu || !sim_.MtuPinned(*s))) absl::StrAppend(&words, " mtu ", t.mtu);
      if (s->up != t.up) absl::StrAppend(&words, t.up ? " up" : " down");
      if (!words.empty())
        if (absl::Status st = Emit(StrCat("link set ", name, words), t.link_line != 0 ? t.link_line : t.line);
            !st.ok())
          return st;
    }
    return absl::OkStatus();
  }

  absl::Status AddAddresses() {
    for (size_t i = kept_; i < to_.addresses.size(); ++i) {
      const Model::Address& a = to_.addresses[i];
      const std::optional<IpPrefix> made = to_.LiveKernelRoute(a);
      // The target's address made its connected route: the prefix must be free when it is added.
      if (made && sim_.routes.contains(*made))
        if (absl::Status s = Emit(StrCat("route del ", made->ToString()), a.line); !s.ok()) return s;
      std::string text = StrCat("addr add ", PrefixText(a.local));
      if (a.peer) absl::StrAppend(&text, " peer ", PrefixText(*a.peer));
      absl::StrAppend(&text, " dev ", a.dev);
      if (absl::Status s = Emit(text, a.line); !s.ok()) return s;
      // It made one the target's did not (the file deleted it, or another address makes it).
      const Model::Address& added = sim_.addresses.back();
      if (added.kernel_route && !made)
        if (absl::Status s = Emit(StrCat("route del ", added.kernel_route->ToString()),
                                  RouteDelLine(*added.kernel_route, a.line));
            !s.ok())
          return s;
    }
    return absl::OkStatus();
  }

  absl::Status AddRoutes() {
    for (const IpPrefix& p : SortedPrefixes(sim_.routes))
      if (!to_.routes.contains(p))
        if (absl::Status s = Emit(StrCat("route del ", p.ToString()), RouteDelLine(p)); !s.ok()) return s;
    for (const IpPrefix& p : SortedPrefixes(to_.routes)) {
      const Model::Route& t = to_.routes.at(p);
      if (t.kernel) continue;  // made by addresses: checked with the rest
      const bool onlink = to_.OnlinkShown(t);
      auto s = sim_.routes.find(p);
      if (s != sim_.routes.end() && s->second.dev == t.dev && s->second.via == t.via &&
          !s->second.kernel && sim_.OnlinkShown(s->second) == onlink)
        continue;
      std::string text = StrCat(s == sim_.routes.end() ? "route add " : "route replace ", p.ToString());
      if (t.via) absl::StrAppend(&text, " via ", t.via->ToString());
      absl::StrAppend(&text, " dev ", t.dev, onlink ? " onlink" : "");
      if (absl::Status st = Emit(text, t.line); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  absl::Status AddNeighbours() {
    for (const Model::NeighKey& k : SortedNeighbours(to_.neighbours)) {
      const Model::Neigh& t = to_.neighbours.at(k);
      auto s = sim_.neighbours.find(k);
      if (s != sim_.neighbours.end() && s->second.lladdr == t.lladdr) continue;
      if (absl::Status st = Emit(StrCat(s == sim_.neighbours.end() ? "neigh add " : "neigh replace ",
                                        k.second.ToString(), " lladdr ", MacToString(t.lladdr),
                                        " dev ", k.first),
                                 t.line);
          !st.ok())
        return st;
    }
    return absl::OkStatus();
  }

  Model sim_;
  const Model& to_;
  const bool readd_all_;
  ConfigDiff out_;
  absl::flat_hash_set<std::string> recreate_;
  std::vector<std::string> tunnel_order_;
  size_t kept_ = 0;  // the target's first kept_ addresses are kept
};

}  // namespace

std::string FirstDifference(const std::string& a, const std::string& b) {
  std::vector<absl::string_view> la = absl::StrSplit(a, '\n');
  std::vector<absl::string_view> lb = absl::StrSplit(b, '\n');
  size_t i = 0;
  while (i < la.size() && i < lb.size() && la[i] == lb[i]) ++i;
  return StrCat("-", i < la.size() ? la[i] : "(end)", " / +", i < lb.size() ? lb[i] : "(end)");
}

absl::StatusOr<ConfigDiff> DiffConfigs(const ConfigModel& from, const ConfigModel& to) {
  const std::string want = to.Canonical();
  if (from.Canonical() == want) return ConfigDiff{};
  std::string why;
  for (bool readd_all : {false, true}) {
    Differ d(from, to, readd_all);
    absl::Status s = d.Run();
    if (s.ok()) {
      const std::string got = d.result().Canonical();
      if (got == want) return d.Take();
      why = StrCat("it would give ", FirstDifference(want, got));
    } else {
      why = std::string(s.message());
    }
  }
  return absl::InternalError(StrCat("cannot compute the changes (a gatewayd bug): ", why));
}

}  // namespace gw::ctl
