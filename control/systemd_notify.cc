#include "control/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "control/log.h"
#include "dataplane/counters.h"

namespace gw::ctl {

ServiceNotifier::ServiceNotifier(const dp::Dataplane& dp) : dp_(dp) {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  active_ = sock != nullptr && *sock != '\0';
  uint64_t usec = 0;
  // > 0 only if $WATCHDOG_USEC is set (and $WATCHDOG_PID, if set, is ours).
  if (active_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_usec_ = usec;
    ping_period_ = std::chrono::microseconds(usec / 2);
  }
  loops_.assign(dp_.workers().size(), 0);
  stalled_.assign(dp_.workers().size(), false);
}

std::string ServiceNotifier::StatusLine(const Gateway& gw, Clock::time_point now) {
  size_t up = 0;
  uint64_t rx = 0, tx = 0;
  for (const dp::PortInfo& p : dp_.ports()) {
    if (dp_.tables().ports[p.id].up.load(std::memory_order_relaxed)) ++up;
    rte_eth_stats st{};
    if (rte_eth_stats_get(p.id, &st) == 0) {
      rx += st.ipackets;
      tx += st.opackets;
    }
  }
  uint64_t rx_pps = 0, tx_pps = 0;
  const double dt = std::chrono::duration<double>(now - rate_at_).count();
  if (rate_at_ != Clock::time_point{} && dt > 0) {
    rx_pps = static_cast<uint64_t>(static_cast<double>(rx - rx_total_) / dt);
    tx_pps = static_cast<uint64_t>(static_cast<double>(tx - tx_total_) / dt);
  }
  rate_at_ = now;
  rx_total_ = rx;
  tx_total_ = tx;
  return absl::StrCat(dp_.ports().size(), " ports (", up, " up), ", gw.tunnels().size(),
                      " tunnels, rx ", rx_pps, " pps, tx ", tx_pps, " pps");
}

void ServiceNotifier::Ready(const Gateway& gw) {
  const Clock::time_point now = Clock::now();
  for (size_t i = 0; i < dp_.workers().size(); ++i)
    loops_[i] = dp::Read(dp_.workers()[i]->counters().loops);
  next_ping_ = now + ping_period_;
  next_status_ = now + kStatusPeriod;
  const std::string status = StatusLine(gw, now);
  if (!active_) return;
  sd_notify(0, absl::StrCat("READY=1\nSTATUS=", status).c_str());
  LogEvent(RTE_LOG_INFO, "systemd_ready",
           {{"watchdog_usec", absl::StrCat(watchdog_usec_)}, {"status", status}});
}

bool ServiceNotifier::WorkersProgressed() {
  bool all = true;
  for (size_t i = 0; i < dp_.workers().size(); ++i) {
    const dp::Worker& w = *dp_.workers()[i];
    const uint64_t now = dp::Read(w.counters().loops);
    const bool moved = now != loops_[i];
    loops_[i] = now;
    if (!moved) {
      all = false;
      if (!stalled_[i])
        LogEvent(RTE_LOG_WARNING, "worker_stalled",
                 {{"lcore", absl::StrCat(w.lcore())}, {"loops", absl::StrCat(now)}});
      stalled_[i] = true;
    } else if (stalled_[i]) {
      stalled_[i] = false;
      LogEvent(RTE_LOG_NOTICE, "worker_recovered", {{"lcore", absl::StrCat(w.lcore())}});
    }
  }
  return all;
}

void ServiceNotifier::Tick(const Gateway& gw) {
  if (!active_) return;
  const Clock::time_point now = Clock::now();
  if (watchdog_usec_ != 0 && now >= next_ping_) {
    next_ping_ = now + ping_period_;
    if (WorkersProgressed()) sd_notify(0, "WATCHDOG=1");
  }
  if (now >= next_status_) {
    next_status_ = now + kStatusPeriod;
    sd_notify(0, absl::StrCat("STATUS=", StatusLine(gw, now)).c_str());
  }
}

void ServiceNotifier::Stopping() {
  if (!active_) return;
  sd_notify(0, "STOPPING=1\nSTATUS=stopping: flushing the workers, closing the ports");
}

}  // namespace gw::ctl
