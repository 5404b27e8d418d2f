#include "control/stats.h"

#include <rte_telemetry.h>

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dataplane/counters.h"

namespace gw::ctl {

uint64_t Books::off() const {
  auto abs = [](int64_t v) { return static_cast<uint64_t>(v < 0 ? -v : v); };
  uint64_t n = abs(control_off()) + abs(sends_off()) + abs(inbox_off()) + abs(spread_off());
  for (const auto& [lcore, w] : workers) {
    n += abs(w.off());
    if (w.reasm_waiting() < 0) n += abs(w.reasm_waiting());
  }
  return n;
}

StatsSnapshot TakeSnapshot(const dp::Dataplane& d) {
  StatsSnapshot s;
  // One consistent copy of every block: workers', then the control thread's, with the rings'
  // occupancy read in the same window.
  const size_t nw = d.workers().size();
  std::vector<const dp::LcoreCounters*> src;
  for (const auto& w : d.workers()) src.push_back(&w->counters());
  src.push_back(&d.control_counters());
  std::vector<dp::LcoreCounters> copy(src.size());
  uint64_t in_ring = 0;
  uint64_t in_inbox = 0;
  uint64_t in_spread = 0;
  s.books.consistent = dp::ReadBooks(src.data(), copy.data(), src.size(), [&] {
    in_ring = d.punt_ring() != nullptr ? rte_ring_count(d.punt_ring()) : 0;
    in_inbox = 0;
    in_spread = 0;
    for (const auto& w : d.workers()) {
      in_inbox += rte_ring_count(w->inbox());
      if (w->spread_ring() != nullptr) in_spread += rte_ring_count(w->spread_ring());
    }
  });
  Books& b = s.books;
  for (size_t k = 0; k < nw; ++k) {
    const dp::LcoreCounters& c = copy[k];
    s.processed += c.processed;
    for (size_t i = 0; i < dp::kDropCount; ++i) s.drops[i] += c.drops[i];
    for (size_t i = 0; i < dp::kEventCount; ++i) s.events[i] += c.events[i];
    s.lcores.push_back({d.workers()[k]->lcore(), c.busy_packets, c.busy_cycles});
    const dp::WalkBooks wb = dp::WalkBooksOf(c);
    b.workers.push_back({d.workers()[k]->lcore(), wb});
    b.total += wb;
  }
  const dp::LcoreCounters& cc = copy[nw];
  for (size_t i = 0; i < dp::kDropCount; ++i) s.drops[i] += cc.drops[i];
  for (size_t i = 0; i < dp::kEventCount; ++i) s.events[i] += cc.events[i];
  b.punted = b.total.punted;
  b.in_ring = in_ring;
  b.absorbed = cc.event(dp::Event::punt_absorbed);
  b.released = cc.event(dp::Event::neigh_released);
  b.ctl_dropped = cc.drop(dp::Drop::no_neighbour) + cc.drop(dp::Drop::bad_ndisc) +
                  cc.drop(dp::Drop::slowpath_full);
  b.held = cc.held;
  b.ctl_made = b.released + cc.event(dp::Event::arp_replies) +
               cc.event(dp::Event::arp_requests) + cc.event(dp::Event::nd_adverts) +
               cc.event(dp::Event::nd_solicits);
  b.inbox_queued = cc.event(dp::Event::inbox_queued);
  b.ctl_tx_full = cc.drop(dp::Drop::tx_full);
  b.in_inbox = in_inbox;
  b.in_spread = in_spread;
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

  const Books& b = s.books;
  rte_tel_data* books = rte_tel_data_alloc();
  rte_tel_data_start_dict(books);
  rte_tel_data_add_dict_u64(books, "balanced", b.balanced() ? 1 : 0);
  rte_tel_data_add_dict_u64(books, "off", b.off());
  rte_tel_data_add_dict_u64(books, "consistent", b.consistent ? 1 : 0);
  const dp::WalkBooks& t = b.total;
  const std::pair<const char*, uint64_t> terms[] = {
      {"received", t.received},        {"made", t.made()},
      {"answered_in_place", t.answered_in_place}, {"fragments_made", t.fragments_made},
      {"reassembled", t.reassembled},  {"sent", t.sent},
      {"dropped", t.dropped},          {"handed_off", t.handed_off()},
      {"punted", t.punted},            {"fragmented", t.fragmented},
      {"to_reassembly", t.to_reassembly}, {"reasm_used", t.reasm_used},
      {"reasm_dropped", t.reasm_dropped}, {"tx_queued", t.tx_queued()},
      {"tx_full", t.tx_full},          {"inbox_sent", t.inbox_sent},
      {"in_ring", b.in_ring},          {"absorbed", b.absorbed},
      {"released", b.released},        {"control_dropped", b.ctl_dropped},
      {"held", b.held},                {"control_made", b.ctl_made},
      {"inbox_queued", b.inbox_queued}, {"control_tx_full", b.ctl_tx_full},
      {"in_inbox", b.in_inbox},        {"spread_out", t.spread_out},
      {"spread_in", t.spread_in},      {"in_spread", b.in_spread}};
  for (const auto& [k, v] : terms) rte_tel_data_add_dict_u64(books, k, v);
  rte_tel_data_add_dict_int(books, "reasm_waiting", static_cast<int>(t.reasm_waiting()));
  rte_tel_data_add_dict_int(books, "control_off", static_cast<int>(b.control_off()));
  rte_tel_data_add_dict_int(books, "sends_off", static_cast<int>(b.sends_off()));
  rte_tel_data_add_dict_int(books, "inbox_off", static_cast<int>(b.inbox_off()));
  rte_tel_data_add_dict_int(books, "spread_off", static_cast<int>(b.spread_off()));
  rte_tel_data* wbooks = rte_tel_data_alloc();
  rte_tel_data_start_dict(wbooks);
  for (const auto& [lcore, w] : b.workers)
    rte_tel_data_add_dict_int(wbooks, absl::StrCat("lcore", lcore).c_str(),
                              static_cast<int>(w.off()));
  rte_tel_data_add_dict_container(books, "workers_off", wbooks, 0);
  rte_tel_data_add_dict_container(d, "books", books, 0);
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
  out += BooksText(s.books);
  return out;
}

std::string BooksText(const Books& b) {
  std::string out =
      b.balanced()
          ? std::string("books: balanced")
          : absl::StrCat("books: OFF by ", b.off(),
                         b.consistent ? "" : " (read while packets were in flight)");
  out += "\n";
  const dp::WalkBooks& t = b.total;
  absl::StrAppendFormat(
      &out,
      "  workers: received %u + made %u (icmp in place %u, fragments %u, reassembled %u) = sent %u "
      "+ dropped %u + handed off %u (punted %u, fragmented %u, to reassembly %u)\n",
      t.received, t.made(), t.answered_in_place, t.fragments_made, t.reassembled, t.sent, t.dropped,
      t.handed_off(), t.punted, t.fragmented, t.to_reassembly);
  for (const auto& [lcore, w] : b.workers)
    if (w.off() != 0) absl::StrAppendFormat(&out, "  lcore%u: off by %d\n", lcore, w.off());
  absl::StrAppendFormat(&out,
                        "  reassembly: fragments in %u = used %u + given up %u + waiting %d\n",
                        t.to_reassembly, t.reasm_used, t.reasm_dropped, t.reasm_waiting());
  absl::StrAppendFormat(&out,
                        "  control thread: punted %u = in ring %u + absorbed %u + released %u + "
                        "dropped %u + held %u\n",
                        b.punted, b.in_ring, b.absorbed, b.released, b.ctl_dropped, b.held);
  absl::StrAppendFormat(&out,
                        "  control sends: made %u = queued %u + tx_full %u; queued %u = sent by "
                        "workers %u + in inbox %u\n",
                        b.ctl_made, b.inbox_queued, b.ctl_tx_full, b.inbox_queued, t.inbox_sent,
                        b.in_inbox);
  absl::StrAppendFormat(&out, "  tx: queued %u (walk %u, control thread %u), refused %u\n",
                        t.tx_queued(), t.sent, t.inbox_sent, t.tx_full);
  if (t.spread_out != 0 || b.in_spread != 0)
    absl::StrAppendFormat(&out,
                          "  spread: handed to another worker %u = taken by it %u + in its ring %u\n",
                          t.spread_out, t.spread_in, b.in_spread);
  return out;
}

void PrintReport(FILE* out, const StatsSnapshot& s, const dp::Dataplane& d, const Gateway& gw) {
  std::fputs(ReportText(s, d, gw).c_str(), out);
}

}  // namespace gw::ctl
