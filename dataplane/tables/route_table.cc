#include "dataplane/tables/route_table.h"

#include <cstdio>
#include <cstdlib>

#include <rte_rib.h>

#include "absl/strings/str_cat.h"

namespace gw::dp {

rte_fib* Fib4Backend::Create(const std::string& name, uint32_t max_rules, uint32_t tbl8s) {
  rte_fib_conf cfg{};
  cfg.type = RTE_FIB_DIR24_8;
  cfg.default_nh = 0;  // kNhNone
  cfg.max_routes = static_cast<int>(max_rules);
  cfg.dir24_8.nh_sz = RTE_FIB_DIR24_8_4B;
  cfg.dir24_8.num_tbl8 = tbl8s;
  return rte_fib_create(name.c_str(), static_cast<int>(rte_socket_id()), &cfg);
}

// DPDK 22.11's DIR-24-8 reserves a tbl8 group for each /24 that gets a first route longer than
// /24, and counts it in rsvd_tbl8s: on add, unless the new route's next hop is its parent's (then
// nothing needs writing and it returns before counting); on delete, always. A route longer than
// /24 with its parent's next hop, added and deleted, therefore takes one off a counter it never
// added to; the counter wraps and every later route longer than /24 — each address's host route
// too — fails with ENOSPC until a restart. Such a route is added with another next hop first
// (counted), then set to its own: both on the copy no worker reads (LeftRightLpm).
int Fib4Backend::Add(rte_fib* t, const uint32_t& a, uint8_t depth, uint32_t nh) {
  if (depth > 24) {
    rte_rib* rib = rte_fib_get_rib(t);
    if (rte_rib_lookup_exact(rib, a, depth) == nullptr) {
      for (int d = depth - 1; d >= 0; --d) {
        const uint32_t masked = d == 0 ? 0 : a & (~uint32_t{0} << (32 - d));
        rte_rib_node* parent = rte_rib_lookup_exact(rib, masked, static_cast<uint8_t>(d));
        if (parent == nullptr) continue;
        uint64_t parent_nh = 0;
        rte_rib_get_nh(parent, &parent_nh);
        if (parent_nh == nh) {
          if (int rc = rte_fib_add(t, a, depth, nh ^ 1); rc < 0) return rc;
        }
        break;
      }
    }
  }
  return rte_fib_add(t, a, depth, nh);
}

rte_fib6* Fib6Backend::Create(const std::string& name, uint32_t max_rules, uint32_t tbl8s) {
  rte_fib6_conf cfg{};
  cfg.type = RTE_FIB6_TRIE;
  cfg.default_nh = 0;  // kNhNone
  cfg.max_routes = static_cast<int>(max_rules);
  cfg.trie.nh_sz = RTE_FIB6_TRIE_4B;
  cfg.trie.num_tbl8 = tbl8s;
  return rte_fib6_create(name.c_str(), static_cast<int>(rte_socket_id()), &cfg);
}

template <typename B>
LeftRightLpm<B>::LeftRightLpm(const Rcu& rcu, const std::string& name, uint32_t max_rules,
                              uint32_t tbl8s)
    : rcu_(rcu) {
  copies_[0] = B::Create(name + "_a", max_rules, tbl8s);
  copies_[1] = B::Create(name + "_b", max_rules, tbl8s);
}

template <typename B>
LeftRightLpm<B>::~LeftRightLpm() {
  for (Table* t : copies_)
    if (t != nullptr) B::Free(t);
}

template <typename B>
int LeftRightLpm<B>::ApplyTo(Table* t, std::span<const Op> ops, size_t* failed_at) {
  auto apply_one = [t](const Addr& a, uint8_t depth, uint32_t nh) {
    return nh != 0 ? B::Add(t, a, depth, nh) : B::Delete(t, a, depth);
  };
  for (size_t i = 0; i < ops.size(); ++i) {
    int rc = apply_one(ops[i].prefix, ops[i].depth, ops[i].nh);
    if (rc < 0) {
      for (size_t j = i; j-- > 0;) apply_one(ops[j].prefix, ops[j].depth, ops[j].prev_nh);
      *failed_at = i;
      return rc;
    }
  }
  return 0;
}

template <typename B>
void LeftRightLpm<B>::CatchUp() {
  if (pending_.empty()) return;
  rcu_.WaitFor(pending_token_);  // no worker is inside the idle copy any more
  size_t failed_at = 0;
  if (int rc = ApplyTo(copies_[active_.load(std::memory_order_relaxed) ^ 1], pending_, &failed_at);
      rc < 0) {
    // Both copies had the same history and got the same ops: this cannot diverge unless memory
    // is corrupt. Refuse to run with two different route tables.
    std::fprintf(stderr, "gatewayd: route table copies diverged (%s); aborting\n",
                 rte_strerror(-rc));
    std::abort();
  }
  pending_.clear();
}

template <typename B>
void LeftRightLpm<B>::Barrier() {
  CatchUp();
}

template <typename B>
absl::Status LeftRightLpm<B>::Apply(std::span<const Op> ops) {
  if (ops.empty()) return absl::OkStatus();
  CatchUp();
  const uint32_t idle = active_.load(std::memory_order_relaxed) ^ 1;
  size_t failed_at = 0;
  if (int rc = ApplyTo(copies_[idle], ops, &failed_at); rc < 0) {
    // -ENOSPC: no tbl8 group left; -ENOMEM: the RIB's rule pool (--routes) is empty: the only
    // allocation an add makes.
    if (rc == -ENOSPC || rc == -ENOMEM)
      return absl::ResourceExhaustedError(
          "route table full (raise --routes/--routes6 or the tbl8 flags)");
    return absl::InternalError(absl::StrCat("route table update failed: ", rte_strerror(-rc)));
  }
  active_.store(idle, std::memory_order_release);
  pending_.assign(ops.begin(), ops.end());
  pending_token_ = rcu_.Start();
  return absl::OkStatus();
}

template class LeftRightLpm<Fib4Backend>;
template class LeftRightLpm<Fib6Backend>;

}  // namespace gw::dp
