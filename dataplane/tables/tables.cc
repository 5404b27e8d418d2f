#include "dataplane/tables/tables.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gw::dp {

Tables::Tables(const TableSizes& s)
    : sizes(s),
      rcu(s.max_lcores),
      nexthops(s.nexthops),
      route4(rcu, "gw_route4", s.routes, s.tbl8s),
      route6(rcu, "gw_route6", s.routes6, s.tbl8s6),
      tunnels(rcu, s.tunnels, s.workers),
      peers(rcu, "gw_peers", s.tunnels),
      // (at most 64Ki IPv6-outer tunnels: 32-byte keys, and no walk-side copy to size apart)
      peers6(rcu, "gw_peers6", std::min<uint32_t>(s.tunnels, 65536)),
      neighbours(rcu, "gw_neigh", s.neighbours, sizeof(NeighKey)),
      sources_(new SourceAddrs()) {}

Tables::~Tables() {
  delete sources_.load();
  for (const RetiredSources& r : retired_sources_) delete r.s;
}

void Tables::PublishSources(std::unique_ptr<SourceAddrs> s) {
  size_t n = 0;
  while (n < retired_sources_.size() && rcu.Passed(retired_sources_[n].token))
    delete retired_sources_[n++].s;
  retired_sources_.erase(retired_sources_.begin(), retired_sources_.begin() + static_cast<long>(n));
  const SourceAddrs* old = sources_.exchange(s.release(), std::memory_order_acq_rel);
  retired_sources_.push_back({old, rcu.Start()});
}

absl::StatusOr<std::unique_ptr<Tables>> Tables::Create(const TableSizes& s) {
  if (s.nexthops < 2) return absl::InvalidArgumentError("--nexthops must be at least 2");
  if (s.nexthops > kFibMaxId + 1)
    return absl::InvalidArgumentError("--nexthops is at most 2^30");
  if (s.tunnels > kFibMaxId + 1) return absl::InvalidArgumentError("--tunnels is at most 2^30");
  std::unique_ptr<Tables> t(new Tables(s));
  auto why = [](const char* what) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "cannot allocate the ", what,
        " table (give EAL more memory with -m, or lower the table-size flags)"));
  };
  if (t->rcu.qsbr() == nullptr) return why("RCU");
  if (!t->route4.ok()) return why("IPv4 route");
  if (!t->route6.ok()) return why("IPv6 route");
  if (!t->peers.ok()) return why("peer");
  if (!t->tunnels.ok()) return why("tunnel path MTU");
  if (!t->peers6.ok()) return why("IPv6 peer");
  if (!t->neighbours.ok()) return why("neighbour");
  return t;
}

}  // namespace gw::dp
