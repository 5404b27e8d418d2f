#include "control/metrics.h"

#include <rte_telemetry.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "dataplane/counters.h"
#include "dataplane/drop_reason.h"

namespace gw::ctl {

TunnelList TunnelsOf(const Gateway& gw) {
  TunnelList out;
  out.reserve(gw.tunnels().size());
  for (const Gateway::Tunnel* t : gw.SortedTunnels()) out.push_back({t->id, t->name, t->base});
  return out;
}

dp::TunnelCounters TunnelCountersOf(const dp::Dataplane& d, const TunnelEntry& t) {
  dp::TunnelCounters c = TunnelTotals(d, t.id);
  c.encap_packets -= t.base.encap_packets;
  c.encap_bytes -= t.base.encap_bytes;
  c.decap_packets -= t.base.decap_packets;
  c.decap_bytes -= t.base.decap_bytes;
  return c;
}

namespace {

absl::string_view Sv(std::string_view v) { return absl::string_view(v.data(), v.size()); }

// A label value as the exposition format wants it: \\, \" and \n escaped.
std::string LabelValue(absl::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// HELP text: \\ and \n escaped.
std::string HelpText(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Family(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help) {
  absl::StrAppend(out, "# HELP ", name, " ", HelpText(help), "\n# TYPE ", name, " ", type, "\n");
}

void Sample(std::string* out, absl::string_view name, absl::string_view label,
            absl::string_view value, uint64_t v) {
  if (label.empty()) {
    absl::StrAppend(out, name, " ", v, "\n");
  } else {
    absl::StrAppend(out, name, "{", label, "=\"", LabelValue(value), "\"} ", v, "\n");
  }
}

}  // namespace

std::string PrometheusText(const StatsSnapshot& s, const dp::Dataplane& d,
                           const TunnelList& tunnels) {
  std::string out;
  out.reserve(8192 + tunnels.size() * 256);

  struct PortField {
    const char* name;
    const char* help;
    uint64_t PortStats::*field;
  };
  static constexpr PortField kPort[] = {
      {"gatewayd_port_rx_packets_total", "Packets received on the port (ethdev ipackets).",
       &PortStats::rx_packets},
      {"gatewayd_port_rx_bytes_total", "Bytes received on the port (ethdev ibytes).",
       &PortStats::rx_bytes},
      {"gatewayd_port_tx_packets_total", "Packets sent on the port (ethdev opackets).",
       &PortStats::tx_packets},
      {"gatewayd_port_tx_bytes_total", "Bytes sent on the port (ethdev obytes).",
       &PortStats::tx_bytes},
      {"gatewayd_port_rx_missed_total",
       "Packets the port dropped because no RX descriptor was free (ethdev imissed).",
       &PortStats::rx_missed},
      {"gatewayd_port_rx_errors_total", "Erroneous packets received (ethdev ierrors).",
       &PortStats::rx_errors},
      {"gatewayd_port_tx_errors_total", "Packets the port failed to send (ethdev oerrors).",
       &PortStats::tx_errors},
  };
  for (const PortField& f : kPort) {
    Family(&out, f.name, "counter", f.help);
    for (const PortStats& p : s.ports) Sample(&out, f.name, "port", p.name, p.*(f.field));
  }
  Family(&out, "gatewayd_port_up", "gauge", "1 if the port is administratively up (link set).");
  for (const dp::PortInfo& p : d.ports())
    Sample(&out, "gatewayd_port_up", "port", p.name,
           d.tables().ports[p.id].up.load(std::memory_order_relaxed) ? 1 : 0);

  Family(&out, "gatewayd_packets_processed_total", "counter",
         "Packets the workers handled to the end: queued for sending or dropped.");
  Sample(&out, "gatewayd_packets_processed_total", "", "", s.processed);
  Family(&out, "gatewayd_drops_total", "counter",
         "Packets dropped, by reason (the reasons of gwctl stats and gatewayd(8)).");
  for (size_t i = 0; i < dp::kDropCount; ++i)
    Sample(&out, "gatewayd_drops_total", "reason", Sv(dp::kDropNames[i]), s.drops[i]);
  Family(&out, "gatewayd_events_total", "counter",
         "What the gateway did besides forwarding (ICMP sent, ARP/ND, fragmentation), by event.");
  for (size_t i = 0; i < dp::kEventCount; ++i)
    Sample(&out, "gatewayd_events_total", "event", Sv(dp::kEventNames[i]), s.events[i]);

  Family(&out, "gatewayd_tunnels", "gauge", "Tunnels configured.");
  Sample(&out, "gatewayd_tunnels", "", "", tunnels.size());
  std::vector<dp::TunnelCounters> tc;
  tc.reserve(tunnels.size());
  for (const TunnelEntry& t : tunnels) tc.push_back(TunnelCountersOf(d, t));
  struct TunnelField {
    const char* name;
    const char* help;
    uint64_t dp::TunnelCounters::*field;
  };
  static constexpr TunnelField kTunnel[] = {
      {"gatewayd_tunnel_encap_packets_total", "Packets encapsulated into the tunnel.",
       &dp::TunnelCounters::encap_packets},
      {"gatewayd_tunnel_encap_bytes_total", "Bytes encapsulated into the tunnel (inner IP length).",
       &dp::TunnelCounters::encap_bytes},
      {"gatewayd_tunnel_decap_packets_total", "Packets decapsulated from the tunnel.",
       &dp::TunnelCounters::decap_packets},
      {"gatewayd_tunnel_decap_bytes_total", "Bytes decapsulated from the tunnel (inner IP length).",
       &dp::TunnelCounters::decap_bytes},
  };
  for (const TunnelField& f : kTunnel) {
    Family(&out, f.name, "counter", f.help);
    for (size_t i = 0; i < tunnels.size(); ++i)
      Sample(&out, f.name, "tunnel", tunnels[i].name, tc[i].*(f.field));
  }

  Family(&out, "gatewayd_lcore_packets_total", "counter", "Packets received by the worker lcore.");
  for (const LcoreStats& l : s.lcores)
    Sample(&out, "gatewayd_lcore_packets_total", "lcore", absl::StrCat(l.lcore), l.packets);
  Family(&out, "gatewayd_lcore_busy_cycles_total", "counter",
         "TSC cycles the worker lcore spent in poll loops that received packets.");
  for (const LcoreStats& l : s.lcores)
    Sample(&out, "gatewayd_lcore_busy_cycles_total", "lcore", absl::StrCat(l.lcore), l.busy_cycles);
  Family(&out, "gatewayd_lcore_loops_total", "counter",
         "Poll loops the worker lcore ran (its heartbeat: stalls when the worker is stuck).");
  for (const auto& w : d.workers())
    Sample(&out, "gatewayd_lcore_loops_total", "lcore", absl::StrCat(w->lcore()),
           dp::Read(w->counters().loops));
  return out;
}

MetricsSource::~MetricsSource() { Detach(); }

void MetricsSource::Publish(const Gateway& gw) {
  auto list = std::make_shared<const TunnelList>(TunnelsOf(gw));
  {
    std::lock_guard<std::mutex> lock(mu_);
    tunnels_ = std::move(list);
  }
  dirty_ = false;
  last_publish_ = std::chrono::steady_clock::now();
}

void MetricsSource::MaybePublish(const Gateway& gw) {
  if (!dirty_) return;
  // A bulk load (gwctl --batch of 100k tunnels) must not copy the list after every command.
  if (std::chrono::steady_clock::now() - last_publish_ < std::chrono::milliseconds(kRepublishMs))
    return;
  Publish(gw);
}

std::shared_ptr<const TunnelList> MetricsSource::Tunnels() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tunnels_;
}

void MetricsSource::Detach() {
  std::unique_lock<std::shared_mutex> lock(life_);
  dp_ = nullptr;
}

std::optional<std::string> MetricsSource::Prometheus() const {
  std::optional<std::string> out;
  WithDataplane([&out](const dp::Dataplane& d, const TunnelList& tunnels) {
    out = PrometheusText(TakeSnapshot(d), d, tunnels);
  });
  return out;
}

namespace {

std::mutex g_tel_mu;
const MetricsSource* g_tel_src = nullptr;
constexpr size_t kTelemetryTunnels = 64;  // a reply is at most 16 KiB of JSON

void TunnelDict(rte_tel_data* d, const dp::TunnelCounters& c) {
  rte_tel_data_start_dict(d);
  rte_tel_data_add_dict_u64(d, "encap_packets", c.encap_packets);
  rte_tel_data_add_dict_u64(d, "encap_bytes", c.encap_bytes);
  rte_tel_data_add_dict_u64(d, "decap_packets", c.decap_packets);
  rte_tel_data_add_dict_u64(d, "decap_bytes", c.decap_bytes);
}

// /gateway/tunnels: {"count": N, "shown": K, "tunnels": {NAME: {counters}}} for the first 64
// tunnels by name; /gateway/tunnels,NAME: that tunnel's counters alone.
int TelemetryTunnels(const char*, const char* params, rte_tel_data* d) {
  std::lock_guard<std::mutex> lock(g_tel_mu);
  if (g_tel_src == nullptr) return -ENODEV;
  const absl::string_view want = params == nullptr ? "" : params;
  int rc = 0;
  const bool attached =
      g_tel_src->WithDataplane([&](const dp::Dataplane& dpl, const TunnelList& tunnels) {
        if (!want.empty()) {
          auto it = std::find_if(tunnels.begin(), tunnels.end(),
                                 [&](const TunnelEntry& t) { return t.name == want; });
          if (it == tunnels.end()) {
            rc = -ENOENT;
            return;
          }
          TunnelDict(d, TunnelCountersOf(dpl, *it));
          return;
        }
        rte_tel_data_start_dict(d);
        const size_t shown = std::min(tunnels.size(), kTelemetryTunnels);
        rte_tel_data_add_dict_u64(d, "count", tunnels.size());
        rte_tel_data_add_dict_u64(d, "shown", shown);
        rte_tel_data* all = rte_tel_data_alloc();
        rte_tel_data_start_dict(all);
        for (size_t i = 0; i < shown; ++i) {
          rte_tel_data* one = rte_tel_data_alloc();
          TunnelDict(one, TunnelCountersOf(dpl, tunnels[i]));
          rte_tel_data_add_dict_container(all, tunnels[i].name.c_str(), one, 0);
        }
        rte_tel_data_add_dict_container(d, "tunnels", all, 0);
      });
  if (!attached) return -ENODEV;
  return rc;
}

}  // namespace

void MetricsSource::RegisterTelemetry(const MetricsSource* src) {
  {
    std::lock_guard<std::mutex> lock(g_tel_mu);
    g_tel_src = src;
  }
  static bool registered = false;
  if (src == nullptr || registered) return;
  registered = true;
  rte_telemetry_register_cmd(
      "/gateway/tunnels", TelemetryTunnels,
      "Per-tunnel counters: the first 64 tunnels by name. Parameters: a tunnel name");
}

}  // namespace gw::ctl
