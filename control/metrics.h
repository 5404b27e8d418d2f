// Counters for machines: the Prometheus text exposition format (version 0.0.4), served on
// /metrics by the HTTP thread (metrics_server.h) and printed by `gwctl stats --prometheus` for
// node_exporter's textfile collector; and the per-tunnel counters in DPDK telemetry
// (/gateway/tunnels). One formatter, PrometheusText, serves both outputs.
//
// Threads. The HTTP and telemetry threads never read what the control thread owns (Gateway's
// maps): the control thread publishes an immutable list of the tunnels (id, name, the counters of
// the id's earlier owners) whenever it changes, and they read that list plus the dataplane's
// counters, through the relaxed Read()s the stats already use. Before the dataplane goes, Detach()
// waits for a reply in progress and makes later ones empty.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "control/gateway.h"
#include "control/stats.h"
#include "dataplane/dataplane.h"

namespace gw::ctl {

struct TunnelEntry {
  uint32_t id = 0;
  std::string name;
  dp::TunnelCounters base;  // subtracted: what the id counted for an earlier tunnel
};
using TunnelList = std::vector<TunnelEntry>;  // by name

// Control thread only.
TunnelList TunnelsOf(const Gateway& gw);

// The counters of one listed tunnel (any thread).
dp::TunnelCounters TunnelCountersOf(const dp::Dataplane& dp, const TunnelEntry& t);

// The exposition: HELP and TYPE lines, then the samples; every drop reason and event appears,
// zero or not, so that rate() and absent() work from the first scrape.
std::string PrometheusText(const StatsSnapshot& s, const dp::Dataplane& dp,
                           const TunnelList& tunnels);

// What the HTTP and telemetry threads read.
class MetricsSource {
 public:
  explicit MetricsSource(const dp::Dataplane* dp) : dp_(dp) {}
  ~MetricsSource();
  MetricsSource(const MetricsSource&) = delete;
  MetricsSource& operator=(const MetricsSource&) = delete;

  // Control thread: the tunnels changed (cheap to call often: rebuilt at most every
  // kRepublishMs while changes keep coming, see MaybePublish).
  void MarkTunnelsChanged() { dirty_ = true; }
  void MaybePublish(const Gateway& gw);
  void Publish(const Gateway& gw);
  // Control thread, before the dataplane is torn down.
  void Detach();

  // Any thread: the exposition, or nothing once detached.
  std::optional<std::string> Prometheus() const;
  // Any thread: the tunnel list as last published, and the dataplane under a shared lock for
  // `fn`; false once detached.
  template <typename Fn>
  bool WithDataplane(Fn&& fn) const {
    std::shared_lock<std::shared_mutex> lock(life_);
    if (dp_ == nullptr) return false;
    fn(*dp_, *Tunnels());
    return true;
  }
  std::shared_ptr<const TunnelList> Tunnels() const;

  // /gateway/tunnels in DPDK telemetry reads `src` (nullptr: detached).
  static void RegisterTelemetry(const MetricsSource* src);

  static constexpr int kRepublishMs = 100;

 private:
  mutable std::shared_mutex life_;  // dp_ stays valid while held shared
  const dp::Dataplane* dp_;
  mutable std::mutex mu_;  // guards tunnels_ (the pointer, not the list)
  std::shared_ptr<const TunnelList> tunnels_ = std::make_shared<const TunnelList>();
  bool dirty_ = false;  // control thread only
  std::chrono::steady_clock::time_point last_publish_{};
};

}  // namespace gw::ctl
