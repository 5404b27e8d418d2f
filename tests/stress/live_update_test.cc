// Live table updates under traffic: the control thread (this test's main thread) changes tunnels
// and routes through Gateway::Apply thousands of times a second while the real worker loop
// forwards on lcore 1. Frames are injected before every command, so the worker is processing
// while each command runs; every frame collected is checked on its own (rig.h), and each test
// ends with everything accounted for and the mempool back where it started.
//
// GW_STRESS_SECONDS sets each test's churn time (default 5); GW_STRESS_SEED its random choices
// (printed by every test).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "control/config_reload.h"
#include "tests/stress/rig.h"

namespace gw::stress {
namespace {

double ChurnSeconds() {
  const char* e = std::getenv("GW_STRESS_SECONDS");
  const double s = e != nullptr ? std::atof(e) : 0.0;
  return s > 0 ? s : 5.0;
}

uint64_t Now() { return rte_get_tsc_cycles(); }
double Secs(uint64_t cycles) { return static_cast<double>(cycles) / rte_get_tsc_hz(); }

// How long a test churns: ChurnSeconds(), and on a machine too busy to reach the test's minimum
// coverage in that time, longer, up to four times as long.
class Churn {
 public:
  Churn()
      : start_(Now()),
        soft_(start_ + static_cast<uint64_t>(ChurnSeconds() * rte_get_tsc_hz())),
        hard_(start_ + static_cast<uint64_t>(4 * ChurnSeconds() * rte_get_tsc_hz())) {}
  bool Go(bool covered) const {
    const uint64_t now = Now();
    return now < soft_ || (!covered && now < hard_);
  }
  uint64_t Elapsed() const { return Now() - start_; }

 private:
  uint64_t start_, soft_, hard_;
};

class LiveUpdate : public ::testing::Test {
 protected:
  void SetUp() override {
    static int n = 0;
    ASSERT_TRUE(rig_.Setup(absl::StrCat("gws", n++)));
    ASSERT_TRUE(rig_.BaseConfig());
    const char* seed = std::getenv("GW_STRESS_SEED");  // to replay a run's choices
    seed_ = seed != nullptr ? static_cast<uint32_t>(std::strtoul(seed, nullptr, 10))
                            : static_cast<uint32_t>(Now());
    rng_.seed(seed_);
    std::printf("[ seed     ] %u\n", seed_);
  }

  void TearDown() override {
    rig_.Teardown();
    EXPECT_EQ(rte_eth_dev_count_avail(), 0) << "ports not released";
  }

  // A command that must succeed; false (and a failure) if it does not.
  bool Apply(const std::string& line, ApplyClock* clock) {
    const uint64_t t0 = Now();
    const absl::Status s = rig_.Run(line);
    if (clock != nullptr) {
      const uint64_t dt = Now() - t0;
      clock->cycles += dt;
      clock->max_cycles = std::max(clock->max_cycles, dt);
      ++clock->ops;
    }
    if (!s.ok()) rig_.Fail(absl::StrCat("\"", line, "\": ", s.ToString()));
    return s.ok();
  }

  uint32_t Rand(uint32_t n) { return n == 0 ? 0 : static_cast<uint32_t>(rng_() % n); }

  Rig rig_;
  uint32_t seed_ = 0;
  std::mt19937 rng_;
};

// ---- 1. A tunnel change is atomic for the packets that cross it ----
//
// Tunnel t0 takes version k = 1, 2, 3, ... as fast as the control thread can apply them; each
// version has its own remote, TTL and TOS. Every encapsulated packet must carry the three fields
// of one version (never a mix), a version no older than the last one whose change had returned
// when the packet was injected, and versions must never go backwards (one worker, FIFO rings).

uint32_t Remote(uint32_t k) { return Ip(100, 64, 1, 0) + k; }
uint8_t Ttl(uint32_t k) { return static_cast<uint8_t>(1 + k % 255); }
uint8_t Tos(uint32_t k) { return static_cast<uint8_t>((4 * k) & 0xfc); }

TEST_F(LiveUpdate, TunnelChangeIsAtomic) {
  auto version = [](uint32_t k) {
    return absl::StrFormat("remote %s ttl %u tos 0x%02x", IpStr(Remote(k)), Ttl(k), Tos(k));
  };
  ASSERT_TRUE(Apply(absl::StrCat("tunnel add t0 mode ipip ", version(0), " local ", IpStr(kLocal)),
                    nullptr));
  ASSERT_TRUE(Apply("link set t0 up", nullptr));
  ASSERT_TRUE(Apply("route add 10.200.0.0/16 dev t0", nullptr));
  rig_.Launch();
  rig_.StartCounting();

  uint32_t done = 0;     // the last version whose change has returned
  uint32_t started = 0;  // the last version whose change has begun
  uint32_t last = 0;     // the last version seen on the wire
  uint64_t checked = 0;
  std::vector<bool> seen;
  auto check = [&](const Seen& s) {
    const uint32_t k = s.outer_dst - Remote(0);
    if (s.outer_dst < Remote(0) || k > started) {
      rig_.Fail(absl::StrCat("seq ", s.p.seq, ": outer dst ", IpStr(s.outer_dst),
                             " is no version's remote (versions 0..", started, ")"));
      return;
    }
    if (s.outer_ttl != Ttl(k) || s.outer_tos != (Tos(k) | (s.p.tos & 3)))
      rig_.Fail(absl::StrFormat(
          "seq %u: mixed header: remote %s is version %u (ttl %u, tos 0x%02x) but the packet has "
          "ttl %u, tos 0x%02x",
          s.p.seq, IpStr(s.outer_dst), k, Ttl(k), Tos(k) | (s.p.tos & 3), s.outer_ttl,
          s.outer_tos));
    if (k < s.p.tag)
      rig_.Fail(absl::StrCat("seq ", s.p.seq, ": stale tunnel: injected after version ", s.p.tag,
                             " was applied, sent with version ", k));
    if (k < last)
      rig_.Fail(absl::StrCat("seq ", s.p.seq, ": version went backwards, ", last, " then ", k));
    last = std::max(last, k);
    if (seen.size() <= k) seen.resize(k + 1024);
    seen[k] = true;
    ++checked;
  };

  constexpr uint64_t kMinChecked = 20000;
  constexpr uint32_t kMinVersions = 2000;
  ApplyClock changes;
  const Churn churn;
  while (churn.Go(checked >= kMinChecked && done >= kMinVersions) && rig_.failures() == 0) {
    rig_.Inject(Rand(65), [&](Probe& p) {
      p.dst = Ip(10, 200, 0, 0) | Rand(0x10000);
      p.tag = done;
    });
    started = done + 1;
    if (!Apply(absl::StrCat("tunnel change t0 ", version(started)), &changes)) break;
    done = started;
    rig_.Drain(check);
  }
  const uint64_t wall = churn.Elapsed();
  rig_.Quiesce(check);

  const uint64_t versions_seen = static_cast<uint64_t>(std::count(seen.begin(), seen.end(), true));
  std::printf(
      "[ rates    ] tunnel change: %lu in %.2f s = %.0f/s wall, %.0f/s inside Apply (slowest "
      "%.2f ms)\n",
      changes.ops, Secs(wall), changes.ops / Secs(wall), changes.PerSecond(), changes.MaxMs());
  std::printf("[ traffic  ] injected %lu, checked %lu, versions seen %lu of %u, drops: %s\n",
              rig_.injected(), checked, versions_seen, done, rig_.DropText().c_str());
  if (rig_.failures() != 0) return;  // the churn stopped at the first failure
  EXPECT_GE(checked, kMinChecked) << "too few packets crossed the changes to say anything";
  EXPECT_GE(done, kMinVersions) << "too few changes";
  EXPECT_GT(versions_seen, kMinVersions / 4) << "too few versions were seen on the wire";
  EXPECT_EQ(rig_.DropText(), "") << "a route that always exists: nothing may be dropped";
  EXPECT_EQ(checked, rig_.injected());
}

// ---- 2. Deleting a route or a tunnel is final ----
//
// Tunnels d<c> are added (each with its own remote, so a packet tells which one carried it) with
// a few /32 routes, and deleted again, W of them alive at a time; meanwhile single /32 routes are
// deleted from live tunnels and fresh ones added. Prefixes are never reused. Frames go to live
// prefixes and to prefixes whose route or tunnel is gone. A frame injected after the `route del`
// or `tunnel del` that removed its route returned must be dropped (no_route), never come out;
// a frame to a live prefix must come out through that prefix's tunnel, or be dropped as no_route
// if its route was deleted while it waited. Every drop is a no_route.

constexpr uint32_t kLive = 1;
constexpr uint32_t kDead = 2;
uint32_t Remote2(uint32_t cycle) { return Ip(100, 64, 0, 16) + cycle; }

TEST_F(LiveUpdate, DeleteIsFinal) {
  constexpr size_t kWindow = 32;         // tunnels alive at a time
  constexpr size_t kRoutesPerTunnel = 4;
  constexpr size_t kChurnPerCycle = 2;   // route del + route add pairs per cycle
  constexpr size_t kDeadKept = 1024;     // dead prefixes still targeted
  rig_.Launch();
  rig_.StartCounting();

  struct Tun {
    uint32_t cycle;
    std::string name;
    std::vector<uint32_t> prefixes;
  };
  struct DeadPrefix {
    uint32_t prefix;
    uint32_t cycle;
  };
  // Prefix -> the first seq injected after the command that removed its route returned.
  absl::flat_hash_map<uint32_t, uint64_t> removed_at;
  std::deque<Tun> live;
  std::vector<DeadPrefix> dead;  // ring of the last kDeadKept
  size_t dead_next = 0;
  uint32_t next_prefix = Ip(10, 0, 0, 1);
  uint64_t injected_live = 0, injected_dead = 0, collected_live = 0;

  auto mark_dead = [&](uint32_t prefix, uint32_t cycle) {
    removed_at[prefix] = rig_.next_seq();
    if (dead.size() < kDeadKept) {
      dead.push_back({prefix, cycle});
    } else {
      dead[dead_next] = {prefix, cycle};
      dead_next = (dead_next + 1) % kDeadKept;
    }
  };
  auto gen = [&](Probe& p) {
    if (!dead.empty() && (live.empty() || Rand(4) == 0)) {
      const DeadPrefix& d = dead[Rand(static_cast<uint32_t>(dead.size()))];
      p.dst = d.prefix;
      p.tag = d.cycle;
      p.aux = kDead;
      ++injected_dead;
    } else if (!live.empty()) {
      const Tun& t = live[Rand(static_cast<uint32_t>(live.size()))];
      p.dst = t.prefixes[Rand(static_cast<uint32_t>(t.prefixes.size()))];
      p.tag = t.cycle;
      p.aux = kLive;
      ++injected_live;
    } else {
      p.dst = Ip(10, 255, 255, 254);  // never routed
      p.aux = kDead;
      ++injected_dead;
    }
  };
  auto check = [&](const Seen& s) {
    const auto removed = removed_at.find(s.p.dst);
    if (s.p.aux == kDead || (removed != removed_at.end() && s.p.seq >= removed->second)) {
      rig_.Fail(absl::StrFormat(
          "seq %u to %s came out encapsulated to %s (ttl %u), but the route into d%u (remote "
          "%s) was gone before seq %d was injected",
          s.p.seq, IpStr(s.p.dst), IpStr(s.outer_dst), s.outer_ttl, s.p.tag,
          IpStr(Remote2(s.p.tag)), removed != removed_at.end() ? int64_t(removed->second) : -1));
      return;
    }
    if (s.outer_dst != Remote2(s.p.tag) || s.outer_ttl != 64 ||
        s.outer_tos != (0x10 | (s.p.tos & 3))) {
      rig_.Fail(absl::StrFormat(
          "seq %u to %s (route into d%u, remote %s) came out to %s ttl %u tos 0x%02x", s.p.seq,
          IpStr(s.p.dst), s.p.tag, IpStr(Remote2(s.p.tag)), IpStr(s.outer_dst), s.outer_ttl,
          s.outer_tos));
      return;
    }
    ++collected_live;
  };
  auto step = [&] {
    rig_.Inject(Rand(49), gen);
    rig_.Drain(check);
  };

  constexpr uint32_t kMinCycles = 200;
  constexpr uint64_t kMinPackets = 5000;
  ApplyClock tunnel_ops, route_ops;
  uint32_t cycle = 0;
  const Churn churn;
  bool ok = true;
  for (; ok && rig_.failures() == 0 &&
         churn.Go(cycle >= kMinCycles && injected_dead >= kMinPackets &&
                  collected_live >= kMinPackets);
       ++cycle) {
    Tun t{cycle, absl::StrCat("d", cycle), {}};
    ok = Apply(absl::StrCat("tunnel add ", t.name, " mode ipip remote ", IpStr(Remote2(cycle)),
                            " local ", IpStr(kLocal), " ttl 64 tos 0x10"),
               &tunnel_ops) &&
         Apply(absl::StrCat("link set ", t.name, " up"), nullptr);
    step();
    for (size_t j = 0; ok && j < kRoutesPerTunnel; ++j) {
      const uint32_t p = next_prefix++;
      ok = Apply(absl::StrCat("route add ", IpStr(p), "/32 dev ", t.name), &route_ops);
      if (ok) t.prefixes.push_back(p);
      step();
    }
    live.push_back(std::move(t));
    for (size_t j = 0; ok && j < kChurnPerCycle; ++j) {
      Tun& v = live[Rand(static_cast<uint32_t>(live.size()))];
      uint32_t& slot = v.prefixes[Rand(static_cast<uint32_t>(v.prefixes.size()))];
      ok = Apply(absl::StrCat("route del ", IpStr(slot), "/32 dev ", v.name), &route_ops);
      if (!ok) break;
      mark_dead(slot, v.cycle);
      const uint32_t fresh = next_prefix++;
      step();
      ok = Apply(absl::StrCat("route add ", IpStr(fresh), "/32 dev ", v.name), &route_ops);
      if (ok) slot = fresh;
      step();
    }
    if (ok && live.size() > kWindow) {
      const Tun& old = live.front();
      ok = Apply(absl::StrCat("tunnel del ", old.name), &tunnel_ops);
      if (ok) {
        for (uint32_t p : old.prefixes) mark_dead(p, old.cycle);
        live.pop_front();
      }
      step();
    }
  }
  const uint64_t wall = churn.Elapsed();

  // The end: every tunnel deleted; then every prefix ever routed here, tried once more, is
  // dropped.
  while (ok && !live.empty()) {
    ok = Apply(absl::StrCat("tunnel del ", live.front().name), &tunnel_ops);
    for (uint32_t p : live.front().prefixes) mark_dead(p, live.front().cycle);
    live.pop_front();
    step();
  }
  for (uint32_t p = Ip(10, 0, 0, 1); p < next_prefix && rig_.failures() == 0;) {
    rig_.Inject(std::min<uint32_t>(64, next_prefix - p), [&](Probe& pr) {
      pr.dst = p++;  // called once per frame that goes in
      pr.aux = kDead;
      ++injected_dead;
    });
    rig_.Drain(check);
  }
  rig_.Quiesce(check);

  const uint64_t no_route = rig_.DropsOf(dp::Drop::no_route);
  std::printf("[ rates    ] %u cycles in %.2f s\n", cycle, Secs(wall));
  std::printf(
      "[ rates    ] tunnel add+del: %lu = %.0f/s wall, %.0f/s inside Apply (slowest %.2f ms)\n",
      tunnel_ops.ops, tunnel_ops.ops / Secs(wall), tunnel_ops.PerSecond(), tunnel_ops.MaxMs());
  std::printf(
      "[ rates    ] route add+del: %lu = %.0f/s wall, %.0f/s inside Apply (slowest %.2f ms)\n",
      route_ops.ops, route_ops.ops / Secs(wall), route_ops.PerSecond(), route_ops.MaxMs());
  std::printf(
      "[ traffic  ] injected %lu: to live routes %lu (out %lu, dropped while their route went "
      "away %lu), to deleted ones %lu; drops: %s\n",
      rig_.injected(), injected_live, collected_live, injected_live - collected_live,
      injected_dead, rig_.DropText().c_str());
  EXPECT_EQ(rig_.gateway().tunnels().size(), 0u);
  EXPECT_EQ(no_route, rig_.injected() - rig_.collected()) << "every drop must be no_route";
  EXPECT_GE(no_route, injected_dead) << "frames to deleted routes must all be dropped";
  EXPECT_EQ(rig_.TotalDrops(), no_route) << rig_.DropText();
  if (rig_.failures() != 0) return;  // the churn stopped at the first failure
  EXPECT_GE(cycle, kMinCycles);
  EXPECT_GE(injected_dead, kMinPackets) << "too few frames to deleted routes to say anything";
  EXPECT_GE(collected_live, kMinPackets);
}

// ---- 3. Route replace never exposes a gap ----
//
// Prefixes of several lengths (tbl24 entries and tbl8 groups) are moved between tunnels with
// `route replace`, as fast as the control thread can: some flip between tA and tB, others rotate
// through tA, tB and tC (so next-hop ids are recycled for different tunnels). Every frame must come
// out (a replace may never leave a moment without a route: no drop of any kind), with the three
// outer fields of exactly one tunnel, and that tunnel must be one the prefix pointed at no earlier
// than when the frame was injected, and no earlier than for the frame before it to that prefix.

struct Way {
  const char* name;
  uint32_t remote;
  uint8_t ttl;
  uint8_t tos;
};
constexpr Way kWays[] = {
    {"tA", Ip(100, 64, 10, 1), 50, 0x20},
    {"tB", Ip(100, 64, 20, 2), 100, 0x48},
    {"tC", Ip(100, 64, 30, 3), 150, 0x88},
};

TEST_F(LiveUpdate, RouteReplaceHasNoGap) {
  for (const Way& w : kWays) {
    ASSERT_TRUE(Apply(absl::StrFormat("tunnel add %s mode ipip remote %s local %s ttl %u tos 0x%02x",
                                      w.name, IpStr(w.remote), IpStr(kLocal), w.ttl, w.tos),
                      nullptr));
    ASSERT_TRUE(Apply(absl::StrCat("link set ", w.name, " up"), nullptr));
  }
  struct Prefix {
    uint32_t addr;
    int len;
    std::vector<int> rotation;  // indexes into kWays
    std::vector<uint8_t> history;  // the tunnel after each replace; [0] the first route
    size_t floor = 0;  // the lowest history index the last frame seen can have used
  };
  const std::vector<int> ab = {0, 1};
  const std::vector<int> abc = {0, 1, 2};
  std::vector<Prefix> prefixes = {
      {Ip(10, 203, 0, 0), 24, ab, {}},     {Ip(10, 203, 1, 0), 25, ab, {}},
      {Ip(10, 203, 1, 128), 28, ab, {}},   {Ip(10, 203, 2, 7), 32, ab, {}},
      {Ip(10, 210, 0, 0), 16, ab, {}},     {Ip(10, 204, 0, 0), 24, abc, {}},
      {Ip(10, 204, 1, 64), 26, abc, {}},   {Ip(10, 204, 2, 9), 32, abc, {}},
      {Ip(10, 211, 0, 0), 16, abc, {}},
  };
  auto line = [](const Prefix& p, int way) {
    return absl::StrCat("route replace ", IpStr(p.addr), "/", p.len, " dev ", kWays[way].name);
  };
  for (Prefix& p : prefixes) {
    p.history.push_back(static_cast<uint8_t>(p.rotation[0]));
    ASSERT_TRUE(Apply(line(p, p.rotation[0]), nullptr));
  }
  rig_.Launch();
  rig_.StartCounting();

  uint64_t checked = 0;
  auto check = [&](const Seen& s) {
    int way = -1;
    for (int w = 0; w < 3; ++w)
      if (s.outer_dst == kWays[w].remote) way = w;
    if (s.p.tag >= prefixes.size() || way < 0) {
      rig_.Fail(absl::StrCat("seq ", s.p.seq, " to ", IpStr(s.p.dst), ": outer dst ",
                             IpStr(s.outer_dst), " is no tunnel's remote"));
      return;
    }
    const Way& w = kWays[way];
    if (s.outer_ttl != w.ttl || s.outer_tos != (w.tos | (s.p.tos & 3)))
      rig_.Fail(absl::StrFormat("seq %u: mixed header: remote %s is %s (ttl %u tos 0x%02x), the "
                                "packet has ttl %u tos 0x%02x",
                                s.p.seq, IpStr(s.outer_dst), w.name, w.ttl, w.tos | (s.p.tos & 3),
                                s.outer_ttl, s.outer_tos));
    Prefix& p = prefixes[s.p.tag];
    const size_t from = std::max<size_t>(p.floor, s.p.aux);
    size_t i = from;
    while (i < p.history.size() && p.history[i] != way) ++i;
    if (i == p.history.size()) {
      rig_.Fail(absl::StrFormat(
          "seq %u to %s (%s/%d): sent through %s, which the prefix has not pointed at since "
          "replace #%u (injected at #%u, previous frame at #%u or later, now #%u)",
          s.p.seq, IpStr(s.p.dst), IpStr(p.addr), p.len, w.name, from, s.p.aux, p.floor,
          p.history.size() - 1));
      return;
    }
    p.floor = i;
    ++checked;
  };

  constexpr uint64_t kMinChecked = 20000;
  constexpr uint64_t kMinReplaces = 2000;
  ApplyClock replaces;
  const Churn churn;
  while (churn.Go(checked >= kMinChecked && replaces.ops >= kMinReplaces) &&
         rig_.failures() == 0) {
    rig_.Inject(Rand(65), [&](Probe& pr) {
      const uint32_t i = Rand(static_cast<uint32_t>(prefixes.size()));
      const Prefix& p = prefixes[i];
      const uint32_t host_mask = p.len == 32 ? 0 : (0xffffffffu >> p.len);
      pr.dst = p.addr | (static_cast<uint32_t>(rng_()) & host_mask);
      pr.tag = i;
      pr.aux = static_cast<uint32_t>(p.history.size() - 1);
    });
    Prefix& p = prefixes[Rand(static_cast<uint32_t>(prefixes.size()))];
    const int now_way = p.history.back();
    const size_t at = static_cast<size_t>(
        std::find(p.rotation.begin(), p.rotation.end(), now_way) - p.rotation.begin());
    const int next = p.rotation[(at + 1) % p.rotation.size()];
    if (!Apply(line(p, next), &replaces)) break;
    p.history.push_back(static_cast<uint8_t>(next));
    rig_.Drain(check);
  }
  const uint64_t wall = churn.Elapsed();
  rig_.Quiesce(check);

  std::printf(
      "[ rates    ] route replace: %lu in %.2f s = %.0f/s wall, %.0f/s inside Apply (slowest "
      "%.2f ms)\n",
      replaces.ops, Secs(wall), replaces.ops / Secs(wall), replaces.PerSecond(), replaces.MaxMs());
  std::printf("[ traffic  ] injected %lu, checked %lu, drops: %s\n", rig_.injected(), checked,
              rig_.DropText().c_str());
  EXPECT_EQ(rig_.DropText(), "") << "a replace exposed a gap (no_route) or dropped otherwise";
  EXPECT_EQ(checked, rig_.injected()) << "every frame must come out";
  if (rig_.failures() != 0) return;  // the churn stopped at the first failure
  EXPECT_GE(checked, kMinChecked);
  EXPECT_GE(replaces.ops, kMinReplaces);
  EXPECT_EQ(rig_.gateway().route_count(), 2 + 1 + prefixes.size())
      << "connected routes, the underlay route and one route per prefix";
}

// ---- 4. `config reload` leaves alone what the file does not change ----
//
// Two files alternate, reloaded as fast as the control thread can (a file with a bad last line
// in between, now and then: refused, it must change nothing). Both hold the rig's network and
// tunnel ts with its route 10.220.0.0/16; A adds tunnel tx (10.221.0.0/16) and routes
// 10.222.0.0/16 into ts, B has tunnel ty instead (both prefixes), an address more and tx gone.
// Every frame to 10.220.0.0/16 must come out through ts, none dropped: the reloads never touch it.
// Frames to the prefixes that move must come out with the whole header of one of the tunnels, or
// be dropped as no_route (in the moment a tunnel is deleted and its replacement not yet added).

struct Tun4 {
  const char* name;
  uint32_t remote;
  uint8_t ttl;
  uint8_t tos;
};
constexpr Tun4 kTs = {"ts", Ip(100, 64, 40, 1), 64, 0x10};
constexpr Tun4 kTx = {"tx", Ip(100, 64, 41, 1), 65, 0x20};
constexpr Tun4 kTy = {"ty", Ip(100, 64, 42, 1), 66, 0x28};
constexpr uint32_t kStable = 1;

TEST_F(LiveUpdate, ReloadLeavesWhatItDoesNotChangeAlone) {
  const std::string p0 = rig_.port_name(0), p1 = rig_.port_name(1);
  auto tunnel = [](const Tun4& t) {
    return absl::StrFormat("tunnel add %s mode ipip remote %s local %s ttl %u tos 0x%02x\nlink set %s up\n",
                           t.name, IpStr(t.remote), IpStr(kLocal), t.ttl, t.tos, t.name);
  };
  const std::string base = absl::StrCat(
      "addr add 192.0.2.1/24 dev ", p0, "\naddr add 198.51.100.1/24 dev ", p1, "\nneigh add ",
      IpStr(kUnderlayGw), " lladdr 02:00:00:00:01:02 dev ", p1, "\nroute add 100.64.0.0/10 via ",
      IpStr(kUnderlayGw), " dev ", p1, "\n", tunnel(kTs), "route add 10.220.0.0/16 dev ts\n");
  const std::string files[2] = {
      absl::StrCat(base, tunnel(kTx), "route add 10.221.0.0/16 dev tx\nroute add 10.222.0.0/16 dev ts\n"),
      absl::StrCat(base, tunnel(kTy), "route add 10.221.0.0/16 dev ty\nroute add 10.222.0.0/16 dev ty\n",
                   "addr add 203.0.113.1/24 dev ", p0, "\n")};
  const std::string bad = absl::StrCat(files[1], "route add 10.223.0.0/16 dev nosuch\n");
  ASSERT_TRUE(ctl::ReloadConfigText(files[0], "a.conf", rig_.gateway()).ok());
  const std::string config_a = rig_.gateway().ConfigText();
  rig_.Launch();
  rig_.StartCounting();

  uint64_t stable_in = 0, stable_out = 0, moving_out = 0;
  auto gen = [&](Probe& p) {
    p.aux = Rand(2) == 0 ? kStable : 0;
    if (p.aux == kStable) {
      p.dst = Ip(10, 220, 0, 0) | Rand(0x10000);
      ++stable_in;
    } else {
      p.dst = Ip(10, 221 + Rand(2), 0, 0) | Rand(0x10000);
    }
  };
  auto check = [&](const Seen& s) {
    const Tun4* way = nullptr;
    for (const Tun4* t : {&kTs, &kTx, &kTy})
      if (s.outer_dst == t->remote) way = t;
    if (way == nullptr || s.outer_ttl != way->ttl || s.outer_tos != (way->tos | (s.p.tos & 3))) {
      rig_.Fail(absl::StrFormat("seq %u to %s: outer dst %s ttl %u tos 0x%02x is no tunnel's header",
                                s.p.seq, IpStr(s.p.dst), IpStr(s.outer_dst), s.outer_ttl, s.outer_tos));
      return;
    }
    if (s.p.aux == kStable) {
      if (way != &kTs)
        rig_.Fail(absl::StrCat("seq ", s.p.seq, " to ", IpStr(s.p.dst), " came out through ",
                               way->name, ", not ts"));
      ++stable_out;
    } else {
      ++moving_out;
    }
  };

  constexpr uint64_t kMinReloads = 200;
  constexpr uint64_t kMinStable = 5000;
  ApplyClock reloads;
  uint64_t refused = 0;
  int at = 0;
  const Churn churn;
  while (churn.Go(reloads.ops >= kMinReloads && stable_out >= kMinStable) && rig_.failures() == 0) {
    rig_.Inject(Rand(65), gen);
    if (Rand(8) == 0) {
      const absl::Status s = ctl::ReloadConfigText(bad, "c.conf", rig_.gateway());
      const size_t bad_line = static_cast<size_t>(std::count(bad.begin(), bad.end(), '\n'));
      if (s.ok() || s.message() != absl::StrCat("c.conf:", bad_line, ": unknown device \"nosuch\"")) {
        rig_.Fail(absl::StrCat("the bad file: ", s.ToString()));
        break;
      }
      ++refused;
    } else {
      at ^= 1;
      const uint64_t t0 = Now();
      ctl::ReloadResult r;
      const absl::Status s = ctl::ReloadConfigText(files[at], at == 0 ? "a.conf" : "b.conf",
                                                   rig_.gateway(), &r);
      const uint64_t dt = Now() - t0;
      reloads.cycles += dt;
      reloads.max_cycles = std::max(reloads.max_cycles, dt);
      ++reloads.ops;
      if (!s.ok() || r.rolled_back) {
        rig_.Fail(absl::StrCat("reload ", reloads.ops, ": ", s.ToString()));
        break;
      }
    }
    rig_.Drain(check);
  }
  const uint64_t wall = churn.Elapsed();
  rig_.Quiesce(check);

  std::printf("[ rates    ] config reload: %lu (and %lu refused) in %.2f s = %.0f/s wall, slowest "
              "%.2f ms\n",
              reloads.ops, refused, Secs(wall), reloads.PerSecond(), reloads.MaxMs());
  std::printf("[ traffic  ] injected %lu: to ts's prefix %lu (out %lu), moving prefixes out %lu; "
              "drops: %s\n",
              rig_.injected(), stable_in, stable_out, moving_out, rig_.DropText().c_str());
  EXPECT_EQ(stable_out, stable_in) << "a frame through the tunnel no reload changes was lost";
  EXPECT_EQ(rig_.TotalDrops(), rig_.DropsOf(dp::Drop::no_route)) << rig_.DropText();
  if (rig_.failures() != 0) return;
  EXPECT_GE(reloads.ops, kMinReloads);
  EXPECT_GE(stable_out, kMinStable);
  EXPECT_GT(moving_out, 0u);
  // And it ends as a file: A or B, exactly.
  ASSERT_TRUE(ctl::ReloadConfigText(files[0], "a.conf", rig_.gateway()).ok());
  EXPECT_EQ(rig_.gateway().ConfigText(), config_a);
}

}  // namespace
}  // namespace gw::stress
