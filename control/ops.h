// What gatewayd does for its operators, around the forwarding: the log type (log.h), live capture
// with dpdk-dumpcap (rte_pdump), Prometheus metrics and /gateway/tunnels (metrics.h,
// metrics_server.h), the systemd notify protocol and watchdog (systemd_notify.h). gatewayd's main
// calls it at these points:
//
//   InitOpsLogging()   first thing, before rte_eal_init
//   LogPortsUp()       the dataplane created, its ports started
//   Ops::Start()       config applied, control socket open, workers not yet launched
//   Ops::Ready()       workers launched: READY=1
//   Ops::Tick()        every control loop round (watchdog, STATUS, republishing the tunnels)
//   Ops::Stopping()    the signal ended the loop: STOPPING=1
//   Ops::Detach()      workers stopped, before the counters' last read and the ports' close:
//                      HTTP stopped, telemetry and scrapes detached, rte_pdump_uninit
//
// docs/operations.md is the operator's side of all this.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "control/gateway.h"
#include "control/metrics.h"
#include "control/metrics_server.h"
#include "control/request.h"
#include "control/systemd_notify.h"
#include "dataplane/dataplane.h"

namespace gw::ctl {

struct OpsOptions {
  std::optional<ListenAddress> metrics;  // --metrics
};

// Before rte_eal_init: registers the "gatewayd" log type (--log-level=gatewayd:LEVEL applies to
// it) and, under systemd, sends DPDK's log to the journal once, from the EAL's first line on.
void InitOpsLogging();

// event=port_up per port, once the dataplane has started them.
void LogPortsUp(const dp::Dataplane& dp);

// --metrics checked before anything starts: a bad value is one line and exit 1.
absl::StatusOr<OpsOptions> ParseOpsFlags(const std::string& metrics);

class Ops {
 public:
  Ops(dp::Dataplane& dp, const Gateway& gw, RequestHandler& handler, OpsOptions opts);
  ~Ops();  // Detach() if not done
  Ops(const Ops&) = delete;
  Ops& operator=(const Ops&) = delete;

  absl::Status Start();
  void Ready();
  void Tick();
  void Stopping();
  void Detach();

 private:
  dp::Dataplane& dp_;
  const Gateway& gw_;
  RequestHandler& handler_;
  const OpsOptions opts_;
  MetricsSource source_;
  ServiceNotifier notifier_;
  std::unique_ptr<MetricsServer> http_;
  bool pdump_ = false;
  bool detached_ = false;
};

}  // namespace gw::ctl
