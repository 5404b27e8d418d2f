// Spreading a received burst over the workers by flow (docs/architecture.md 1.13). Each worker has
// one inbound ring (multi-producer, single consumer). A worker that receives a burst keeps the
// packets whose flow is its own and hands every other one to its flow's worker, in the order
// received; the flow's worker walks them from its ring like a burst of its own. One flow always
// arrives on one RX queue (one worker) and always goes to one worker through one FIFO ring, so
// its packets are walked, and leave through that worker's TX queue, in the order they came.
//
// The books (dataplane/books.h): the sender counts `spread_out` in the same window as the
// enqueue; the receiver counts `spread_in` and walks the packets (its `processed`) in one window.
// A packet the full ring refused is dropped here, counted as received and dropped (`spread_full`).
#pragma once

#include <cstdint>
#include <cstring>

#include "dataplane/burst.h"
#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "spread/datapath/flow_hash.h"

namespace gw::spread {

// Takes the packets of `pkts[0..n)` (received on `port`) that belong to another worker out of the
// burst, queues them to their workers, and compacts the rest, in order, to the front of `pkts`.
// Returns how many are left for this worker. Counts on `c` (the caller holds the books open).
inline uint16_t SpreadBurst(const SpreadPlan& plan, SpreadMode mode, dp::LcoreCounters& c,
                            uint16_t port, rte_mbuf** pkts, uint16_t n) noexcept {
  // A counting sort by target worker, stable, without a branch on the target (which is random
  // per packet: a branch on it would be mispredicted half the time).
  uint16_t target[dp::kMaxBurst];
  uint16_t count[kMaxWorkers] = {};
  for (uint16_t i = 0; i < n; ++i) {
    const uint64_t h = FlowHash(pkts[i], mode);
    const uint16_t t = h == kLocal ? plan.self : WorkerOf(static_cast<uint32_t>(h), plan.n);
    target[i] = t;
    ++count[t];
    pkts[i]->port = port;  // (the walk's ingress port, wherever it runs; not every driver sets it)
  }
  if (count[plan.self] == n) return n;
  uint16_t start[kMaxWorkers];
  uint16_t at[kMaxWorkers];
  for (uint16_t t = 0, sum = 0; t < plan.n; ++t) {
    start[t] = at[t] = sum;
    sum = static_cast<uint16_t>(sum + count[t]);
  }
  rte_mbuf* sorted[dp::kMaxBurst];
  for (uint16_t i = 0; i < n; ++i) sorted[at[target[i]]++] = pkts[i];
  // One enqueue per other worker, its packets in the order received.
  for (uint16_t t = 0; t < plan.n; ++t) {
    if (t == plan.self || count[t] == 0) continue;
    rte_mbuf** out = sorted + start[t];
    const unsigned sent = rte_ring_mp_enqueue_burst(
        plan.rings[t], reinterpret_cast<void* const*>(out), count[t], nullptr);
    c.Count(dp::Event::spread_out, sent);
    if (sent < count[t]) [[unlikely]] {
      // The ring is full: the rest are received here and dropped.
      const unsigned lost = count[t] - sent;
      c.CountDrop(dp::Drop::spread_full, lost);
      c.Count(dp::Event::walk_dropped, lost);
      dp::Bump(c.processed, lost);
      rte_pktmbuf_free_bulk(out + sent, lost);
    }
  }
  const uint16_t kept = count[plan.self];
  std::memcpy(pkts, sorted + start[plan.self], kept * sizeof(rte_mbuf*));
  return kept;
}

}  // namespace gw::spread
