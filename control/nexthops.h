// Next-hop ids for the FIB, with reference counts: routes with the same next hop share one id
// (dataplane/tables/nexthop.h). A record is written before any route points at its id, and never
// changes while one does; an id whose last route is gone is reused only after a grace period, as
// the other FIB copy may still hold it for workers inside it.
#pragma once

#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {
template <typename H>
H AbslHashValue(H h, const NextHop& n) {
  return H::combine(std::move(h), n.kind, n.gw_family, n.port, n.tunnel, n.gw4_be, n.gw6);
}
}  // namespace gw::dp

namespace gw::ctl {

class NextHops {
 public:
  explicit NextHops(dp::Tables& t) : t_(t) {}

  // The id of `nh`, one more reference to it: an existing id, or a new one with its record
  // written. ResourceExhausted when the table is full.
  absl::StatusOr<uint32_t> Acquire(const dp::NextHop& nh);
  // One reference less; call once the active FIB copy no longer points at `id`.
  void Release(uint32_t id);
  // What the FIB stores for id `id`: the id, or, for a route into a tunnel without a gateway, the
  // tunnel itself (dp::FibValue).
  uint32_t FibValue(uint32_t id) const { return dp::FibValue(id, t_.nexthops.Get(id)); }

 private:
  struct Entry {
    uint32_t id;
    uint32_t refs;
  };
  struct Free {
    uint32_t id;
    uint64_t token;  // reusable once every worker has passed this (rcu.Passed)
  };

  dp::Tables& t_;
  absl::flat_hash_map<dp::NextHop, Entry> ids_;
  std::deque<Free> free_;  // oldest first
  uint32_t next_ = dp::kNhLocal + 1;
};

}  // namespace gw::ctl
