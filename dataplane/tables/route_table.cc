#include "dataplane/tables/route_table.h"

#include <cstdio>
#include <cstdlib>

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
