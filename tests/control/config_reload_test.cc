// control/config_reload: `config reload` on a real Gateway. A reload from A to B must leave what
// loading B into a fresh gatewayd leaves (config show, and the dataplane as Snapshot sees it); a
// file with an error, or a difference that fails half way, must leave everything as it was.
#include "control/config_reload.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "control/config_file.h"
#include "control/config_model.h"
#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

using absl::StatusCode;

// config show with the tunnels (a `tunnel add` line and the `link set` lines after it) sorted by
// name: tunnel ids, which decide config show's order, are not part of a configuration.
std::string ByName(const std::string& config) {
  std::vector<std::string> head, tail;
  std::map<std::string, std::string> tunnels;
  std::string current;
  for (absl::string_view l : absl::StrSplit(config, '\n', absl::SkipEmpty())) {
    std::vector<std::string> w = absl::StrSplit(l, ' ');
    if (w.size() > 2 && w[0] == "tunnel" && w[1] == "add") {
      current = w[2];
      tunnels[current] = absl::StrCat(l, "\n");
    } else if (!current.empty() && w.size() > 2 && w[0] == "link" && w[2] == current) {
      absl::StrAppend(&tunnels[current], l, "\n");
    } else {
      (tunnels.empty() ? head : tail).push_back(absl::StrCat(l, "\n"));
      if (!tunnels.empty()) current.clear();
    }
  }
  std::string out = absl::StrJoin(head, "");
  for (const auto& [name, block] : tunnels) out += block;
  return out + absl::StrJoin(tail, "");
}

class ConfigReloadTest : public GatewayFixture {
 protected:
  void Restart() {
    gw_.reset();
    tables_.reset();
    mtu_calls_.clear();
    mtu_result_ = absl::OkStatus();
    GatewayFixture::SetUp();
  }
  absl::Status Load(absl::string_view text) { return ctl::LoadConfigText(text, "a.conf", *gw_); }
  absl::Status Reload(absl::string_view text, ctl::ReloadResult* r = nullptr) {
    return ctl::ReloadConfigText(text, "b.conf", *gw_, r);
  }

  // Loads A, reloads B; then loads B into a fresh gateway: both must be the same.
  ::testing::AssertionResult ReloadGivesWhatLoadingGives(absl::string_view a, absl::string_view b,
                                                         ctl::ReloadResult* r = nullptr,
                                                         bool same_tunnel_ids = true) {
    Restart();
    if (absl::Status s = Load(a); !s.ok()) return ::testing::AssertionFailure() << "A: " << s;
    if (absl::Status s = Reload(b, r); !s.ok()) return ::testing::AssertionFailure() << "reload: " << s;
    const std::string config = gw_->ConfigText();
    const std::string snap = Snapshot(false);
    // And once more: nothing left to do.
    ctl::ReloadResult again;
    if (absl::Status s = Reload(b, &again); !s.ok())
      return ::testing::AssertionFailure() << "second reload: " << s;
    if (again.added + again.changed + again.removed != 0 || again.applied != 0)
      return ::testing::AssertionFailure() << "a second reload changed things: " << ctl::ReloadSummary("b", again);
    Restart();
    if (absl::Status s = ctl::LoadConfigText(b, "b.conf", *gw_); !s.ok())
      return ::testing::AssertionFailure() << "B: " << s;
    const std::string want_config = gw_->ConfigText();
    if ((same_tunnel_ids ? config : ByName(config)) != (same_tunnel_ids ? want_config : ByName(want_config)))
      return ::testing::AssertionFailure() << "config show after the reload:\n"
                                           << config << "loading B gives:\n" << want_config;
    if (const std::string want = Snapshot(false); snap != want)
      return ::testing::AssertionFailure() << "dataplane after the reload:\n"
                                           << snap << "loading B gives:\n" << want;
    return ::testing::AssertionSuccess();
  }
};

constexpr const char* kSeed = R"(# node 1 of the seed article
ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
ip link set tun1 up
ip a add 10.10.100.10 peer 10.10.200.10 dev tun1
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
route add 10.10.200.0/24 dev tun1
neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0
neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1
)";

TEST_F(ConfigReloadTest, TheSameFileIsNoChangesAndTouchesNothing) {
  ASSERT_TRUE(Load(kSeed).ok());
  const std::string before = Snapshot();
  ctl::ReloadResult r;
  ASSERT_TRUE(Reload(kSeed, &r).ok());
  EXPECT_EQ(r.applied, 0u);
  EXPECT_EQ(ctl::ReloadSummary("gw.conf", r), "reloaded gw.conf: no changes");
  EXPECT_EQ(Snapshot(), before);
  // config show of a state is the same configuration, whatever order the file had.
  ASSERT_TRUE(Reload(gw_->ConfigText(), &r).ok());
  EXPECT_EQ(r.applied, 0u);
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(ConfigReloadTest, EditedFileTunnelAddedRouteChangedNeighbourRemoved) {
  const std::string b2 = absl::StrCat(
      absl::StrReplaceAll(kSeed, {{"neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1\n", ""},
                                  {"route add 10.10.200.0/24 dev tun1\n", ""}}),
      "tunnel add tun2 mode sit remote 10.65.132.189 local 10.65.132.187 dev port0\nlink set tun2 up\n"
      "route add 10.10.200.0/24 dev tun2\n");
  ctl::ReloadResult r;
  ASSERT_TRUE(ReloadGivesWhatLoadingGives(kSeed, b2, &r));
  EXPECT_EQ(ctl::ReloadSummary("b.conf", r), "reloaded b.conf: 4 change(s) (1 added, 2 changed, 1 removed)");
}

TEST_F(ConfigReloadTest, EveryKindOfChange) {
  const char* a = R"(link set port1 mtu 9000
tunnel add ta mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tb mode sit remote 10.65.132.189 local 10.65.132.187 ttl 64 tos 10 dev port1
tunnel add tc mode any remote any local 10.65.132.190 tos inherit nopmtudisc dev port0
link set ta up
link set tb up mtu 1400
link set tc up
addr add 10.65.132.187/24 dev port0
addr add 10.65.132.190/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 10.10.100.10 peer 10.10.200.10 dev ta
addr add 2001:db8:1::1/64 dev port1
route add 198.51.100.0/24 via 10.65.132.1 dev port0
route add 10.30.0.0/16 via 10.65.132.200 dev tc onlink
route add 2001:db8:5::/64 dev tb
route replace 10.10.100.0/24 via 10.10.100.254 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
)";
  const char* b = R"(link set port0 mtu 1400
tunnel add ta mode any remote 10.65.132.199 local 10.65.132.187 ttl 9
tunnel add tb mode sit remote 10.65.132.189 local 10.65.132.187 ttl 64 tos 10
tunnel add td local 192.0.2.1 dev port0
link set ta up mtu 1300
link set tb up
link set td up
addr add 10.65.132.187/24 dev port0
addr add 192.0.2.1/24 dev port1
addr add 10.10.100.1/24 dev port1
addr add 10.10.100.10 peer 10.10.200.10 dev ta
route del 10.10.100.0/24
route add 198.51.100.0/24 via 10.65.132.1 dev port0 onlink
route add 203.0.113.0/24 via 192.0.2.254
route add 10.20.1.0/24 dev td
route add 2001:db8:5::/64 via 10.65.132.188 dev tb
neigh add 10.65.132.188 lladdr 52:54:00:00:00:99 dev port0
neigh add 192.0.2.7 lladdr 52:54:00:00:02:07 dev port1
link set port1 down
)";
  ctl::ReloadResult r;
  EXPECT_TRUE(ReloadGivesWhatLoadingGives(a, b, &r, false));
  EXPECT_GT(r.added, 0u);
  EXPECT_GT(r.changed, 0u);
  EXPECT_GT(r.removed, 0u);
  EXPECT_TRUE(ReloadGivesWhatLoadingGives(b, a, &r, false));
  EXPECT_TRUE(ReloadGivesWhatLoadingGives("", a, &r));
  EXPECT_TRUE(ReloadGivesWhatLoadingGives(a, "", &r));
}

TEST_F(ConfigReloadTest, TunnelsRecreatedSwappedAndMtusFollowingPorts) {
  // tb loses its dev, ta's set MTU goes back to the default, tc and te swap endpoints; td's MTU was
  // derived when port0 had 1500.
  EXPECT_TRUE(ReloadGivesWhatLoadingGives(
      "tunnel add ta local 10.65.132.187 remote 10.65.132.188\nlink set ta mtu 1400 up\n"
      "tunnel add tb local 10.65.132.187 remote 10.65.132.189 dev port0\nlink set tb up\n"
      "addr add 10.10.100.10 peer 10.10.200.10 dev tb\nroute add 10.20.1.0/24 dev tb\n"
      "tunnel add tc local 192.0.2.1 remote 192.0.2.2\ntunnel add te local 192.0.2.1 remote 192.0.2.3\n"
      "tunnel add td local 10.65.132.190 dev port0\nlink set port0 mtu 9000\n",
      "tunnel add ta local 10.65.132.187 remote 10.65.132.188\nlink set ta up\n"
      "tunnel add tb local 10.65.132.187 remote 10.65.132.189\nlink set tb up\n"
      "addr add 10.10.100.10 peer 10.10.200.10 dev tb\nroute add 10.20.1.0/24 dev tb\n"
      "tunnel add tc local 192.0.2.1 remote 192.0.2.3\ntunnel add te local 192.0.2.1 remote 192.0.2.2\n"
      "link set port0 mtu 9000\ntunnel add td local 10.65.132.190 dev port0\n",
      nullptr, false));
}

TEST_F(ConfigReloadTest, AddressOrderAndConnectedRoutes) {
  EXPECT_TRUE(ReloadGivesWhatLoadingGives(
      "addr add 192.0.2.1/24 dev port0\naddr add 192.0.2.2/24 dev port1\naddr add 10.65.132.187/24 dev port0\n"
      "route add 198.51.100.0/24 via 192.0.2.254\n",
      "addr add 192.0.2.2/24 dev port1\naddr add 192.0.2.1/24 dev port0\nroute del 192.0.2.0/24\n"
      "addr add 10.65.132.187/24 dev port0\nroute replace 10.65.132.0/24 dev port1\n"
      "route add 198.51.100.0/24 via 192.0.2.254 dev port0 onlink\n"));
}

TEST_F(ConfigReloadTest, ASyntaxErrorChangesNothingAndNamesTheLineAndToken) {
  ASSERT_TRUE(Load(kSeed).ok());
  const std::string before = Snapshot();
  const std::string config = gw_->ConfigText();
  ctl::ReloadResult r;
  const absl::Status s = Reload("tunnel del tun1\n# fine so far\ntunnel add t2 remote 10.0.0.300 local 10.0.0.1\n", &r);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "b.conf:3: bad IP address \"10.0.0.300\"");
  EXPECT_EQ(r.applied, 0u);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(gw_->ConfigText(), config);
  // A line a fresh gatewayd would refuse is refused the same way, before anything changes.
  const absl::Status s2 = Reload("addr add 192.0.2.1/24 dev port0\n\nroute add 10.1.0.0/16 dev tun9\n");
  EXPECT_EQ(s2.code(), StatusCode::kNotFound);
  EXPECT_EQ(s2.message(), "b.conf:3: unknown device \"tun9\"");
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(ConfigReloadTest, WhatStartupRefusesReloadRefusesCrlfIsFine) {
  ASSERT_TRUE(Load(kSeed).ok());
  const std::string before = Snapshot();
  ctl::ReloadOptions o;
  o.max_line = 64;
  const absl::Status s = ctl::ReloadConfigText(
      absl::StrCat("tunnel del tun1\n# ", std::string(70, 'x'), "\n"), "b.conf", *gw_, nullptr, o);
  EXPECT_EQ(s.message(), "b.conf:2: line longer than 64 bytes (--max_line)");
  EXPECT_EQ(Snapshot(), before);
  ctl::ReloadResult r;
  ASSERT_TRUE(Reload(absl::StrReplaceAll(kSeed, {{"\n", "\r\n"}}), &r).ok());
  EXPECT_EQ(r.applied, 0u) << "the same file with CRLF line ends";
}

TEST_F(ConfigReloadTest, AFailureHalfWayRollsBackToTheExactOldState) {
  // Nothing is deleted before the failure: even next-hop and tunnel ids come back as they were.
  ASSERT_TRUE(Load(kSeed).ok());
  const std::string before = Snapshot();
  const std::string config = gw_->ConfigText();
  std::string b = absl::StrCat(kSeed, "tunnel add tun2 remote 10.65.132.189 local 10.65.132.187\n");
  for (int i = 0; i < 1100; ++i)  // the fixture's route table holds 1024
    absl::StrAppend(&b, "route add 10.", 100 + i / 256, ".", i % 256, ".0/24 dev tun2\n");
  ctl::ReloadResult r;
  const absl::Status s = Reload(b, &r);
  // (rte_fib says ENOSPC or ENOMEM, depending on which of its pools runs out first)
  EXPECT_TRUE(absl::StartsWith(s.message(), "b.conf:")) << s.message();
  EXPECT_NE(std::string(s.message()).find("route table"), std::string::npos) << s.message();
  EXPECT_TRUE(r.rolled_back);
  EXPECT_GT(r.applied, 1000u);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(gw_->ConfigText(), config);
}

TEST_F(ConfigReloadTest, AFailureAfterDeletionsRollsBackToTheOldConfiguration) {
  ASSERT_TRUE(Load(kSeed).ok());
  ASSERT_TRUE(Config({"link set port0 mtu 1400", "tunnel add gone local 192.0.2.1 dev port0",
                      "route add 198.51.100.0/24 dev gone", "link set gone mtu 1300 up"}));
  const std::string before = Snapshot(false);
  const std::string config = gw_->ConfigText();
  // port0's MTU comes after the deletions; the device refuses it.
  mtu_result_ = absl::InvalidArgumentError("port0 refuses mtu 9000: Invalid argument");
  const std::string b = absl::StrCat(
      absl::StrReplaceAll(kSeed, {{"neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1\n", ""},
                                  {"mode ipip", "mode any"}}),
      "route replace 10.10.100.0/24 via 10.10.100.254 dev port1\nlink set port0 mtu 9000\n");
  ctl::ReloadResult r;
  const absl::Status s = Reload(b, &r);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "b.conf:10: port0 refuses mtu 9000: Invalid argument");
  EXPECT_TRUE(r.rolled_back);
  EXPECT_EQ(Snapshot(false), before);
  EXPECT_EQ(gw_->ConfigText(), config);
  // Once the port takes it, the same file reloads.
  mtu_result_ = absl::OkStatus();
  EXPECT_TRUE(Reload(b, &r).ok());
}

TEST_F(ConfigReloadTest, ReloadFileNamesTheFileAndMissingOnes) {
  const std::string path = absl::StrCat(::testing::TempDir(), "gwreload_", getpid(), ".conf");
  {
    std::ofstream f(path);
    f << kSeed;
  }
  ctl::ReloadResult r;
  ASSERT_TRUE(ctl::ReloadConfigFile(path, *gw_, &r).ok());
  EXPECT_EQ(ctl::ReloadSummary(path, r), absl::StrCat("reloaded ", path, ": 8 change(s) (7 added, 1 changed, 0 removed)"));
  unlink(path.c_str());
  const absl::Status s = ctl::ReloadConfigFile(path, *gw_, &r);
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), absl::StrCat(path, ": cannot open: No such file or directory"));
}

// Random files A and B from a small vocabulary (the lines of each that a fresh gatewayd takes):
// reloading B over A is loading B.
TEST_F(ConfigReloadTest, RandomReloadsGiveWhatLoadingGives) {
  static const char* const kLines[] = {
      "link set port0 mtu 9000", "link set port1 mtu 1400", "link set port1 down",
      "tunnel add ta remote 10.65.132.188 local 10.65.132.187", "tunnel add ta mode sit local 10.65.132.187",
      "tunnel add tb remote 10.65.132.189 local 10.65.132.187 dev port0",
      "tunnel add tb remote 10.65.132.188 local 10.65.132.187 ttl 64", "tunnel add tc mode any local 192.0.2.1 dev port1",
      "tunnel add tc remote 10.65.132.189 local 10.65.132.187", "link set ta up", "link set tb up mtu 1400",
      "link set tc mtu 1480", "tunnel change ta dev port1", "tunnel change tb remote 10.65.132.199",
      "tunnel del ta", "addr add 10.65.132.187/24 dev port0", "addr add 10.65.132.190/24 dev port0",
      "addr add 192.0.2.1/24 dev port1", "addr add 192.0.2.2/24 dev port1", "addr add 10.10.100.10 peer 10.10.200.10 dev ta",
      "addr add 10.10.100.1/24 dev tb", "addr add 2001:db8:1::1/64 dev port1", "addr del 10.65.132.187 dev port0",
      "route del 192.0.2.0/24", "route del 10.65.132.0/24", "route add 198.51.100.0/24 via 10.65.132.1",
      "route add 198.51.100.0/24 via 192.0.2.254 dev port1", "route replace 192.0.2.0/24 dev ta",
      "route add 203.0.113.0/24 via 10.9.9.9 dev port0 onlink", "route add 10.20.1.0/24 dev tb",
      "route add 10.30.0.0/16 via 10.65.132.200 dev tc", "route add 2001:db8:5::/64 via 2001:db8:1::fe dev port1",
      "route add 10.65.132.0/24 dev port1", "neigh add 10.65.132.188 lladdr 52:54:00:00:00:01 dev port0",
      "neigh replace 10.65.132.188 lladdr 52:54:00:00:00:02 dev port0", "neigh add 192.0.2.7 lladdr 52:54:00:00:00:07 dev port1",
      "neigh add 2001:db8:1::2 lladdr 52:54:00:00:00:08 dev port1",
  };
  std::mt19937 rng(1511);
  auto file = [&]() {
    ctl::ConfigModel m;
    m.ports.push_back({"port0", 1500, 1500, true, 0});
    m.ports.push_back({"port1", 1500, 1500, true, 0});
    std::string text;
    const int n = std::uniform_int_distribution<int>(0, 30)(rng);
    for (int i = 0; i < n; ++i) {
      const char* l = kLines[std::uniform_int_distribution<size_t>(0, std::size(kLines) - 1)(rng)];
      if (m.Apply(*ctl::ParseCommand(ctl::Tokenize(l))).ok()) absl::StrAppend(&text, l, "\n");
    }
    return text;
  };
  for (int i = 0; i < 60; ++i) {
    const std::string a = file(), b = file();
    EXPECT_TRUE(ReloadGivesWhatLoadingGives(a, b, nullptr, false)) << "A:\n" << a << "B:\n" << b;
    if (HasFailure()) return;
  }
}

}  // namespace
}  // namespace gw::testing
