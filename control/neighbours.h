// Static neighbours (`neigh add|replace|del`): the MACs of next hops the operator gives, written
// into the workers' lock-free neighbour table. Learned entries are the resolver's
// (control/resolver.h), which is told when a static entry takes over an address it was resolving
// and asked to forget a learned entry on `neigh del`.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/command.h"
#include "control/interfaces.h"
#include "control/net.h"
#include "dataplane/tables/tables.h"

namespace gw::ctl {

class Neighbours {
 public:
  struct View {
    IpAddr addr;
    std::array<uint8_t, 6> lladdr;
    std::string dev;
  };

  Neighbours(dp::Tables& t, const Interfaces& ifs) : t_(t), ifs_(ifs) {}

  absl::Status Set(const Command& c, bool replace);  // neigh add / neigh replace
  absl::Status Del(const Command& c);                // neigh del

  bool IsStatic(uint16_t port, const IpAddr& a) const {
    return neigh_.contains(std::make_pair(port, a));
  }
  // Called after `neigh add/replace` installed a static entry (it replaces a learned one).
  void SetStaticHook(std::function<void(uint16_t, const IpAddr&, uint64_t mac)> fn) {
    on_static_ = std::move(fn);
  }
  // `neigh del` of an address with no static entry: forget a learned one; false if none.
  void SetLearnedDelete(std::function<bool(uint16_t, const IpAddr&)> fn) {
    del_learned_ = std::move(fn);
  }

  std::vector<View> Views() const;  // by device, then address
  void AppendConfig(std::string* out) const;

 private:
  dp::Tables& t_;
  const Interfaces& ifs_;
  absl::flat_hash_map<std::pair<uint16_t, IpAddr>, std::array<uint8_t, 6>> neigh_;
  std::function<void(uint16_t, const IpAddr&, uint64_t)> on_static_;
  std::function<bool(uint16_t, const IpAddr&)> del_learned_;
};

}  // namespace gw::ctl
