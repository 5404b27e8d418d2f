#include "dataplane/dataplane.h"

#include <signal.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gw::dp {
namespace {

// Each worker's inbound ring (spreading), in entries.
uint32_t SpreadRingSize(const DataplaneOptions& opts) {
  return rte_align32pow2(std::max<uint32_t>(opts.spread_ring, 64));
}

absl::Status PortError(uint16_t port, const char* what, int rc) {
  return absl::InternalError(
      absl::StrCat("port", port, ": ", what, " failed: ", rte_strerror(rc < 0 ? -rc : rc)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Dataplane>> Dataplane::Create(const DataplaneOptions& opts) {
  std::unique_ptr<Dataplane> dp(new Dataplane());
  std::vector<unsigned> lcores;
  unsigned lcore;
  RTE_LCORE_FOREACH_WORKER(lcore) { lcores.push_back(lcore); }
  if (lcores.empty())
    return absl::InvalidArgumentError(
        "no worker lcore: the main lcore runs the control thread, give EAL at least two (-l 0,1)");
  if (rte_eth_dev_count_avail() == 0)
    return absl::InvalidArgumentError(
        "no ports: give EAL a device or a --vdev (net_pcap, net_tap, net_ring, net_null)");
  if (opts.workers != 0) {
    if (opts.workers > lcores.size())
      return absl::InvalidArgumentError(absl::StrCat(
          "--workers=", opts.workers, " but EAL gave ", lcores.size(),
          " worker lcore(s): give EAL more (-l 0-", opts.workers, ")"));
    lcores.resize(opts.workers);
  }
  if (lcores.size() > opts.sizes.max_lcores)
    return absl::InvalidArgumentError("more worker lcores than the RCU was sized for");
  if (lcores.size() > spread::kMaxWorkers)
    return absl::InvalidArgumentError(
        absl::StrCat("more than ", spread::kMaxWorkers, " worker lcores (use --workers)"));

  if (RegisterPuntMeta() < 0)
    return absl::InternalError(absl::StrCat("cannot register the mbuf punt field: ",
                                            rte_strerror(rte_errno)));
  dp->control_counters_ = std::make_unique<LcoreCounters>();
  TableSizes sizes = opts.sizes;
  sizes.workers = static_cast<uint32_t>(lcores.size());
  auto tables = Tables::Create(sizes);
  if (!tables.ok()) return tables.status();
  dp->tables_ = std::move(*tables);

  if (absl::Status s = dp->SetupPorts(opts, static_cast<uint16_t>(lcores.size())); !s.ok())
    return s;
  const int socket = static_cast<int>(rte_socket_id());
  dp->punt_ = rte_ring_create("gw_punt",
                              rte_align32pow2(std::max<uint32_t>(opts.punt_ring, 2 * kPuntReserve)),
                              socket, RING_F_SC_DEQ);
  // Fragments: a header mbuf from the packet pool chained to one of these, which only points
  // into the original packet's buffer.
  dp->indirect_ = rte_pktmbuf_pool_create("gw_indirect", 8191, 128, 0, 0, socket);
  if (dp->punt_ == nullptr || dp->indirect_ == nullptr)
    return absl::ResourceExhaustedError(absl::StrCat("cannot create the slow-path ring and pool: ",
                                                     rte_strerror(rte_errno)));
  const auto n_workers = static_cast<uint16_t>(lcores.size());
  if (absl::Status s = dp->SetupSpread(opts, n_workers); !s.ok()) return s;
  WorkerShared shared{dp->punt_, dp->pool_, dp->indirect_};
  if (!dp->spread_rings_.empty()) {
    shared.spread_rings = dp->spread_rings_.data();
    shared.n_workers = n_workers;
    shared.rx_stopped = &dp->rx_stopped_;
  }

  // Deal every (port, rx queue) to the workers; each worker transmits on its own queue of every
  // port, so TX needs no lock.
  std::vector<std::vector<RxQueue>> assign(lcores.size());
  size_t next = 0;
  for (const PortInfo& p : dp->ports_)
    for (uint16_t q = 0; q < p.rx_queues; ++q)
      assign[next++ % lcores.size()].push_back({p.id, q, p.spread});
  for (size_t i = 0; i < lcores.size(); ++i) {
    auto w = std::make_unique<Worker>(*dp->tables_, lcores[i], static_cast<uint16_t>(i),
                                      std::move(assign[i]), opts.worker, shared, dp->quit_);
    if (!w->ok())
      return absl::ResourceExhaustedError(
          "cannot allocate a worker's TX buffers, inbox or reassembly table (give EAL more -m)");
    dp->workers_.push_back(std::move(w));
  }
  return dp;
}

// Each worker's inbound ring, and what each port's queues hand over (DataplaneOptions::spread).
absl::Status Dataplane::SetupSpread(const DataplaneOptions& opts, uint16_t n_workers) {
  bool any = false;
  for (PortInfo& p : ports_) {
    using spread::SpreadMode;
    switch (n_workers == 1 ? SpreadPolicy::kOff : opts.spread) {
      case SpreadPolicy::kOff: p.spread = SpreadMode::kOff; break;
      case SpreadPolicy::kTunnel: p.spread = SpreadMode::kTunnel; break;
      case SpreadPolicy::kAll: p.spread = SpreadMode::kAll; break;
      case SpreadPolicy::kAuto:
        p.spread = p.rss && p.rx_queues >= n_workers ? SpreadMode::kTunnel : SpreadMode::kAll;
        break;
    }
    any |= p.spread != spread::SpreadMode::kOff;
  }
  if (!any) return absl::OkStatus();
  const uint32_t size = SpreadRingSize(opts);
  for (uint16_t i = 0; i < n_workers; ++i) {
    const std::string name = absl::StrCat("gw_spread", i);
    // Any worker may hand packets to any other (multi-producer); only its owner takes them.
    rte_ring* r = rte_ring_create(name.c_str(), size, static_cast<int>(rte_socket_id()),
                                  RING_F_SC_DEQ);
    if (r == nullptr)
      return absl::ResourceExhaustedError(absl::StrCat(
          "cannot create the workers' inbound rings: ", rte_strerror(rte_errno)));
    spread_rings_.push_back(r);
  }
  return absl::OkStatus();
}

absl::Status Dataplane::SetupPorts(const DataplaneOptions& opts, uint16_t n_workers) {
  struct Plan {
    uint16_t id;
    rte_eth_dev_info info;
    uint16_t rxq, txq, rxd, txd;
  };
  std::vector<Plan> plans;
  uint64_t ring_mbufs = 0;
  uint16_t pid;
  RTE_ETH_FOREACH_DEV(pid) {
    Plan p{};
    p.id = pid;
    if (int rc = rte_eth_dev_info_get(pid, &p.info); rc != 0)
      return PortError(pid, "rte_eth_dev_info_get", rc);
    p.rxq = std::max<uint16_t>(1, std::min<uint16_t>(p.info.max_rx_queues, n_workers));
    p.txq = n_workers;
    if (p.info.max_tx_queues < n_workers)
      return absl::InvalidArgumentError(absl::StrCat(
          "port", pid, " (", p.info.driver_name, ") offers ", p.info.max_tx_queues,
          " TX queue(s) but ", n_workers,
          " workers each need their own: use fewer worker lcores or give the port more queues"));
    p.rxd = opts.rx_desc;
    p.txd = opts.tx_desc;
    ring_mbufs += uint64_t{p.rxq} * p.rxd + uint64_t{p.txq} * p.txd;
    plans.push_back(p);
  }

  uint64_t n = opts.mbufs;
  if (n == 0) {
    // Every RX ring full, every TX ring full, every worker's TX buffers and burst in flight, and
    // every lcore's mempool cache.
    n = ring_mbufs + uint64_t{n_workers} * (plans.size() + 1) * opts.worker.burst +
        uint64_t{n_workers + 1u} * opts.mbuf_cache * 3 / 2 + 1024 +
        // packets queued for or held by the control thread, its inboxes to the workers, and the
        // workers' reassembly tables
        opts.punt_ring + opts.held_max + uint64_t{n_workers} * (1024 + 2 * 4096) +
        // the workers' inbound rings (spreading), full
        (n_workers > 1 && opts.spread != SpreadPolicy::kOff
             ? uint64_t{n_workers} * SpreadRingSize(opts)
             : 0);
  }
  pool_ = rte_pktmbuf_pool_create("gw_mbufs", static_cast<unsigned>(n), opts.mbuf_cache, 0,
                                  RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
  if (pool_ == nullptr)
    return absl::ResourceExhaustedError(absl::StrCat("cannot create a mempool of ", n,
                                                     " mbufs: ", rte_strerror(rte_errno),
                                                     " (give EAL more memory with -m)"));

  for (Plan& p : plans) {
    rte_eth_conf conf{};
    // Fragments and reassembled packets are mbuf chains.
    if (p.info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
      conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    // Several RX queues: the device's RSS spreads by IP addresses where it can (a NIC); where it
    // cannot (net_ring, net_pcap with several rx_pcap), each queue is a source of its own.
    const uint64_t rss_hf = RTE_ETH_RSS_IP & p.info.flow_type_rss_offloads;
    if (p.rxq > 1 && rss_hf != 0) {
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
    }
    if (int rc = rte_eth_dev_configure(p.id, p.rxq, p.txq, &conf); rc != 0)
      return PortError(p.id, "rte_eth_dev_configure", rc);
    if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(p.id, &p.rxd, &p.txd); rc != 0)
      return PortError(p.id, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
    const int socket = rte_eth_dev_socket_id(p.id);
    for (uint16_t q = 0; q < p.rxq; ++q)
      if (int rc = rte_eth_rx_queue_setup(p.id, q, p.rxd, socket, nullptr, pool_); rc != 0)
        return PortError(p.id, "rte_eth_rx_queue_setup", rc);
    for (uint16_t q = 0; q < p.txq; ++q)
      if (int rc = rte_eth_tx_queue_setup(p.id, q, p.txd, socket, nullptr); rc != 0)
        return PortError(p.id, "rte_eth_tx_queue_setup", rc);

    PortState& ps = tables_->ports[p.id];
    if (int rc = rte_eth_macaddr_get(p.id, &ps.mac); rc != 0)
      return PortError(p.id, "rte_eth_macaddr_get", rc);
    uint16_t mtu = RTE_ETHER_MTU;
    if (rte_eth_dev_get_mtu(p.id, &mtu) != 0 || mtu == 0) mtu = RTE_ETHER_MTU;
    ps.mtu.store(mtu);
    ps.up.store(true);
    ps.present = true;
    if (int rc = rte_eth_dev_start(p.id); rc != 0) return PortError(p.id, "rte_eth_dev_start", rc);
    ports_.push_back(PortInfo{p.id, absl::StrCat("port", p.id), p.info.driver_name, p.rxq, p.txq,
                              spread::SpreadMode::kOff, p.rxq > 1 && rss_hf != 0});
  }
  ports_open_ = true;
  return absl::OkStatus();
}

absl::Status Dataplane::SetPortMtu(uint16_t port, uint16_t mtu) {
  int rc = rte_eth_dev_set_mtu(port, mtu);
  if (rc != 0 && rc != -ENOTSUP)
    return absl::InvalidArgumentError(
        absl::StrCat("port", port, " refuses mtu ", mtu, ": ", rte_strerror(-rc)));
  tables_->ports[port].mtu.store(mtu, std::memory_order_relaxed);
  return absl::OkStatus();
}

// net_tap (DPDK 22.11) reads its kernel queue only after a signal said there is something new: it
// sets the queue's fd to raise a real-time signal (the first free one from SIGRTMIN: "Using
// rt-signal N") whose handler bumps a counter that its RX burst compares with what it last saw. A
// read that could not hand a frame over — no mbuf to refill its ring, the pool is empty
// (rx_nombuf) — counts as "seen". If the kernel queue is full by then (1000 frames), the kernel
// drops every later frame without a signal, and the port never receives again, even once the pool
// has refilled (docs/reliability.md: seen for 240 s). Raising that signal here after rx_nombuf
// moved makes the driver read again; while the pool is still empty that read fails and moves
// rx_nombuf again, so the kick repeats until a read succeeds.
namespace {

// The real-time signal net_tap chose: the only one of SIGRTMIN..SIGRTMAX with a handler in this
// process (gatewayd installs none; glibc's own are below SIGRTMIN). 0 if there is none.
int TapRxSignal() {
  for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) {
    struct sigaction sa{};
    if (sigaction(sig, nullptr, &sa) != 0) continue;
    if ((sa.sa_flags & SA_SIGINFO) != 0 ? sa.sa_sigaction != nullptr
                                        : sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
      return sig;
  }
  return 0;
}

}  // namespace

void Dataplane::RecoverStalledRx() {
  const uint64_t now = rte_get_tsc_cycles();
  if (now < next_rx_check_) return;
  next_rx_check_ = now + rte_get_tsc_hz() / 10;
  rx_nombuf_seen_.resize(ports_.size(), 0);
  bool kick = false;
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (ports_[i].driver != "net_tap") continue;
    rte_eth_stats st{};
    if (rte_eth_stats_get(ports_[i].id, &st) != 0 || st.rx_nombuf == rx_nombuf_seen_[i]) continue;
    rx_nombuf_seen_[i] = st.rx_nombuf;
    kick = true;
  }
  if (!kick) return;
  if (tap_signal_ < 0) tap_signal_ = TapRxSignal();
  if (tap_signal_ > 0) raise(tap_signal_);
}

void Dataplane::Launch() {
  for (auto& w : workers_) rte_eal_remote_launch(&Worker::Main, w.get(), w->lcore());
  launched_ = true;
}

void Dataplane::Stop() {
  if (!launched_) return;
  quit_.store(true, std::memory_order_relaxed);
  rte_eal_mp_wait_lcore();
  launched_ = false;
}

void Dataplane::ClosePorts() {
  if (!ports_open_) return;
  for (const PortInfo& p : ports_) {
    rte_eth_dev_stop(p.id);
    rte_eth_dev_close(p.id);
  }
  ports_open_ = false;
}

Dataplane::~Dataplane() {
  Stop();
  ClosePorts();
  workers_.clear();
  if (punt_ != nullptr) {
    void* m;
    while (rte_ring_sc_dequeue(punt_, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(punt_);
  }
  for (rte_ring* r : spread_rings_) {  // (empty: the workers walked what was left)
    void* m;
    while (rte_ring_sc_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    rte_ring_free(r);
  }
  tables_.reset();
  if (indirect_ != nullptr) rte_mempool_free(indirect_);
  if (pool_ != nullptr) rte_mempool_free(pool_);
}

}  // namespace gw::dp
