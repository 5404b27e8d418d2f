// The dataplane as the control side sees it: tables, mempool and ports, workers; torn down in
// reverse.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dataplane/dpdk.h"
#include "dataplane/tables/tables.h"
#include "dataplane/worker.h"

namespace gw::dp {

// Spreading packets over the workers by flow (spread/datapath/spread.h), per port: kAuto is
// kTunnel where the device's RSS fills one RX queue per worker (it spread the rest by IP
// addresses already), else kAll (fewer queues than workers, or queues without RSS: whoever
// polls a queue would otherwise walk all of its flows); nothing with one worker.
enum class SpreadPolicy : uint8_t { kAuto, kOff, kTunnel, kAll };

struct DataplaneOptions {
  TableSizes sizes;
  WorkerOptions worker;
  uint16_t workers = 0;  // worker lcores used, the first of EAL's; 0: every one
  SpreadPolicy spread = SpreadPolicy::kAuto;
  uint32_t spread_ring = 1024;  // each worker's inbound ring (packets other workers hand it)
  uint16_t rx_desc = 1024;
  uint16_t tx_desc = 1024;
  uint32_t mbufs = 0;  // 0: enough for every ring, buffer and cache
  uint32_t mbuf_cache = 256;
  uint32_t punt_ring = 4096;  // packets queued for the control thread
  uint32_t held_max = 4096;   // packets the control thread may hold for resolution, in all
};

struct PortInfo {
  uint16_t id;
  std::string name;    // port0, port1, ... in port-id order
  std::string driver;  // e.g. net_pcap
  uint16_t rx_queues;
  uint16_t tx_queues;
  spread::SpreadMode spread;  // what its workers hand to each other (DataplaneOptions::spread)
  bool rss;                   // RX queues filled by the device's RSS (IP addresses)
};

class Dataplane {
 public:
  // After rte_eal_init: configures and starts every port, creates the tables. Workers are all
  // lcores but the main one.
  static absl::StatusOr<std::unique_ptr<Dataplane>> Create(const DataplaneOptions& opts);
  ~Dataplane();

  Tables& tables() { return *tables_; }
  const Tables& tables() const { return *tables_; }
  const std::vector<PortInfo>& ports() const { return ports_; }
  const std::vector<std::unique_ptr<Worker>>& workers() const { return workers_; }
  rte_mempool* pool() const { return pool_; }
  // The workers' packets for the control thread (ARP, ND, packets awaiting a neighbour), and the
  // control thread's own counters (its drops and events, added to the workers' in stats).
  rte_ring* punt_ring() const { return punt_; }
  LcoreCounters& control_counters() { return *control_counters_; }
  const LcoreCounters& control_counters() const { return *control_counters_; }

  // Sets a port's MTU: the gateway enforces it in software on egress; the device is told too
  // where it supports it.
  absl::Status SetPortMtu(uint16_t port, uint16_t mtu);

  // Control thread, between socket rounds: restarts RX queues that a driver stopped polling after
  // running out of mbufs (net_tap, below). Cheap: at most every 100 ms, no system call unless a
  // queue needs it.
  void RecoverStalledRx();

  void Launch();         // starts the workers on their lcores
  void Stop();           // asks them to stop, waits, they flush on the way out
  void ClosePorts();     // stops and closes every port (net_pcap writes its tx_pcap here)

 private:
  Dataplane() = default;
  absl::Status SetupPorts(const DataplaneOptions& opts, uint16_t n_workers);
  absl::Status SetupSpread(const DataplaneOptions& opts, uint16_t n_workers);

  std::unique_ptr<Tables> tables_;
  std::vector<PortInfo> ports_;
  std::vector<std::unique_ptr<Worker>> workers_;
  rte_mempool* pool_ = nullptr;
  rte_mempool* indirect_ = nullptr;
  rte_ring* punt_ = nullptr;
  std::vector<rte_ring*> spread_rings_;  // by worker index; empty: no spreading
  std::atomic<uint32_t> rx_stopped_{0};
  std::unique_ptr<LcoreCounters> control_counters_;
  std::atomic<bool> quit_{false};
  bool launched_ = false;
  bool ports_open_ = false;
  uint64_t next_rx_check_ = 0;            // TSC
  std::vector<uint64_t> rx_nombuf_seen_;  // by index in ports_
  int tap_signal_ = -1;                   // net_tap's RX signal; -1: not looked for yet
};

}  // namespace gw::dp
