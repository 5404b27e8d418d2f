// tunnel/control/pmtu.cc: path MTUs learned from ICMP fragmentation needed, on the control
// thread, as Linux's __ip_rt_update_pmtu decides (lower only, the minimum and its lock, the
// refresh after half the expiry, the expiry), and what the walk then reads of them: the tunnel's
// published fields (a fixed remote's MTU lowered; kPmtuSlow, kPmtuLocked) and, for `remote any`,
// the per-remote entries of TunnelTable::PathMtu. Also `tunnel show` and the log lines. The
// clock is the test's.
#include <gtest/gtest.h>
#include <stdio.h>

#include <chrono>
#include <string>

#include "control/json.h"
#include "control/log.h"
#include "tests/control/gateway_fixture.h"
#include "tests/dataplane/packets.h"

namespace gw::testing {
namespace {

using ctl::Clock;
using std::chrono::seconds;
using View = dp::TunnelView;

class PmtuControlTest : public GatewayFixture {
 protected:
  void SetUp() override {
    GatewayFixture::SetUp();
    if (HasFatalFailure()) return;
    tunnels().SetClock([this] { return now_; });
    counters_ = std::make_unique<dp::LcoreCounters>();
  }
  ctl::Tunnels& tunnels() { return gw_->mutable_tunnel_config(); }
  const ctl::Tunnel& Tun(const char* name) { return *tunnels().Find(name); }
  View Fields(uint32_t id) {
    View v;
    EXPECT_TRUE(tables_->tunnels.Read(tables_->tunnels.Lines(0), id, &v));
    return v;
  }
  bool Learn(const char* name, const char* remote, uint16_t mtu, uint16_t port_mtu = 1500) {
    return tunnels().LearnPathMtu(name, Be4(remote), mtu, port_mtu);
  }
  // An ICMP fragmentation needed from 10.65.132.1 to `to` about an outer packet local -> remote
  // of protocol `proto`, as a router sends it (RFC 792, RFC 1191), from its IPv4 header on.
  static Bytes FragNeeded(const char* local, const char* remote, uint16_t mtu, uint8_t proto = 4,
                          const char* to = nullptr, uint8_t type = 3, uint8_t code = 4) {
    const Bytes quoted = Ip4{.src = local,
                             .dst = remote,
                             .ttl = 63,
                             .proto = proto,
                             .id = 0,
                             .flags_frag = 0x4000,
                             .payload = Payload(28)}
                             .Build();
    Bytes icmp = {
        type, code, 0, 0, 0, 0, static_cast<uint8_t>(mtu >> 8), static_cast<uint8_t>(mtu)};
    icmp.insert(icmp.end(), quoted.begin(), quoted.end());
    const uint16_t c = InetChecksum(icmp.data(), icmp.size());
    icmp[2] = static_cast<uint8_t>(c >> 8);
    icmp[3] = static_cast<uint8_t>(c);
    return Ip4{.src = "10.65.132.1",
               .dst = to != nullptr ? to : local,
               .tos = 0xc0,
               .proto = 1,
               .payload = icmp}
        .Build();
  }
  void Message(const Bytes& ip, uint16_t port_mtu = 1500) {
    tunnels().PathMtuMessage(ip.data(), static_cast<uint32_t>(ip.size()), port_mtu, *counters_);
  }
  uint64_t Event(dp::Event e) const { return counters_->events[static_cast<size_t>(e)]; }
  uint64_t Drop(dp::Drop d) const { return counters_->drops[static_cast<size_t>(d)]; }
  std::string Show(const char* name, std::string* json = nullptr) {
    std::string text;
    ctl::Json j;
    EXPECT_TRUE(tunnels().Show(name, &text, &j).ok());
    if (json != nullptr) *json = j.Take();
    return text;
  }

  Clock::time_point now_ = Clock::time_point{} + seconds(1000);
  std::unique_ptr<dp::LcoreCounters> counters_;
};

constexpr const char* kFixed = "tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187";
constexpr const char* kAny = "tunnel add tunl0 mode ipip remote any local 10.65.132.187";

TEST_F(PmtuControlTest, FragNeededLowersAFixedRemotesTunnelMtuInItsFields) {
  ASSERT_TRUE(Config({kFixed}));
  Message(FragNeeded("10.65.132.187", "10.65.132.188", 1400));
  EXPECT_EQ(Event(dp::Event::pmtu_learned), 1u);
  EXPECT_EQ(Drop(dp::Drop::icmp_handled), 0u);
  const ctl::Tunnel& t = Tun("tun1");
  ASSERT_EQ(t.pmtu.size(), 1u);
  const ctl::PathMtu& p = t.pmtu.at(Be4("10.65.132.188"));
  EXPECT_EQ(p.mtu, 1400);
  EXPECT_FALSE(p.locked);
  EXPECT_EQ(p.expires, now_ + seconds(600));
  EXPECT_EQ(t.mtu, 1480);  // the configured MTU is the configured MTU
  const View v = Fields(t.id);
  EXPECT_EQ(v.mtu(), 1380);  // what encap and the fast stage's plan take
  EXPECT_EQ(v.pmtu(), 1400);
  EXPECT_EQ(v.pmtu_flags(), 0);  // 1400 - 20 >= 1280: nothing per packet
  EXPECT_EQ(tables_->tunnels.Get(t.id)->mtu, 1380);
  EXPECT_EQ(tables_->tunnels.path_mtus(), 0u);  // (per-remote entries: remote any only)
  // The template words the walk reads are still the template's.
  const dp::TunnelRec* r = tables_->tunnels.Get(t.id);
  for (int i : {0, 2, 3, 4, 6, 7, 8, 9}) EXPECT_EQ(v.TmplWord(i), r->TmplWord(i)) << i;
}

TEST_F(PmtuControlTest, OnlyALowerMtuIsLearnedAsLinuxDoes) {
  ASSERT_TRUE(Config({kFixed}));
  EXPECT_FALSE(Learn("tun1", "10.65.132.188", 1501));  // above the port's: ignored
  EXPECT_TRUE(Tun("tun1").pmtu.empty());
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1500));  // equal: Linux records it
  EXPECT_EQ(Fields(0).mtu(), 1480);
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1450));
  EXPECT_FALSE(Learn("tun1", "10.65.132.188", 1460));  // above the one learned
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).mtu, 1450);
  EXPECT_EQ(Fields(0).mtu(), 1430);
  EXPECT_FALSE(Learn("tun1", "10.65.132.189", 1300));  // not this tunnel's remote
  // With a tunnel MTU set lower than the path allows, the tunnel's is what counts.
  ASSERT_TRUE(Config({"link set tun1 mtu 1400"}));
  EXPECT_EQ(Fields(0).mtu(), 1400);
  EXPECT_EQ(Fields(0).pmtu(), 1450);  // kept across link set
}

TEST_F(PmtuControlTest, TheSameMtuRefreshesTheExpiryOnlyAfterHalfOfIt) {
  ASSERT_TRUE(Config({kFixed}));
  const Clock::time_point t0 = now_;
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  now_ = t0 + seconds(299);
  EXPECT_FALSE(Learn("tun1", "10.65.132.188", 1400));
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).expires, t0 + seconds(600));
  now_ = t0 + seconds(300);
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).expires, now_ + seconds(600));
  now_ = t0 + seconds(301);
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1399));  // lower: at once
}

TEST_F(PmtuControlTest, BelowTheMinimumIsRaisedToItAndLocked) {
  ASSERT_TRUE(Config({"tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187"}));
  Message(FragNeeded("10.65.132.187", "10.65.132.188", 100));
  EXPECT_EQ(Event(dp::Event::pmtu_learned), 1u);
  const ctl::PathMtu& p = Tun("tun1").pmtu.at(Be4("10.65.132.188"));
  EXPECT_EQ(p.mtu, 552);
  EXPECT_TRUE(p.locked);
  View v = Fields(0);
  EXPECT_EQ(v.mtu(), 532);
  EXPECT_EQ(v.pmtu_flags(), View::kPmtuSlow | View::kPmtuLocked);  // DF per packet: clear
  // Locked: nothing changes it until it expires (Linux: ip_mtu_locked).
  Message(FragNeeded("10.65.132.187", "10.65.132.188", 300));
  Message(FragNeeded("10.65.132.187", "10.65.132.188", 0));  // (an RFC 792 router: no MTU)
  EXPECT_EQ(Drop(dp::Drop::icmp_handled), 2u);
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).mtu, 552);
  now_ += seconds(600);
  tunnels().ExpirePathMtus(*counters_);
  EXPECT_TRUE(Tun("tun1").pmtu.empty());
  EXPECT_EQ(Fields(0).pmtu_flags(), 0);
  // No MTU at all (RFC 792): the minimum, locked.
  Message(FragNeeded("10.65.132.187", "10.65.132.188", 0));
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).mtu, 552);
  EXPECT_TRUE(Tun("tun1").pmtu.at(Be4("10.65.132.188")).locked);
}

TEST_F(PmtuControlTest, TheMinimumIsAnOption) {
  ASSERT_TRUE(Config({"tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187"}));
  tunnels().SetPathMtuOptions({60, 68});
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 100));
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).mtu, 100);
  EXPECT_FALSE(Tun("tun1").pmtu.at(Be4("10.65.132.188")).locked);
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).expires, now_ + seconds(60));
  EXPECT_EQ(Fields(0).mtu(), 80);
  EXPECT_EQ(Fields(0).pmtu_flags(), 0);
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 67));  // below 68: 68, locked
  EXPECT_EQ(Tun("tun1").pmtu.at(Be4("10.65.132.188")).mtu, 68);
  EXPECT_TRUE(Tun("tun1").pmtu.at(Be4("10.65.132.188")).locked);
  EXPECT_EQ(Fields(0).mtu(), 48);
}

TEST_F(PmtuControlTest, APathTooSmallForIpv6MakesATunnelCarryingItSlow) {
  ASSERT_TRUE(
      Config({kFixed, "tunnel add tun2 mode ipip remote 10.65.132.189 local 10.65.132.187"}));
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1299));
  EXPECT_TRUE(Learn("tun2", "10.65.132.189", 1299));
  EXPECT_EQ(Fields(0).pmtu_flags(), View::kPmtuSlow);  // mode any: IPv6 gets 1280, DF clear
  EXPECT_EQ(Fields(0).mtu(), 1279);                    // (IPv4's limit)
  EXPECT_EQ(Fields(1).pmtu_flags(), 0);                // IPv4 only: the MTU says it all
  EXPECT_TRUE(Learn("tun2", "10.65.132.189", 1200));
  EXPECT_EQ(Fields(1).pmtu_flags(), 0);
  // A change of mode is a new record: the flags follow.
  ASSERT_TRUE(Config({"tunnel change tun2 mode any"}));
  EXPECT_EQ(Fields(1).pmtu_flags(), View::kPmtuSlow);
  EXPECT_EQ(Fields(1).pmtu(), 1200);
  // tun1 unchanged; the same MTU again before half the expiry changes nothing.
  EXPECT_EQ(Fields(0).pmtu(), 1299);
  EXPECT_EQ(Fields(0).pmtu_flags(), View::kPmtuSlow);
  EXPECT_FALSE(Learn("tun1", "10.65.132.188", 1299));
}

TEST_F(PmtuControlTest, RemoteAnyLearnsPerRemote) {
  ASSERT_TRUE(Config({kAny}));
  const uint32_t id = Tun("tunl0").id;
  EXPECT_TRUE(Learn("tunl0", "10.65.132.190", 1400));
  now_ += seconds(10);
  EXPECT_TRUE(Learn("tunl0", "10.65.132.191", 1300));
  uint16_t mtu = 0;
  bool locked = true;
  ASSERT_TRUE(tables_->tunnels.PathMtu(id, Be4("10.65.132.190"), &mtu, &locked));
  EXPECT_EQ(mtu, 1400);
  EXPECT_FALSE(locked);
  ASSERT_TRUE(tables_->tunnels.PathMtu(id, Be4("10.65.132.191"), &mtu, &locked));
  EXPECT_EQ(mtu, 1300);
  EXPECT_FALSE(tables_->tunnels.PathMtu(id, Be4("10.65.132.192"), &mtu, &locked));
  View v = Fields(id);
  EXPECT_EQ(v.mtu(), 1480);   // per remote: not in the tunnel's MTU
  EXPECT_EQ(v.pmtu(), 1300);  // the lowest, so that encap asks only when it may matter
  EXPECT_EQ(v.pmtu_flags(), View::kPmtuSlow);
  // A locked one anywhere: the tunnel's fields say so.
  EXPECT_TRUE(Learn("tunl0", "10.65.132.192", 500));
  ASSERT_TRUE(tables_->tunnels.PathMtu(id, Be4("10.65.132.192"), &mtu, &locked));
  EXPECT_EQ(mtu, 552);
  EXPECT_TRUE(locked);
  EXPECT_EQ(Fields(id).pmtu_flags(), View::kPmtuSlow | View::kPmtuLocked);
  EXPECT_EQ(Fields(id).pmtu(), 552);
  // The first two expire 10 s apart (the third was learned with the second).
  now_ += seconds(590);
  tunnels().ExpirePathMtus(*counters_);
  EXPECT_EQ(Event(dp::Event::pmtu_expired), 1u);
  EXPECT_FALSE(tables_->tunnels.PathMtu(id, Be4("10.65.132.190"), &mtu, &locked));
  EXPECT_TRUE(tables_->tunnels.PathMtu(id, Be4("10.65.132.191"), &mtu, &locked));
  EXPECT_EQ(Fields(id).pmtu(), 552);
  now_ += seconds(10);
  tunnels().ExpirePathMtus(*counters_);
  EXPECT_EQ(Event(dp::Event::pmtu_expired), 3u);
  EXPECT_EQ(tables_->tunnels.path_mtus(), 0u);
  EXPECT_EQ(Fields(id).pmtu(), 0);
  EXPECT_EQ(Fields(id).pmtu_flags(), 0);
  EXPECT_TRUE(Tun("tunl0").pmtu.empty());
}

TEST_F(PmtuControlTest, ExpiryRestoresTheTunnelsMtuAndCostsNothingBeforeItIsDue) {
  ASSERT_TRUE(Config({kFixed}));
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  now_ += seconds(599);
  tunnels().ExpirePathMtus(*counters_);
  EXPECT_EQ(Event(dp::Event::pmtu_expired), 0u);
  EXPECT_EQ(Fields(0).mtu(), 1380);
  now_ += seconds(1);
  tunnels().ExpirePathMtus(*counters_);
  EXPECT_EQ(Event(dp::Event::pmtu_expired), 1u);
  EXPECT_TRUE(Tun("tun1").pmtu.empty());
  EXPECT_EQ(Fields(0).mtu(), 1480);
  EXPECT_EQ(Fields(0).pmtu(), 0);
  tunnels().ExpirePathMtus(*counters_);
  EXPECT_EQ(Event(dp::Event::pmtu_expired), 1u);
  // An expired one not yet forgotten does not count as known: a higher MTU is learned.
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  now_ += seconds(600);
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1450));
}

TEST_F(PmtuControlTest, NewEndpointsForgetThePathAndDelForgetsTheWalksEntries) {
  ASSERT_TRUE(Config({kFixed, kAny}));
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  EXPECT_TRUE(Learn("tunl0", "10.65.132.190", 1400));
  EXPECT_EQ(tables_->tunnels.path_mtus(), 1u);
  ASSERT_TRUE(Config({"tunnel change tun1 ttl 64"}));  // same endpoints: kept
  EXPECT_EQ(Fields(0).mtu(), 1380);
  ASSERT_TRUE(Config({"tunnel change tun1 remote 10.65.132.189"}));
  EXPECT_TRUE(Tun("tun1").pmtu.empty());
  EXPECT_EQ(Fields(0).mtu(), 1480);
  EXPECT_EQ(Fields(0).pmtu(), 0);
  // remote any -> a fixed remote: its per-remote entries go too.
  ASSERT_TRUE(Config({"tunnel change tunl0 remote 10.65.132.190"}));
  EXPECT_EQ(tables_->tunnels.path_mtus(), 0u);
  ASSERT_TRUE(Config({"tunnel change tunl0 remote any"}));
  EXPECT_TRUE(Learn("tunl0", "10.65.132.191", 1400));
  EXPECT_EQ(tables_->tunnels.path_mtus(), 1u);
  ASSERT_TRUE(Config({"tunnel del tunl0"}));
  EXPECT_EQ(tables_->tunnels.path_mtus(), 0u);
  // The id comes back without anything learned.
  ASSERT_TRUE(Config({kAny}));
  EXPECT_EQ(Fields(Tun("tunl0").id).pmtu(), 0);
}

TEST_F(PmtuControlTest, MessagesThatNameNoTunnelOrAreNotFragNeededChangeNothing) {
  ASSERT_TRUE(Config({kFixed, kAny}));
  Message(FragNeeded("10.65.132.186", "10.65.132.188", 1400));  // not a local address of ours
  Message(FragNeeded("10.65.132.187", "10.65.132.188", 1400, 4, nullptr, 3, 1));  // not 3/4
  Bytes shortened = FragNeeded("10.65.132.187", "10.65.132.188", 1400);
  shortened.resize(20 + 8 + 19);
  Message(shortened);
  EXPECT_EQ(Drop(dp::Drop::icmp_handled), 3u);
  EXPECT_EQ(Event(dp::Event::pmtu_learned), 0u);
  // Remote .189 has no tunnel of its own: the `remote any` one on that local address is it.
  Message(FragNeeded("10.65.132.187", "10.65.132.189", 1400));
  EXPECT_EQ(Event(dp::Event::pmtu_learned), 1u);
  EXPECT_EQ(Tun("tunl0").pmtu.size(), 1u);
  EXPECT_TRUE(Tun("tun1").pmtu.empty());
}

TEST_F(PmtuControlTest, TunnelShowPrintsWhatWasLearnedAndWhenItExpires) {
  ASSERT_TRUE(Config({kFixed, kAny}));
  std::string json;
  EXPECT_EQ(Show("tun1", &json),
            "tun1: any/ip remote 10.65.132.188 local 10.65.132.187 ttl inherit tos 0x0 "
            "pmtudisc\n");
  EXPECT_NE(json.find("\"pmtu\":[]"), std::string::npos) << json;
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  EXPECT_TRUE(Learn("tunl0", "10.65.132.191", 600));
  EXPECT_TRUE(Learn("tunl0", "10.65.132.190", 400));
  now_ += std::chrono::milliseconds(2500);
  EXPECT_EQ(Show("tun1", &json),
            "tun1: any/ip remote 10.65.132.188 local 10.65.132.187 ttl inherit tos 0x0 "
            "pmtudisc pmtu 1400 expires 598sec\n");
  EXPECT_NE(json.find("\"pmtu\":[{\"remote\":\"10.65.132.188\",\"mtu\":1400,\"locked\":false,"
                      "\"expires_s\":598}]"),
            std::string::npos)
      << json;
  EXPECT_EQ(Show("tunl0", &json),
            "tunl0: ip/ip remote any local 10.65.132.187 ttl inherit tos 0x0 pmtudisc\n"
            "    remote 10.65.132.190 pmtu lock 552 expires 598sec\n"
            "    remote 10.65.132.191 pmtu 600 expires 598sec\n");
  EXPECT_NE(json.find("\"pmtu\":[{\"remote\":\"10.65.132.190\",\"mtu\":552,\"locked\":true,"
                      "\"expires_s\":598},{\"remote\":\"10.65.132.191\",\"mtu\":600,"
                      "\"locked\":false,\"expires_s\":598}]"),
            std::string::npos)
      << json;
  // Not config: config show and save leave it out.
  EXPECT_EQ(gw_->ConfigText().find("pmtu 1400"), std::string::npos);
}

TEST_F(PmtuControlTest, LearningAndExpiryAreLoggedOneLineEach) {
  ASSERT_TRUE(Config({kFixed}));
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  ASSERT_NE(mem, nullptr);
  FILE* before = rte_log_get_stream();
  rte_openlog_stream(mem);
  const int level = rte_log_get_level(static_cast<uint32_t>(ctl::LogType()));
  rte_log_set_level(static_cast<uint32_t>(ctl::LogType()), RTE_LOG_INFO);
  EXPECT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  now_ += seconds(600);
  tunnels().ExpirePathMtus(*counters_);
  rte_log_set_level(static_cast<uint32_t>(ctl::LogType()), static_cast<uint32_t>(level));
  rte_openlog_stream(before);
  fclose(mem);
  const std::string log(buf, len);
  free(buf);
  EXPECT_NE(log.find("event=pmtu_learned tunnel=tun1 remote=10.65.132.188 mtu=1400 locked=no "
                     "expires_s=600\n"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("event=pmtu_expired tunnel=tun1 remote=10.65.132.188\n"), std::string::npos)
      << log;
}

}  // namespace
}  // namespace gw::testing
