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

 private:
  uint32_t max_threads_;
  rte_rcu_qsbr* v_ = nullptr;
};

}  // namespace gw::dp
