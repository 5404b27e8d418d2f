#include "dataplane/tables/rcu.h"


namespace gw::dp {

Rcu::Rcu(uint32_t max_threads) : max_threads_(max_threads) {
  size_t sz = rte_rcu_qsbr_get_memsize(max_threads);
  v_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("gw_rcu", sz, RTE_CACHE_LINE_SIZE));
  if (v_ != nullptr) rte_rcu_qsbr_init(v_, max_threads);  // else Tables::Create reports it
}

Rcu::~Rcu() { rte_free(v_); }

}  // namespace gw::dp
