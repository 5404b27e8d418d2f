#include "control/neighbours.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "control/rib.h"

namespace gw::ctl {
namespace {

dp::NeighKey KeyOf(uint16_t port, const IpAddr& a) {
  return a.family == 4 ? dp::NeighKey4(port, a.v4_be()) : dp::NeighKey6(port, a.b.data());
}

}  // namespace

absl::Status Neighbours::Set(const Command& c, bool replace) {
  auto port = ifs_.FindPort(*c.dev, "neigh");
  if (!port.ok()) return port.status();
  auto key = std::make_pair(*port, c.addr);
  if (!replace && neigh_.contains(key))
    return absl::AlreadyExistsError(absl::StrCat("neighbour ", c.addr.ToString(), " dev ", *c.dev,
                                                 " already exists (use replace)"));
  const dp::NeighKey k = KeyOf(*port, c.addr);
  rte_ether_addr mac;
  std::memcpy(mac.addr_bytes, c.lladdr.data(), 6);
  if (absl::Status s = t_.neighbours.Set(&k, dp::PackMac(mac)); !s.ok())
    return absl::ResourceExhaustedError(
        absl::StrCat("neighbour table full (", t_.sizes.neighbours, "; raise --neighbours)"));
  t_.neigh_gen.fetch_add(1, std::memory_order_release);  // workers drop their cached answers
  neigh_[key] = c.lladdr;
  if (on_static_) on_static_(*port, c.addr, dp::PackMac(mac));
  return absl::OkStatus();
}

absl::Status Neighbours::Del(const Command& c) {
  auto port = ifs_.FindPort(*c.dev, "neigh");
  if (!port.ok()) return port.status();
  auto it = neigh_.find(std::make_pair(*port, c.addr));
  if (it == neigh_.end()) {
    if (del_learned_ && del_learned_(*port, c.addr)) return absl::OkStatus();
    return absl::NotFoundError(absl::StrCat("no neighbour ", c.addr.ToString(), " dev ", *c.dev));
  }
  const dp::NeighKey k = KeyOf(*port, c.addr);
  if (absl::Status s = t_.neighbours.Delete(&k); !s.ok()) return s;
  t_.neigh_gen.fetch_add(1, std::memory_order_release);
  neigh_.erase(it);
  return absl::OkStatus();
}

std::vector<Neighbours::View> Neighbours::Views() const {
  std::vector<View> v;
  for (const auto& [key, mac] : neigh_)
    v.push_back({key.second, mac, ifs_.Name({IfKind::kPort, key.first})});
  std::sort(v.begin(), v.end(), [](const View& a, const View& b) {
    if (a.dev != b.dev) return a.dev < b.dev;
    return PrefixLess({a.addr, a.addr.max_len()}, {b.addr, b.addr.max_len()});
  });
  return v;
}

void Neighbours::AppendConfig(std::string* out) const {
  for (const View& n : Views())
    absl::StrAppend(out, "neigh add ", n.addr.ToString(), " lladdr ", MacToString(n.lladdr),
                    " dev ", n.dev, "\n");
}

}  // namespace gw::ctl
