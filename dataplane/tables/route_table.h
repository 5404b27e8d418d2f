// Longest-prefix-match route tables, IPv4 (rte_fib DIR24_8) and IPv6 (rte_fib6 trie), safe for
// lock-free readers while the control thread changes them.
//
// rte_fib rather than rte_lpm: rte_lpm keeps its rules in per-depth arrays searched linearly, so
// loading 1M /32 routes is quadratic; rte_fib keeps them in an rte_rib tree. A miss returns the
// default next hop, 0 = no route, so lookups need no separate hit test.
//
// DPDK 22.11's rte_fib and rte_fib6 have no RCU support: a delete frees tbl8 groups a reader may
// still be walking. So each table is kept twice (left-right): the writer
// applies a batch of changes to the idle copy and publishes it with one atomic store; the batch is
// replayed on the old copy once a grace period has passed (no worker can still be inside it) —
// at the latest when the next batch comes, so a stream of changes waits for readers only when it
// outruns them. Readers take the active copy after each receive and never see a half-applied batch. The cost
// is twice the memory and twice the write work; lookups cost nothing extra.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "dataplane/dpdk.h"
#include "dataplane/tables/rcu.h"

namespace gw::dp {

struct Fib4Backend {
  using Table = rte_fib;
  using Addr = uint32_t;  // host order, as rte_fib wants it
  static Table* Create(const std::string& name, uint32_t max_rules, uint32_t tbl8s);
  static void Free(Table* t) { rte_fib_free(t); }
  static int Add(Table* t, const Addr& a, uint8_t depth, uint32_t nh);  // (route_table.cc)
  static int Delete(Table* t, const Addr& a, uint8_t depth) { return rte_fib_delete(t, a, depth); }
};

struct Fib6Backend {
  using Table = rte_fib6;
  using Addr = std::array<uint8_t, 16>;
  static Table* Create(const std::string& name, uint32_t max_rules, uint32_t tbl8s);
  static void Free(Table* t) { rte_fib6_free(t); }
  static int Add(Table* t, const Addr& a, uint8_t depth, uint32_t nh) {
    return rte_fib6_add(t, a.data(), depth, nh);
  }
  static int Delete(Table* t, const Addr& a, uint8_t depth) {
    return rte_fib6_delete(t, a.data(), depth);
  }
};

template <typename Backend>
class LeftRightLpm {
 public:
  using Table = typename Backend::Table;
  using Addr = typename Backend::Addr;

  // One change. `prev_nh` is what the exact prefix held before (0: nothing), so that a batch that
  // fails half-way can be undone and leave the table as it was.
  struct Op {
    Addr prefix{};
    uint8_t depth = 0;
    uint32_t nh = 0;       // 0: delete the prefix
    uint32_t prev_nh = 0;  // 0: the prefix was absent
  };

  LeftRightLpm(const Rcu& rcu, const std::string& name, uint32_t max_rules, uint32_t tbl8s);
  ~LeftRightLpm();
  LeftRightLpm(const LeftRightLpm&) = delete;
  LeftRightLpm& operator=(const LeftRightLpm&) = delete;

  bool ok() const { return copies_[0] != nullptr && copies_[1] != nullptr; }

  // Reader: the table to look up in until the next quiescent state.
  // (rte_fib's lookup takes a non-const pointer; workers never write through it.)
  Table* Reader() const noexcept { return copies_[active_.load(std::memory_order_acquire)]; }

  // Writer (control thread only): all of `ops` or none of them. Readers see the change from
  // their next poll loop; until a grace period has passed some may still be in the previous copy.
  absl::Status Apply(std::span<const Op> ops);
  // Writer: returns once no reader can be in a copy without the last Apply's changes.
  void Barrier();

 private:
  // Brings the idle copy up to date with the active one: waits until no reader can be in it,
  // then replays the ops that went into the active copy last time.
  void CatchUp();

  // Applies ops to one copy; on failure undoes what it did and returns the failing op's errno.
  int ApplyTo(Table* t, std::span<const Op> ops, size_t* failed_at);

  const Rcu& rcu_;
  std::array<Table*, 2> copies_{};
  std::atomic<uint32_t> active_{0};
  std::vector<Op> pending_;  // applied to the active copy, not yet to the idle one
  uint64_t pending_token_ = 0;
};

using Route4Table = LeftRightLpm<Fib4Backend>;
using Route6Table = LeftRightLpm<Fib6Backend>;

}  // namespace gw::dp
