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
struct StatsSnapshot {
  uint64_t processed = 0;
  std::array<uint64_t, dp::kDropCount> drops{};    // workers' and the control thread's
  std::array<uint64_t, dp::kEventCount> events{};
  std::vector<PortStats> ports;
  std::vector<LcoreStats> lcores;
};

StatsSnapshot TakeSnapshot(const dp::Dataplane& dp);
dp::TunnelCounters TunnelTotals(const dp::Dataplane& dp, uint32_t tunnel_id);

// Points /gateway/stats at `dp` (registering it on first use); nullptr detaches it, after which
// no reply touches the dataplane.
void RegisterTelemetry(const dp::Dataplane* dp);

// Counters for people: ports, drops by reason, busy tunnels, per-lcore load.
std::string ReportText(const StatsSnapshot& s, const dp::Dataplane& dp, const Gateway& gw);

// The exit report: per-port counters, drops by reason, per-tunnel counters, per-lcore load.
void PrintReport(FILE* out, const StatsSnapshot& s, const dp::Dataplane& dp, const Gateway& gw);

}  // namespace gw::ctl
