// The worker lcore's poll loop: rx burst → Process each packet (forward.h) → per-port TX buffer
// → flush → report a quiescent state. Run to completion, nothing shared written.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/lcore_cache.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {

struct RxQueue {
  uint16_t port;
  uint16_t queue;
};

struct WorkerOptions {
  uint16_t burst = 32;
  uint32_t idle_sleep_us = 0;  // 0: poll without pause
};

class Worker {
 public:
  // `index` is this worker's TX queue on every port and its RCU thread id.
  Worker(const Tables& tables, unsigned lcore, uint16_t index, std::vector<RxQueue> rxqs,
         const WorkerOptions& opts, const std::atomic<bool>& quit);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  bool ok() const { return ok_; }
  unsigned lcore() const { return lcore_; }
  uint16_t index() const { return index_; }
  const std::vector<RxQueue>& rx_queues() const { return rxqs_; }
  const LcoreCounters& counters() const { return counters_; }

  // The lcore entry point (rte_eal_remote_launch).
  static int Main(void* self) { return static_cast<Worker*>(self)->Run(); }

 private:
  int Run();
  void FlushAll();

  const Tables& t_;
  const unsigned lcore_;
  const uint16_t index_;
  const std::vector<RxQueue> rxqs_;
  const WorkerOptions opts_;
  const std::atomic<bool>& quit_;
  LcoreCounters counters_;
  std::vector<uint16_t> tx_ports_;  // ports that have a TX buffer
  std::array<rte_eth_dev_tx_buffer*, RTE_MAX_ETHPORTS> txb_{};
  uint16_t ip_id_ = 0;
  std::unique_ptr<NeighCacheEntry[]> neigh_cache_;
  std::unique_ptr<PeerCacheEntry[]> peer_cache_;
  bool ok_ = true;
};

}  // namespace gw::dp
