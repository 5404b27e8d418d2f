#include "control/ops.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_pdump.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "control/log.h"

namespace gw::ctl {

void InitOpsLogging() {
  LogToJournalIfThere();
  LogType();
}

void LogPortsUp(const dp::Dataplane& dp) {
  for (const dp::PortInfo& p : dp.ports()) {
    const auto& mac = dp.tables().ports[p.id].mac.addr_bytes;
    LogEvent(RTE_LOG_INFO, "port_up",
             {{"dev", p.name},
              {"driver", p.driver},
              {"mac", absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                                      mac[3], mac[4], mac[5])},
              {"mtu", absl::StrCat(dp.tables().ports[p.id].mtu.load())},
              {"rxq", absl::StrCat(p.rx_queues)},
              {"txq", absl::StrCat(p.tx_queues)}});
  }
}

absl::StatusOr<OpsOptions> ParseOpsFlags(const std::string& metrics) {
  OpsOptions o;
  if (!metrics.empty()) {
    absl::StatusOr<ListenAddress> a = ParseListenAddress("metrics", metrics);
    if (!a.ok()) return a.status();
    o.metrics = *a;
  }
  return o;
}

Ops::Ops(dp::Dataplane& dp, const Gateway& gw, RequestHandler& handler, OpsOptions opts)
    : dp_(dp), gw_(gw), handler_(handler), opts_(std::move(opts)), source_(&dp), notifier_(dp) {}

Ops::~Ops() { Detach(); }

absl::Status Ops::Start() {
  // dpdk-dumpcap / dpdk-pdump attach as secondary processes and ask us, over the EAL's
  // multi-process channel, to copy the ports' packets to them. That channel and the memory they
  // share need the EAL's runtime files and hugepages: --in-memory, --no-shconf or --no-huge
  // leave capture unavailable (forwarding is not affected).
  if (rte_pdump_init() == 0) {
    pdump_ = true;
    // A secondary process maps the primary's memory through hugepage files and the runtime
    // directory's "config" file; without either it cannot attach.
    const std::string config = absl::StrCat(rte_eal_get_runtime_dir(), "/config");
    if (!rte_eal_has_hugepages()) {
      LogEvent(RTE_LOG_NOTICE, "capture_unavailable",
               {{"reason", "no hugepages (--no-huge): dpdk-dumpcap cannot attach"}});
    } else if (access(config.c_str(), F_OK) != 0) {
      LogEvent(RTE_LOG_NOTICE, "capture_unavailable",
               {{"reason",
                 "no shared config (--in-memory or --no-shconf): dpdk-dumpcap cannot "
                 "attach"}});
    }
  } else {
    LogEvent(RTE_LOG_NOTICE, "capture_unavailable",
             {{"reason", absl::StrCat("rte_pdump_init: ", rte_strerror(rte_errno),
                                      " (--in-memory or --no-shconf?)")}});
  }

  source_.Publish(gw_);
  handler_.SetOnApplied([this] { source_.MarkTunnelsChanged(); });
  MetricsSource::RegisterTelemetry(&source_);
  if (opts_.metrics) {
    absl::StatusOr<std::unique_ptr<MetricsServer>> s =
        MetricsServer::Start(*opts_.metrics, source_);
    if (!s.ok()) return s.status();
    http_ = std::move(*s);
    LogEvent(RTE_LOG_INFO, "metrics_listening",
             {{"url", absl::StrCat("http://", opts_.metrics->ToString(), "/metrics")}});
  }
  return absl::OkStatus();
}

void Ops::Ready() { notifier_.Ready(gw_); }

void Ops::Tick() {
  source_.MaybePublish(gw_);
  notifier_.Tick(gw_);
}

void Ops::Stopping() {
  LogEvent(RTE_LOG_INFO, "stopping", {});
  notifier_.Stopping();
}

void Ops::Detach() {
  if (detached_) return;
  detached_ = true;
  http_.reset();  // no scrape in progress or to come
  MetricsSource::RegisterTelemetry(nullptr);
  source_.Detach();
  handler_.SetOnApplied(nullptr);
  if (pdump_) rte_pdump_uninit();
  pdump_ = false;
}

}  // namespace gw::ctl
