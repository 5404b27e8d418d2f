#include "control/stats.h"

#include <rte_telemetry.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dataplane/counters.h"

namespace gw::ctl {

StatsSnapshot TakeSnapshot(const dp::Dataplane& d) {
  StatsSnapshot s;
  for (const auto& w : d.workers()) {
    const dp::LcoreCounters& c = w->counters();
    s.processed += dp::Read(c.processed);
    for (size_t i = 0; i < dp::kDropCount; ++i) s.drops[i] += dp::Read(c.drops[i]);
    for (size_t i = 0; i < dp::kEventCount; ++i) s.events[i] += dp::Read(c.events[i]);
    s.lcores.push_back({w->lcore(), dp::Read(c.busy_packets), dp::Read(c.busy_cycles)});
  }
  const dp::LcoreCounters& cc = d.control_counters();
  for (size_t i = 0; i < dp::kDropCount; ++i) s.drops[i] += dp::Read(cc.drops[i]);
  for (size_t i = 0; i < dp::kEventCount; ++i) s.events[i] += dp::Read(cc.events[i]);
  for (const dp::PortInfo& p : d.ports()) {
    PortStats ps;
    ps.name = p.name;
    rte_eth_stats st{};
    if (rte_eth_stats_get(p.id, &st) == 0) {
      ps.rx_packets = st.ipackets;
      ps.rx_bytes = st.ibytes;
      ps.tx_packets = st.opackets;
      ps.tx_bytes = st.obytes;
      ps.rx_missed = st.imissed;
      ps.rx_nombuf = st.rx_nombuf;
      ps.rx_errors = st.ierrors;
      ps.tx_errors = st.oerrors;
    }
    s.ports.push_back(ps);
  }
  return s;
}

dp::TunnelCounters TunnelTotals(const dp::Dataplane& d, uint32_t id) {
  const dp::TunnelTable& tunnels = d.tables().tunnels;
  dp::TunnelCounters t;
  for (uint32_t w = 0; w < tunnels.workers(); ++w) t += tunnels.Counters(w, id);
  return t;
}

namespace {

// The telemetry thread reads the dataplane while the main thread may be tearing it down: the
// mutex keeps a reply from outliving the pointer.
std::mutex g_mu;
const dp::Dataplane* g_dp = nullptr;

int TelemetryStats(const char*, const char*, rte_tel_data* d) {
  std::lock_guard<std::mutex> lock(g_mu);
  const dp::Dataplane* dpl = g_dp;
  if (dpl == nullptr) return -ENODEV;
  const StatsSnapshot s = TakeSnapshot(*dpl);
  rte_tel_data_start_dict(d);
  rte_tel_data_add_dict_u64(d, "processed", s.processed);

  rte_tel_data* ports = rte_tel_data_alloc();
  rte_tel_data_start_dict(ports);
  for (const PortStats& p : s.ports) {
    rte_tel_data* pd = rte_tel_data_alloc();
    rte_tel_data_start_dict(pd);
    rte_tel_data_add_dict_u64(pd, "rx_packets", p.rx_packets);
    rte_tel_data_add_dict_u64(pd, "rx_bytes", p.rx_bytes);
    rte_tel_data_add_dict_u64(pd, "tx_packets", p.tx_packets);
    rte_tel_data_add_dict_u64(pd, "tx_bytes", p.tx_bytes);
    rte_tel_data_add_dict_u64(pd, "rx_missed", p.rx_missed);
    rte_tel_data_add_dict_u64(pd, "rx_nombuf", p.rx_nombuf);
    rte_tel_data_add_dict_container(ports, p.name.c_str(), pd, 0);
  }
  rte_tel_data_add_dict_container(d, "ports", ports, 0);

  rte_tel_data* drops = rte_tel_data_alloc();
  rte_tel_data_start_dict(drops);
  for (size_t i = 0; i < dp::kDropCount; ++i)
    rte_tel_data_add_dict_u64(drops, std::string(dp::kDropNames[i]).c_str(), s.drops[i]);
  rte_tel_data_add_dict_container(d, "drops", drops, 0);

  rte_tel_data* events = rte_tel_data_alloc();
  rte_tel_data_start_dict(events);
  for (size_t i = 0; i < dp::kEventCount; ++i)
    rte_tel_data_add_dict_u64(events, std::string(dp::kEventNames[i]).c_str(), s.events[i]);
  rte_tel_data_add_dict_container(d, "events", events, 0);

  rte_tel_data* lcores = rte_tel_data_alloc();
  rte_tel_data_start_dict(lcores);
  for (const LcoreStats& l : s.lcores) {
    rte_tel_data* ld = rte_tel_data_alloc();
    rte_tel_data_start_dict(ld);
    rte_tel_data_add_dict_u64(ld, "packets", l.packets);
    rte_tel_data_add_dict_u64(ld, "busy_cycles", l.busy_cycles);
    rte_tel_data_add_dict_container(lcores, absl::StrCat("lcore", l.lcore).c_str(), ld, 0);
  }
  rte_tel_data_add_dict_container(d, "lcores", lcores, 0);
  return 0;
}

}  // namespace

void RegisterTelemetry(const dp::Dataplane* d) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    g_dp = d;
  }
  static bool registered = false;
  if (d == nullptr || registered) return;
  registered = true;
  rte_telemetry_register_cmd("/gateway/stats", TelemetryStats,
                             "Gateway counters: processed, ports, drops by reason, lcores");
}

std::string ReportText(const StatsSnapshot& s, const dp::Dataplane&, const Gateway& gw) {
  std::string out = absl::StrFormat("%-8s %14s %16s %14s %16s %10s %10s\n", "port", "rx_packets",
                                    "rx_bytes", "tx_packets", "tx_bytes", "rx_missed", "rx_nombuf");
  for (const PortStats& p : s.ports)
    absl::StrAppendFormat(&out, "%-8s %14u %16u %14u %16u %10u %10u\n", p.name, p.rx_packets,
                          p.rx_bytes, p.tx_packets, p.tx_bytes, p.rx_missed, p.rx_nombuf);
  absl::StrAppendFormat(&out, "processed %u packets\n", s.processed);
  bool any = false;
  for (size_t i = 0; i < dp::kDropCount; ++i) {
    if (s.drops[i] == 0) continue;
    if (!any) out += "drops:\n";
    any = true;
    absl::StrAppendFormat(&out, "  %-18s %12u  (%s)\n", dp::kDropNames[i], s.drops[i],
                          dp::kDropDescriptions[i]);
  }
  if (!any) out += "drops: none\n";
  any = false;
  for (size_t i = 0; i < dp::kEventCount; ++i) {
    if (s.events[i] == 0) continue;
    if (!any) out += "events:\n";
    any = true;
    absl::StrAppendFormat(&out, "  %-18s %12u  (%s)\n", dp::kEventNames[i], s.events[i],
                          dp::kEventDescriptions[i]);
  }
  size_t shown = 0;
  for (const Gateway::Tunnel* t : gw.SortedTunnels()) {
    const dp::TunnelCounters c = gw.TunnelCountersOf(*t);
    if (c.encap_packets + c.decap_packets == 0) continue;
    if (shown++ == 0)
      absl::StrAppendFormat(&out, "%-16s %14s %16s %14s %16s\n", "tunnel", "encap_packets",
                            "encap_bytes", "decap_packets", "decap_bytes");
    if (shown > 50) {
      out += "... (busy tunnels beyond 50 not shown; gwctl -j stats has them all)\n";
      break;
    }
    absl::StrAppendFormat(&out, "%-16s %14u %16u %14u %16u\n", t->name, c.encap_packets,
                          c.encap_bytes, c.decap_packets, c.decap_bytes);
  }
  for (const LcoreStats& l : s.lcores)
    absl::StrAppendFormat(&out, "lcore%u: %u packets, %.1f busy cycles/packet\n", l.lcore,
                          l.packets,
                          l.packets ? static_cast<double>(l.busy_cycles) / l.packets : 0.0);
  return out;
}

void PrintReport(FILE* out, const StatsSnapshot& s, const dp::Dataplane& d, const Gateway& gw) {
  std::fputs(ReportText(s, d, gw).c_str(), out);
}

}  // namespace gw::ctl
