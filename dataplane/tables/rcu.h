// Quiescent-state based reclamation shared by every table. Workers register and report a
// quiescent state once per poll loop; the control thread (never a reader) waits on it before it
// frees or reuses anything a worker might still be looking at.
#pragma once

#include <cstdint>

#include "dataplane/dpdk.h"

namespace gw::dp {

class Rcu {
 public:
  explicit Rcu(uint32_t max_threads);
  ~Rcu();
  Rcu(const Rcu&) = delete;
  Rcu& operator=(const Rcu&) = delete;

  rte_rcu_qsbr* qsbr() const { return v_; }
  uint32_t max_threads() const { return max_threads_; }
  // Control thread: returns once every registered, online worker has passed a quiescent state.
  void Synchronize() const { rte_rcu_qsbr_synchronize(v_, RTE_QSBR_THRID_INVALID); }

  // Deferred form: Start() marks "now"; Passed(token) tells, without waiting, whether every
  // worker has since passed a quiescent state; WaitFor(token) waits for it. A writer that does
  // not need the old state gone before it returns takes a token and moves on, so a stream of
  // changes does not wait a grace period per change.
  uint64_t Start() const { return rte_rcu_qsbr_start(v_); }
  bool Passed(uint64_t token) const { return rte_rcu_qsbr_check(v_, token, false) == 1; }
  void WaitFor(uint64_t token) const { rte_rcu_qsbr_check(v_, token, true); }

 private:
  uint32_t max_threads_;
  rte_rcu_qsbr* v_ = nullptr;
};

}  // namespace gw::dp
