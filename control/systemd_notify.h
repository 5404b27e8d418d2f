// The systemd service protocol (sd_notify(3), libsystemd), for conf/gatewayd.service
// (Type=notify, WatchdogSec=):
//
//   READY=1     once the ports are up, the --config is applied and the workers run (where
//               gatewayd prints "forwarding"); systemd starts units ordered after us then
//   STATUS=...  one line: ports, tunnels, packet rates; at READY and every kStatusPeriod
//   WATCHDOG=1  every WATCHDOG_USEC/2, from the control thread's loop, and only if every worker
//               lcore's heartbeat (LcoreCounters::loops) moved since the previous check: a stuck
//               worker (or a stuck control thread) stops the pings and systemd restarts us
//   STOPPING=1  when SIGTERM/SIGINT ends the main loop
//
// Without $NOTIFY_SOCKET (not started by systemd) every call does nothing. Control thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "control/gateway.h"
#include "dataplane/dataplane.h"

namespace gw::ctl {

class ServiceNotifier {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kStatusPeriod{5};

  explicit ServiceNotifier(const dp::Dataplane& dp);

  bool active() const { return active_; }
  bool watchdog() const { return watchdog_usec_ != 0; }

  void Ready(const Gateway& gw);
  // Every control loop round: cheap unless a ping or a status is due.
  void Tick(const Gateway& gw);
  void Stopping();

  // The STATUS= line, e.g. "2 ports (2 up), 3 tunnels, rx 1200 pps, tx 1180 pps".
  std::string StatusLine(const Gateway& gw, Clock::time_point now);

 private:
  // Whether every worker looped since the last call (the first call compares with Ready's
  // sample); logs a stall once, and the recovery.
  bool WorkersProgressed();

  const dp::Dataplane& dp_;
  bool active_ = false;
  uint64_t watchdog_usec_ = 0;  // 0: no watchdog
  Clock::duration ping_period_{};
  Clock::time_point next_ping_{};
  Clock::time_point next_status_{};
  std::vector<uint64_t> loops_;  // per worker, at the last check
  std::vector<bool> stalled_;
  // For the rates: the ports' packet totals at the last status.
  Clock::time_point rate_at_{};
  uint64_t rx_total_ = 0, tx_total_ = 0;
};

}  // namespace gw::ctl
