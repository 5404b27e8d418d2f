// gatewayd: EAL → tables, mempool and ports → the --config file applied in full → control socket
// → workers launched → the main lcore serves the socket until SIGINT/SIGTERM → workers stopped
// and flushed → ports closed → counters printed.
#include <gflags/gflags.h>
#include <grp.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "control/config_file.h"
#include "control/gateway.h"
#include "control/ops.h"
#include "control/request.h"
#include "control/server.h"
#include "control/resolver.h"
#include "control/stats.h"
#include "dataplane/dataplane.h"

DEFINE_string(config, "", "config file of commands, applied in full before any port forwards");
DEFINE_string(socket, "/run/gatewayd.sock", "control socket (gwctl); empty: none");
DEFINE_string(socket_group, "",
              "control socket: its group (a name or a number); empty: the daemon's. Members of "
              "this group can reconfigure the gateway");
DEFINE_uint32(max_line, 8192,
              "longest command line, bytes: a --config line, a control socket request (64..16M)");
DEFINE_bool(config_insecure_ok, false,
            "load a --config that anyone but root and this user could write or replace");
DEFINE_uint32(max_clients, 256, "control socket: connections served at once");
DEFINE_uint32(client_timeout_ms, 10000, "control socket: an idle connection is closed after this");
DEFINE_uint32(burst, 32, "RX burst and TX buffer size, packets (1..512)");
DEFINE_uint32(rxd, 1024, "RX descriptors per queue");
DEFINE_uint32(txd, 1024, "TX descriptors per queue");
DEFINE_uint32(mbufs, 0, "mbufs in the pool; 0 sizes it from rings, buffers and caches");
DEFINE_uint32(mbuf_cache, 256, "per-lcore mempool cache");
DEFINE_uint32(tunnels, 65536, "tunnel table size (also the peer table)");
DEFINE_uint32(routes, 65536, "IPv4 route table size");
DEFINE_uint32(routes6, 16384, "IPv6 route table size");
DEFINE_uint32(tbl8s, 4096, "IPv4 FIB tbl8 groups (1 KiB each, two copies)");
DEFINE_uint32(tbl8s6, 4096, "IPv6 FIB tbl8 groups (1 KiB each, two copies)");
DEFINE_uint32(nexthops, 65536, "distinct next hops (port/gateway or tunnel/via pairs)");
DEFINE_uint32(neighbours, 65536, "neighbour table size");
DEFINE_string(burst_prefetch, "auto",
              "burst stage prefetch of the walk's records: on, off, or auto (on above 65536 "
              "tunnels or next hops)");
DEFINE_string(fast_path, "on",
              "the vector walk's fast stages for the common packets (on), or the scalar walk for "
              "every packet (off; the same forwarding, for comparison)");
DEFINE_uint32(workers, 0,
              "worker lcores to use, the first of EAL's (-l/--lcores): 0 = every one but the main");
DEFINE_string(spread, "auto",
              "hand packets to the worker of their flow (inner flow for tunnel packets), keeping "
              "per-flow order: auto (all where a port has no RSS queue per worker, else tunnel), "
              "tunnel, all, or off");
DEFINE_uint32(spread_ring, 1024, "each worker's inbound ring for packets other workers hand it");
DEFINE_uint32(idle_sleep_us, 0, "a worker whose loop found nothing sleeps this long; 0 = poll");
DEFINE_uint32(icmp_ratelimit, 1000, "ICMP errors per second per worker lcore (0: none)");
DEFINE_uint32(icmp_burst, 50, "ICMP errors a worker may send at once (token bucket depth)");
DEFINE_uint32(neigh_hold, 32, "packets held per neighbour being resolved (ARP/ND)");
DEFINE_uint32(neigh_held_max, 4096, "packets held for resolution in all");
DEFINE_uint32(neigh_retrans_ms, 1000, "between ARP requests / neighbour solicitations");
DEFINE_uint32(neigh_probes, 3, "unanswered solicitations before a neighbour is given up");
DEFINE_uint32(neigh_reachable_ms, 30000, "a learned neighbour is re-probed after this");
DEFINE_uint32(frag_timeout_ms, 2000, "reassembly gives up on a datagram after this");
DEFINE_uint32(frag_entries, 4096, "datagrams being reassembled at once, per worker");
DEFINE_uint32(slowpath_tick_ms, 1, "the control thread handles ARP, ND and held packets this often");
DEFINE_uint32(tunnel_pmtu_expires_s, 600,
              "a tunnel's path MTU learned from ICMP is forgotten after this (Linux: "
              "net.ipv4.route.mtu_expires)");
DEFINE_uint32(tunnel_pmtu_min, 552,
              "a path MTU reported below this is raised to it and locked: outer DF clear (Linux: "
              "net.ipv4.route.min_pmtu; 68..1500)");
// Operations: control/ops.h, docs/operations.md.
DEFINE_string(metrics, "",
              "serve Prometheus metrics over HTTP on ADDR:PORT (e.g. 127.0.0.1:9478); empty: off");
DEFINE_uint32(test_only_stall_worker_ms, 0,
              "TEST ONLY: worker 0 stops polling this many ms after it starts, as if stuck (the "
              "systemd watchdog test); 0: never");

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

int Fail(const std::string& what) {
  std::fprintf(stderr, "gatewayd: %s\n", what.c_str());
  return 1;
}

// --socket_group: a group name, or a number. -1 with an error message if there is no such group.
int64_t ResolveGroup(const std::string& name, std::string* error) {
  if (name.empty()) return -1;
  uint32_t gid;
  if (absl::SimpleAtoi(name, &gid)) return gid;
  std::vector<char> buf(16384);
  group g{};
  group* found = nullptr;
  int rc;
  while ((rc = getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found)) == ERANGE)
    buf.resize(buf.size() * 2);
  if (found == nullptr) {
    *error = absl::StrCat("--socket_group: no group \"", name, "\"",
                          rc != 0 ? absl::StrCat(" (", std::strerror(rc), ")") : "");
    return -1;
  }
  return found->gr_gid;
}

}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa{};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  gw::ctl::InitOpsLogging();  // before the EAL's first line: under systemd it goes to the journal
  const int eal_args = rte_eal_init(argc, argv);
  if (eal_args < 0) return Fail("EAL init failed (the EAL's own messages above say why)");
  argc -= eal_args;
  argv += eal_args;
  gflags::SetUsageMessage("gatewayd [EAL options] -- [--config=FILE] [flags]");
  gflags::ParseCommandLineFlags(&argc, &argv, true);
  if (argc > 1) return Fail(std::string("unexpected argument \"") + argv[1] + "\"");
  if (FLAGS_burst == 0 || FLAGS_burst > 512) return Fail("--burst must be 1..512");
  if (FLAGS_rxd == 0 || FLAGS_rxd > 32768) return Fail("--rxd must be 1..32768");
  if (FLAGS_txd == 0 || FLAGS_txd > 32768) return Fail("--txd must be 1..32768");
  if (FLAGS_neigh_probes == 0) return Fail("--neigh_probes must be at least 1");
  if (FLAGS_neigh_retrans_ms == 0) return Fail("--neigh_retrans_ms must be at least 1");
  if (FLAGS_slowpath_tick_ms == 0 || FLAGS_slowpath_tick_ms > 1000)
    return Fail("--slowpath_tick_ms must be 1..1000");
  if (FLAGS_tunnel_pmtu_expires_s == 0 || FLAGS_tunnel_pmtu_expires_s > 86400)
    return Fail("--tunnel_pmtu_expires_s must be 1..86400");
  if (FLAGS_tunnel_pmtu_min < 68 || FLAGS_tunnel_pmtu_min > 1500)
    return Fail("--tunnel_pmtu_min must be 68..1500");
  absl::StatusOr<gw::ctl::OpsOptions> ops_opts = gw::ctl::ParseOpsFlags(FLAGS_metrics);
  if (!ops_opts.ok()) return Fail(std::string(ops_opts.status().message()));
  if (FLAGS_max_line < 64 || FLAGS_max_line > (16u << 20))
    return Fail("--max_line must be 64..16777216");
  std::string group_error;
  const int64_t socket_group = ResolveGroup(FLAGS_socket_group, &group_error);
  if (!group_error.empty()) return Fail(group_error);
  // Before anything is allocated: a config that others could have written is not loaded.
  if (!FLAGS_config.empty() && !FLAGS_config_insecure_ok) {
    if (absl::Status s = gw::ctl::CheckConfigFileSafe(FLAGS_config); !s.ok())
      return Fail(std::string(s.message()));
  }

  gw::dp::DataplaneOptions opts;
  opts.sizes.tunnels = FLAGS_tunnels;
  opts.sizes.routes = FLAGS_routes;
  opts.sizes.routes6 = FLAGS_routes6;
  opts.sizes.tbl8s = FLAGS_tbl8s;
  opts.sizes.tbl8s6 = FLAGS_tbl8s6;
  opts.sizes.nexthops = FLAGS_nexthops;
  opts.sizes.neighbours = FLAGS_neighbours;
  opts.worker.burst = static_cast<uint16_t>(FLAGS_burst);
  opts.worker.idle_sleep_us = FLAGS_idle_sleep_us;
  if (FLAGS_burst_prefetch == "on")
    opts.worker.burst_prefetch = gw::dp::BurstPrefetch::kOn;
  else if (FLAGS_burst_prefetch == "off")
    opts.worker.burst_prefetch = gw::dp::BurstPrefetch::kOff;
  else if (FLAGS_burst_prefetch != "auto")
    return Fail("--burst_prefetch must be on, off or auto");
  if (FLAGS_fast_path == "on" || FLAGS_fast_path == "off")
    opts.worker.fast_path = FLAGS_fast_path == "on";
  else
    return Fail("--fast_path must be on or off");
  opts.worker.icmp_rate = FLAGS_icmp_ratelimit;
  opts.worker.icmp_burst = FLAGS_icmp_burst;
  opts.worker.frag_timeout_ms = FLAGS_frag_timeout_ms;
  opts.worker.frag_entries = FLAGS_frag_entries;
  opts.worker.test_only_stall_after_ms = FLAGS_test_only_stall_worker_ms;
  if (FLAGS_workers > 64) return Fail("--workers must be 0..64");
  opts.workers = static_cast<uint16_t>(FLAGS_workers);
  if (FLAGS_spread == "auto")
    opts.spread = gw::dp::SpreadPolicy::kAuto;
  else if (FLAGS_spread == "tunnel")
    opts.spread = gw::dp::SpreadPolicy::kTunnel;
  else if (FLAGS_spread == "all")
    opts.spread = gw::dp::SpreadPolicy::kAll;
  else if (FLAGS_spread == "off")
    opts.spread = gw::dp::SpreadPolicy::kOff;
  else
    return Fail("--spread must be auto, tunnel, all or off");
  if (FLAGS_spread_ring < 64 || FLAGS_spread_ring > (1u << 20))
    return Fail("--spread_ring must be 64..1048576");
  opts.spread_ring = FLAGS_spread_ring;
  opts.held_max = FLAGS_neigh_held_max;
  opts.rx_desc = static_cast<uint16_t>(FLAGS_rxd);
  opts.tx_desc = static_cast<uint16_t>(FLAGS_txd);
  opts.mbufs = FLAGS_mbufs;
  opts.mbuf_cache = FLAGS_mbuf_cache;

  int rc = 0;
  {
    auto created = gw::dp::Dataplane::Create(opts);
    if (!created.ok()) {
      rc = Fail(std::string(created.status().message()));
      rte_eal_cleanup();
      return rc;
    }
    std::unique_ptr<gw::dp::Dataplane> dp = std::move(*created);
    gw::ctl::LogPortsUp(*dp);
    std::vector<gw::ctl::PortRef> ports;
    for (const auto& p : dp->ports()) ports.push_back({p.id, p.name});
    gw::ctl::Gateway gw(dp->tables(), ports, [&dp](uint16_t port, uint16_t mtu) {
      return dp->SetPortMtu(port, mtu);
    });

    gw::ctl::ResolverOptions ro;
    ro.hold = FLAGS_neigh_hold;
    ro.held_max = FLAGS_neigh_held_max;
    ro.retrans_ms = FLAGS_neigh_retrans_ms;
    ro.probes = FLAGS_neigh_probes;
    ro.reachable_ms = FLAGS_neigh_reachable_ms;
    ro.max_entries = FLAGS_neighbours;
    gw::ctl::Resolver resolver(*dp, gw, ro);
    gw.mutable_tunnel_config().SetPathMtuOptions(
        {FLAGS_tunnel_pmtu_expires_s, static_cast<uint16_t>(FLAGS_tunnel_pmtu_min)});

    const gw::dp::Dataplane* dpc = dp.get();
    gw.SetTunnelCounterSource(
        [dpc](uint32_t id) { return gw::ctl::TunnelTotals(*dpc, id); });

    gw::ctl::LoadResult loaded;
    if (!FLAGS_config.empty()) {
      gw::ctl::LoadOptions lo;
      lo.max_line = FLAGS_max_line;
      if (absl::Status s = gw::ctl::LoadConfigFile(FLAGS_config, gw, &loaded, lo); !s.ok()) {
        rc = Fail(std::string(s.message()));
        resolver.Shutdown();
        dp.reset();  // closes the ports cleanly before we go
        rte_eal_cleanup();
        return rc;
      }
    }
    gw::ctl::RequestHandler handler(gw, dp.get(), FLAGS_config);
    handler.SetResolver(&resolver);
    handler.SetReloadOptions({FLAGS_max_line, FLAGS_config_insecure_ok});
    std::unique_ptr<gw::ctl::ControlServer> server;
    if (!FLAGS_socket.empty()) {
      gw::ctl::ServerOptions so;
      so.path = FLAGS_socket;
      so.max_clients = FLAGS_max_clients;
      so.idle_timeout_ms = static_cast<int>(FLAGS_client_timeout_ms);
      so.max_request = FLAGS_max_line;
      so.group = socket_group;
      auto s = gw::ctl::ControlServer::Listen(so, handler);
      if (!s.ok()) {
        rc = Fail(std::string(s.status().message()));
        resolver.Shutdown();
        dp.reset();
        rte_eal_cleanup();
        return rc;
      }
      server = std::move(*s);
    }
    gw::ctl::RegisterTelemetry(dp.get());
    gw::ctl::Ops ops(*dp, gw, handler, *ops_opts);  // capture, metrics, systemd, logs
    if (absl::Status s = ops.Start(); !s.ok()) {
      rc = Fail(std::string(s.message()));
      ops.Detach();
      server.reset();
      gw::ctl::RegisterTelemetry(nullptr);
      resolver.Shutdown();
      dp.reset();
      rte_eal_cleanup();
      return rc;
    }
    std::printf(
        "gatewayd: %zu port(s), %zu worker(s), %zu command(s) from %s, control socket %s; "
        "forwarding\n",
        dp->ports().size(), dp->workers().size(), loaded.commands,
        FLAGS_config.empty() ? "no config" : FLAGS_config.c_str(),
        FLAGS_socket.empty() ? "off" : FLAGS_socket.c_str());
    for (const auto& p : dp->ports()) {
      const auto& mac = dp->tables().ports[p.id].mac.addr_bytes;
      static constexpr const char* kSpread[] = {"", ", spread tunnel", ", spread all"};
      std::printf("  %s: %s, %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, %u rx%s / %u tx queue(s)%s\n",
                  p.name.c_str(), p.driver.c_str(), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
                  dp->tables().ports[p.id].mtu.load(), p.rx_queues, p.rss ? " (rss)" : "",
                  p.tx_queues, kSpread[static_cast<int>(p.spread)]);
    }
    std::fflush(stdout);

    dp->Launch();
    ops.Ready();
    // The main lcore is the control thread: it serves the socket until a signal.
    const int tick_ms = static_cast<int>(FLAGS_slowpath_tick_ms);
    if (server) {
      server->Run(
          g_stop,
          [&resolver, &dp, &ops] {
            resolver.Poll();
            dp->RecoverStalledRx();
            ops.Tick();
          },
          tick_ms);
      server.reset();
    } else {
      while (!g_stop.load()) {
        resolver.Poll();
        dp->RecoverStalledRx();
        ops.Tick();
        usleep(static_cast<useconds_t>(tick_ms) * 1000);
      }
    }
    ops.Stopping();
    resolver.Poll();  // what the workers already handed over is answered or held
    dp->Stop();   // workers send what the control thread queued and flush on the way out
    resolver.Shutdown();  // what is still held is dropped (no_neighbour) and freed

    gw::ctl::RegisterTelemetry(nullptr);
    ops.Detach();
    gw::ctl::StatsSnapshot snap = gw::ctl::TakeSnapshot(*dp);
    dp->ClosePorts();
    std::printf("gatewayd: stopped\n");
    gw::ctl::PrintReport(stdout, snap, *dp, gw);
    std::printf("mempool: in_use=%u total=%u\n", rte_mempool_in_use_count(dp->pool()),
                dp->pool()->size);
    std::fflush(stdout);
  }
  rte_eal_cleanup();
  return rc;
}
