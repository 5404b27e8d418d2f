// Counters as people and scripts read them. Workers keep per-lcore blocks (dataplane/counters.h);
// this sums them. Exposed through DPDK telemetry as /gateway/stats (the dpdk-telemetry.py
// client and the tests read it) and printed once at exit.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "control/gateway.h"
#include "dataplane/books.h"
#include "dataplane/dataplane.h"
#include "dataplane/drop_reason.h"

namespace gw::ctl {

struct PortStats {
  std::string name;
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  uint64_t rx_missed = 0, rx_errors = 0, tx_errors = 0;
  // Frames the driver received but could not hand over: no mbuf to refill its ring (the pool was
  // empty). A NIC counts what it could not store in imissed (rx_missed) instead.
  uint64_t rx_nombuf = 0;
};
struct LcoreStats {
  unsigned lcore = 0;
  uint64_t packets = 0;
  uint64_t busy_cycles = 0;
};
// The books (dataplane/books.h) of every worker, and of the control thread for what the workers
// handed it: docs/reliability.md 3 defines each term.
struct Books {
  bool consistent = true;  // read while no thread was between two counters of one packet
  std::vector<std::pair<unsigned, dp::WalkBooks>> workers;  // (lcore, its books)
  dp::WalkBooks total;
  // The control thread: the punted packets, where they are.
  uint64_t punted = 0;     // Σ workers' punted
  uint64_t in_ring = 0;    // still in the punt ring
  uint64_t absorbed = 0;   // ARP/ND taken in (punt_absorbed)
  uint64_t released = 0;   // held packets sent (neigh_released)
  uint64_t ctl_dropped = 0;  // no_neighbour, bad_ndisc, slowpath_full on the control thread
  uint64_t held = 0;       // waiting for a neighbour now
  // What the control thread sends: released + ARP/ND it builds = queued to worker 0 + tx_full.
  uint64_t ctl_made = 0;
  uint64_t inbox_queued = 0;
  uint64_t ctl_tx_full = 0;
  uint64_t in_inbox = 0;  // queued, not yet taken by the worker
  uint64_t in_spread = 0;  // handed from one worker to another, still in the inbound rings

  int64_t control_off() const {
    return static_cast<int64_t>(punted) -
           static_cast<int64_t>(in_ring + absorbed + released + ctl_dropped + held);
  }
  int64_t sends_off() const {
    return static_cast<int64_t>(ctl_made) - static_cast<int64_t>(inbox_queued + ctl_tx_full);
  }
  int64_t inbox_off() const {
    return static_cast<int64_t>(inbox_queued) -
           static_cast<int64_t>(total.inbox_sent + in_inbox);
  }
  // Spreading: Σ spread_out = Σ spread_in + in the rings.
  int64_t spread_off() const {
    return static_cast<int64_t>(total.spread_out) -
           static_cast<int64_t>(total.spread_in + in_spread);
  }
  // Σ of every imbalance, in packets (0: the books balance).
  uint64_t off() const;
  bool balanced() const { return off() == 0; }
};

struct StatsSnapshot {
  uint64_t processed = 0;
  std::array<uint64_t, dp::kDropCount> drops{};    // workers' and the control thread's
  std::array<uint64_t, dp::kEventCount> events{};
  std::vector<PortStats> ports;
  std::vector<LcoreStats> lcores;
  Books books;
};

StatsSnapshot TakeSnapshot(const dp::Dataplane& dp);
dp::TunnelCounters TunnelTotals(const dp::Dataplane& dp, uint32_t tunnel_id);

// Points /gateway/stats at `dp` (registering it on first use); nullptr detaches it, after which
// no reply touches the dataplane.
void RegisterTelemetry(const dp::Dataplane* dp);

// The books as lines of text: "books: balanced" or "books: OFF by N ...", then the terms.
std::string BooksText(const Books& b);

// Counters for people: ports, drops by reason, busy tunnels, per-lcore load, the books.
std::string ReportText(const StatsSnapshot& s, const dp::Dataplane& dp, const Gateway& gw);

// The exit report: per-port counters, drops by reason, per-tunnel counters, per-lcore load.
void PrintReport(FILE* out, const StatsSnapshot& s, const dp::Dataplane& dp, const Gateway& gw);

}  // namespace gw::ctl
