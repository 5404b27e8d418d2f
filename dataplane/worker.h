// The worker lcore's poll loop: rx burst → ProcessBurst (vector.h: the burst stage, the fast
// stages, the scalar walk of forward.h for the rest) → per-port TX buffer → flush → report a
// quiescent state. Run to completion, nothing shared written.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/io.h"
#include "dataplane/feature_ctx.h"
#include "dataplane/lcore_cache.h"
#include "dataplane/tables/tables.h"
#include "spread/datapath/plan.h"

namespace gw::dp {

struct Ctx;
struct BurstHints;

struct RxQueue {
  uint16_t port;
  uint16_t queue;
  spread::SpreadMode spread = spread::SpreadMode::kOff;  // what of it goes to other workers
};

// The burst stage's prefetching (burst.h): on, off, or on when the tables are larger than the
// default sizes (more than 65536 tunnels or next hops), where the walks miss the caches.
enum class BurstPrefetch : uint8_t { kAuto, kOn, kOff };
inline constexpr uint32_t kBurstPrefetchAutoAbove = 65536;

struct WorkerOptions {
  uint16_t burst = 32;
  BurstPrefetch burst_prefetch = BurstPrefetch::kAuto;
  bool fast_path = true;       // the vector walk's fast stages (vector.h); off: every packet scalar
  uint32_t idle_sleep_us = 0;  // 0: poll without pause
  uint32_t icmp_rate = 1000;   // ICMP errors per second per worker (0: none)
  uint32_t icmp_burst = 50;
  uint32_t frag_timeout_ms = 2000;  // reassembly gives up on a datagram after this
  uint32_t frag_entries = 4096;     // datagrams being reassembled at once, per worker
  // TEST ONLY (--test_only_stall_worker_ms): worker 0 stops looping this long after it starts,
  // until told to quit, so that the watchdog test sees a stuck worker. 0: never.
  uint32_t test_only_stall_after_ms = 0;
};

// What the dataplane shares with every worker's slow paths.
struct WorkerShared {
  rte_ring* punt = nullptr;          // to the control thread
  rte_mempool* direct = nullptr;     // the packet pool
  rte_mempool* indirect = nullptr;   // fragment payload references
  // Every worker's inbound ring, by worker index (spread/datapath/spread.h); n = 1: none.
  rte_ring* const* spread_rings = nullptr;
  uint16_t n_workers = 1;
  // Workers that stopped receiving: once all have, no ring gets more, and each worker walks what
  // is left in its own before it exits.
  std::atomic<uint32_t>* rx_stopped = nullptr;
};

class Worker {
 public:
  // `index` is this worker's TX queue on every port and its RCU thread id.
  Worker(const Tables& tables, unsigned lcore, uint16_t index, std::vector<RxQueue> rxqs,
         const WorkerOptions& opts, const WorkerShared& shared, const std::atomic<bool>& quit);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  bool ok() const { return ok_; }
  unsigned lcore() const { return lcore_; }
  uint16_t index() const { return index_; }
  const std::vector<RxQueue>& rx_queues() const { return rxqs_; }
  const LcoreCounters& counters() const { return counters_; }
  // Frames the control thread wants sent (single producer: the control thread; m->port is the
  // egress port). The worker sends them from its own TX queue.
  rte_ring* inbox() const { return inbox_; }
  // Packets other workers received for this one's flows (spread.h); nullptr with one worker.
  rte_ring* spread_ring() const { return spread_.n > 1 ? spread_.rings[index_] : nullptr; }

  // The lcore entry point (rte_eal_remote_launch).
  static int Main(void* self) { return static_cast<Worker*>(self)->Run(); }

 private:
  int Run();
  // Walks pkts[0..n) received on `port` (books open); returns n.
  uint16_t WalkBurst(Ctx& ctx, rte_mbuf** pkts, uint16_t n, uint16_t port, BurstHints* hints);
  // Walks up to `burst` packets from the inbound ring; returns how many.
  uint16_t DrainSpread(Ctx& ctx, rte_mbuf** pkts, uint16_t burst, BurstHints* hints);
  void FlushAll();
  void DrainInbox();
  void Housekeeping(uint64_t now);
  void StallForTest();

  const Tables& t_;
  const unsigned lcore_;
  const uint16_t index_;
  const std::vector<RxQueue> rxqs_;
  const WorkerOptions opts_;
  const std::atomic<bool>& quit_;
  LcoreCounters counters_;
  std::vector<uint16_t> tx_ports_;  // ports that have a TX buffer
  std::array<rte_eth_dev_tx_buffer*, RTE_MAX_ETHPORTS> txb_{};
  std::unique_ptr<NeighCacheEntry[]> neigh_cache_;
  FeatureCaches feature_caches_;
  rte_ring* inbox_ = nullptr;
  spread::SpreadPlan spread_;  // n = 1: no spreading, no ring
  std::atomic<uint32_t>* rx_stopped_ = nullptr;
  WorkerIo io_;
  rte_ip_frag_death_row* death_row_ = nullptr;
  uint64_t next_expire_ = 0;
  uint64_t test_only_stall_at_ = 0;  // TSC; 0: never (WorkerOptions::test_only_stall_after_ms)
  bool prefetch_ = false;  // the burst stage prefetches (opts_.burst_prefetch, resolved)
  bool ok_ = true;
};

}  // namespace gw::dp
