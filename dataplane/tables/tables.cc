#include "dataplane/tables/tables.h"

#include "absl/strings/str_cat.h"

namespace gw::dp {

Tables::Tables(const TableSizes& s)
    : sizes(s),
      rcu(s.max_lcores),
      nexthops(s.nexthops),
      route4(rcu, "gw_route4", s.routes, s.tbl8s),
      route6(rcu, "gw_route6", s.routes6, s.tbl8s6),
      tunnels(rcu, s.tunnels),
      peers(rcu, "gw_peers", s.tunnels, sizeof(PeerKey)),
      neighbours(rcu, "gw_neigh", s.neighbours, sizeof(NeighKey)) {}

absl::StatusOr<std::unique_ptr<Tables>> Tables::Create(const TableSizes& s) {
  if (s.nexthops < 2) return absl::InvalidArgumentError("--nexthops must be at least 2");
  if (s.nexthops > (1u << 30)) return absl::InvalidArgumentError("--nexthops is at most 2^30");
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
  if (!t->neighbours.ok()) return why("neighbour");
  return t;
}

}  // namespace gw::dp
