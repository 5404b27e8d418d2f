#include "dataplane/worker.h"

#include <algorithm>
#include <string>

#include "dataplane/vector.h"
#include "spread/datapath/spread.h"

namespace gw::dp {
namespace {

// TX buffer overflow: the queue is full. Count and free what did not go. (In the books, these
// were sent, then refused: tx_full is not one of the walk's drops.)
void OnTxFull(rte_mbuf** unsent, uint16_t count, void* userdata) {
  auto* c = static_cast<LcoreCounters*>(userdata);
  Bump(c->drops[static_cast<size_t>(Drop::tx_full)], count);
  rte_pktmbuf_free_bulk(unsent, count);
}

}  // namespace

Worker::Worker(const Tables& tables, unsigned lcore, uint16_t index, std::vector<RxQueue> rxqs,
               const WorkerOptions& opts, const WorkerShared& shared,
               const std::atomic<bool>& quit)
    : t_(tables),
      lcore_(lcore),
      index_(index),
      rxqs_(std::move(rxqs)),
      opts_(opts),
      quit_(quit),
      neigh_cache_(std::make_unique<NeighCacheEntry[]>(1u << kNeighCacheBits)) {
  prefetch_ = opts.burst_prefetch == BurstPrefetch::kOn ||
              (opts.burst_prefetch == BurstPrefetch::kAuto &&
               std::max(tables.sizes.tunnels, tables.sizes.nexthops) > kBurstPrefetchAutoAbove);
  const int socket = static_cast<int>(rte_lcore_to_socket_id(lcore));
  for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; ++p) {
    if (!t_.ports[p].present) continue;
    auto* b = static_cast<rte_eth_dev_tx_buffer*>(
        rte_zmalloc_socket("gw_txb", RTE_ETH_TX_BUFFER_SIZE(opts.burst), 0, socket));
    if (b == nullptr) {
      ok_ = false;
      return;
    }
    rte_eth_tx_buffer_init(b, opts.burst);
    rte_eth_tx_buffer_set_err_callback(b, OnTxFull, &counters_);
    txb_[p] = b;
    tx_ports_.push_back(p);
  }

  const std::string name = "gw_inbox" + std::to_string(index);
  inbox_ = rte_ring_create(name.c_str(), 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
  const uint64_t hz = rte_get_tsc_hz();
  const uint32_t entries = std::max<uint32_t>(opts.frag_entries, 64);
  const uint64_t frag_cycles = hz / 1000 * std::max<uint32_t>(opts.frag_timeout_ms, 1);
  io_.frag_tbl = rte_ip_frag_table_create(entries / 8, 8, entries, frag_cycles, socket);
  death_row_ = static_cast<rte_ip_frag_death_row*>(
      rte_zmalloc_socket("gw_death_row", sizeof(rte_ip_frag_death_row), 0, socket));
  if (inbox_ == nullptr || io_.frag_tbl == nullptr || death_row_ == nullptr) {
    ok_ = false;
    return;
  }
  io_.txb = txb_.data();
  io_.txq = index;
  io_.punt = shared.punt;
  io_.direct = shared.direct;
  io_.indirect = shared.indirect;
  io_.death_row = death_row_;
  io_.icmp.Init(opts.icmp_rate, opts.icmp_burst);
  io_.frag6_id = uint32_t{index} << 24;  // (workers number their fragments apart)
  if (shared.n_workers > 1 && shared.spread_rings != nullptr) {
    spread_ = spread::SpreadPlan{shared.spread_rings, shared.n_workers, index};
    rx_stopped_ = shared.rx_stopped;
  }
}

Worker::~Worker() {
  for (rte_eth_dev_tx_buffer* b : txb_) rte_free(b);
  if (inbox_ != nullptr) {
    void* m;
    while (rte_ring_sc_dequeue(inbox_, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(inbox_);
  }
  if (io_.frag_tbl != nullptr) {
    rte_ip_frag_table_destroy(io_.frag_tbl);  // frees the mbufs it held
  }
  if (death_row_ != nullptr) {
    rte_ip_frag_free_death_row(death_row_, 0);
    rte_free(death_row_);
  }
}

void Worker::DrainInbox() {
  void* frames[64];
  BooksOpen(counters_);
  const unsigned n = rte_ring_sc_dequeue_burst(inbox_, frames, 64, nullptr);
  counters_.Count(Event::inbox_sent, n);
  for (unsigned i = 0; i < n; ++i) {
    auto* m = static_cast<rte_mbuf*>(frames[i]);
    rte_eth_tx_buffer(m->port, index_, txb_[m->port], m);
  }
  BooksClose(counters_);
}

// Reassembly: what the table gave up on is freed (and counted) outside the packet loop, and
// datagrams that stopped arriving are expired about ten times a second.
void Worker::Housekeeping(uint64_t now) {
  if (now >= next_expire_) {
    rte_ip_frag_table_del_expired_entries(io_.frag_tbl, death_row_, now);
    next_expire_ = now + rte_get_tsc_hz() / 10;
  }
  if (death_row_->cnt != 0) {
    BooksOpen(counters_);
    FreeDeathRow(counters_, death_row_);
    BooksClose(counters_);
  }
  if (test_only_stall_at_ != 0 && now >= test_only_stall_at_) [[unlikely]]
    StallForTest();
}

// TEST ONLY: a stuck worker, as the watchdog test needs one. No heartbeat until quit; offline for
// RCU meanwhile so that the control thread stays free to answer and to stop.
void Worker::StallForTest() {
  test_only_stall_at_ = 0;
  rte_rcu_qsbr* qsbr = t_.rcu.qsbr();
  rte_rcu_qsbr_thread_offline(qsbr, index_);
  while (!quit_.load(std::memory_order_relaxed)) rte_delay_us_sleep(1000);
  rte_rcu_qsbr_thread_online(qsbr, index_);
}

void Worker::FlushAll() {
  for (uint16_t p : tx_ports_) rte_eth_tx_buffer_flush(p, index_, txb_[p]);
}

uint16_t Worker::WalkBurst(Ctx& ctx, rte_mbuf** pkts, uint16_t n, uint16_t port,
                           BurstHints* hints) {
  // The tables as they are now, after the receive: a packet that arrives after a change returned
  // to the control thread is handled under that change.
  ctx.NewBurst();  // (what it remembered came from the previous snapshot)
  const PortState& in_port = t_.ports[port];
  if (!in_port.up.load(std::memory_order_relaxed)) [[unlikely]] {
    Bump(counters_.drops[static_cast<size_t>(Drop::link_down)], n);
    counters_.Count(Event::walk_dropped, n);
    rte_pktmbuf_free_bulk(pkts, n);
    Bump(counters_.processed, n);
    return n;
  }
  // Every packet of the burst comes back once through `out`, whether a fast stage took it or the
  // scalar walk: the books see both alike (EndWalk, forward.h).
  ProcessBurst(ctx, pkts, n, in_port, hints, prefetch_, opts_.fast_path,
               [this, &ctx](uint16_t, rte_mbuf* m, uint16_t out) {
                 if (out >= kConsumed) [[unlikely]] {
                   EndWalk(ctx, m, out);
                 } else {
                   rte_eth_tx_buffer(out, index_, txb_[out], m);
                 }
               });
  Bump(counters_.processed, n);
  return n;
}

// Packets of this worker's flows that another worker received: walked in the order they were
// queued, a run of one ingress port at a time.
uint16_t Worker::DrainSpread(Ctx& ctx, rte_mbuf** pkts, uint16_t burst, BurstHints* hints) {
  BooksOpen(counters_);
  const uint16_t n = static_cast<uint16_t>(
      rte_ring_sc_dequeue_burst(spread_.rings[index_], reinterpret_cast<void**>(pkts), burst,
                                nullptr));
  counters_.Count(Event::spread_in, n);
  for (uint16_t i = 0; i < n;) {
    const uint16_t port = pkts[i]->port;
    uint16_t j = i + 1;
    while (j < n && pkts[j]->port == port) ++j;
    WalkBurst(ctx, pkts + i, j - i, port, hints);
    i = j;
  }
  BooksClose(counters_);
  return n;
}

int Worker::Run() {
  rte_rcu_qsbr* qsbr = t_.rcu.qsbr();
  rte_rcu_qsbr_thread_register(qsbr, index_);
  rte_rcu_qsbr_thread_online(qsbr, index_);
  const uint16_t burst = std::min(opts_.burst, kMaxBurst);
  rte_mbuf* pkts[kMaxBurst];
  BurstHints hints;
  if (opts_.test_only_stall_after_ms != 0 && index_ == 0)  // TEST ONLY (Housekeeping)
    test_only_stall_at_ = rte_rdtsc() + rte_get_tsc_hz() / 1000 * opts_.test_only_stall_after_ms;
  // The worker's context; the table snapshots and cache generations in it are taken anew after
  // every receive (below), so each burst routes with the tables as they were when it was
  // received, and whatever it looked at stays valid until the quiescent state ending the loop.
  Ctx ctx(t_, &counters_, index_);
  ctx.neigh_cache = neigh_cache_.get();
  ctx.UseCaches(feature_caches_);
  ctx.io = &io_;

  while (!quit_.load(std::memory_order_relaxed)) {
    const uint64_t start = rte_rdtsc();
    io_.now = start;
    uint32_t got = 0;     // taken off RX queues and the inbound ring
    uint32_t walked = 0;  // of them, walked here
    for (const RxQueue& q : rxqs_) {
      uint16_t n = rte_eth_rx_burst(q.port, q.queue, pkts, burst);
      if (n == 0) continue;
      got += n;
      // The books (books.h) are in motion until `processed` has this burst.
      BooksOpen(counters_);
      if (q.spread != spread::SpreadMode::kOff)
        n = spread::SpreadBurst(spread_, q.spread, counters_, q.port, pkts, n);
      if (n != 0) walked += WalkBurst(ctx, pkts, n, q.port, &hints);
      BooksClose(counters_);
    }
    if (spread_.n > 1) {
      const uint16_t n = DrainSpread(ctx, pkts, burst, &hints);
      got += n;
      walked += n;
    }
    if (!rte_ring_empty(inbox_)) [[unlikely]]
      DrainInbox();
    if (start >= next_expire_ || death_row_->cnt != 0) [[unlikely]]
      Housekeeping(start);
    FlushAll();
    rte_rcu_qsbr_quiescent(qsbr, index_);
    Bump(counters_.loops);  // the heartbeat
    if (got != 0) {
      Bump(counters_.busy_cycles, rte_rdtsc() - start);
      Bump(counters_.busy_packets, walked);
    } else if (opts_.idle_sleep_us != 0) {
      // Low-load mode: an offline reader never holds up a writer's grace period.
      rte_rcu_qsbr_thread_offline(qsbr, index_);
      rte_delay_us_sleep(opts_.idle_sleep_us);
      rte_rcu_qsbr_thread_online(qsbr, index_);
    }
  }
  // Spreading: once every worker stopped receiving, nothing more comes into this worker's ring;
  // what is in it is walked (and sent) rather than freed unseen.
  if (spread_.n > 1) {
    rx_stopped_->fetch_add(1, std::memory_order_acq_rel);
    for (;;) {
      const bool last = rx_stopped_->load(std::memory_order_acquire) == spread_.n;
      while (DrainSpread(ctx, pkts, burst, &hints) != 0) FlushAll();
      rte_rcu_qsbr_quiescent(qsbr, index_);
      if (last) break;
      rte_pause();
    }
  }
  // On the way out: what the control thread queued is sent, and datagrams still being reassembled
  // are given up (and counted) now rather than vanish with the table.
  DrainInbox();
  for (;;) {
    rte_ip_frag_table_del_expired_entries(io_.frag_tbl, death_row_, UINT64_MAX);
    if (death_row_->cnt == 0) break;
    BooksOpen(counters_);
    FreeDeathRow(counters_, death_row_);
    BooksClose(counters_);
  }
  FlushAll();
  rte_rcu_qsbr_thread_offline(qsbr, index_);
  rte_rcu_qsbr_thread_unregister(qsbr, index_);
  return 0;
}

}  // namespace gw::dp
