#include "control/nexthops.h"

#include "absl/strings/str_cat.h"

namespace gw::ctl {

absl::StatusOr<uint32_t> NextHops::Acquire(const dp::NextHop& nh) {
  if (auto it = ids_.find(nh); it != ids_.end()) {
    ++it->second.refs;
    return it->second.id;
  }
  // A freed id may still be in a FIB copy some worker is reading until its grace period is over:
  // take a fresh id rather than wait for it.
  uint32_t id;
  if (!free_.empty() && t_.rcu.Passed(free_.front().token)) {
    id = free_.front().id;
    free_.pop_front();
  } else if (next_ < t_.nexthops.capacity()) {
    id = next_++;
  } else if (!free_.empty()) {
    t_.rcu.WaitFor(free_.front().token);
    id = free_.front().id;
    free_.pop_front();
  } else {
    return absl::ResourceExhaustedError(
        absl::StrCat("next-hop table full (", t_.nexthops.capacity(), "; raise --nexthops)"));
  }
  t_.nexthops.Set(id, nh);
  ids_.emplace(nh, Entry{id, 1});
  return id;
}

void NextHops::Release(uint32_t id) {
  // Called once the active FIB copy no longer points at `id`; the other copy may, for readers
  // still inside it, until a grace period has passed: the id is reused only after that.
  auto it = ids_.find(t_.nexthops.Get(id));
  if (it == ids_.end() || it->second.id != id) return;
  if (--it->second.refs == 0) {
    free_.push_back({id, t_.rcu.Start()});
    ids_.erase(it);
  }
}

}  // namespace gw::ctl
