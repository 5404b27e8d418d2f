// dataplane/burst: the burst stage decides nothing. Whatever it looked up ahead (the route of the
// destination, of an IPIP packet's inner destination, the peer), the walk gives the same frame,
// egress port and counters as without it, on every kind of packet.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

class BurstStageTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({"tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187",
                        "link set sit1 up", "addr add 2001:db8:1::1/64 dev port1",
                        "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1"}));
  }

  struct Case {
    const char* what;
    uint16_t in_port;
    Bytes frame;
  };

  static std::vector<Case> Cases() {
    const Ip4 to_tunnel{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 64, .proto = 17,
                        .payload = Payload(32)};
    const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                    .payload = Payload(40)};
    const Ip6 inner6{.src = "2001:db8:99::1", .dst = "2001:db8:1::2", .next = 17, .hop = 64,
                     .payload = Payload(16)};
    auto from_node = [](const Bytes& in, uint8_t proto, const char* src, const char* dst) {
      const Ip4 o{.src = src, .dst = dst, .ttl = 64, .proto = proto, .payload = in};
      return Eth(kP0, kNode2Mac, kEthIpv4, o.Build());
    };
    const Ip4 plain{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 64, .proto = 17,
                    .payload = Payload(16)};
    const Ip4 no_route{.src = "10.10.100.2", .dst = "8.8.8.8", .ttl = 64, .proto = 17,
                       .payload = Payload(16)};
    const Ip4 ttl1{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 1, .proto = 17,
                   .payload = Payload(16)};
    return {
        {"encap", 1, Eth(kP1, kHostAMac, kEthIpv4, to_tunnel.Build())},
        {"decap 4in4", 0, from_node(inner.Build(), 4, "10.65.132.188", "10.65.132.187")},
        {"decap 6in4", 0, from_node(inner6.Build(), 41, "10.65.132.189", "10.65.132.187")},
        {"unknown peer", 0, from_node(inner.Build(), 4, "10.65.132.200", "10.65.132.187")},
        {"IPIP in transit", 1, from_node(inner.Build(), 4, "10.10.100.2", "10.65.132.188")},
        {"plain route", 1, Eth(kP1, kHostAMac, kEthIpv4, plain.Build())},
        {"no route", 1, Eth(kP1, kHostAMac, kEthIpv4, no_route.Build())},
        {"ttl 1", 1, Eth(kP1, kHostAMac, kEthIpv4, ttl1.Build())},
        {"truncated", 1, Bytes(20, 0x45)},
    };
  }

  struct Result {
    std::vector<Out> outs;
    std::string drops;
    uint64_t encap = 0;
    uint64_t decap = 0;
  };

  Result RunAll(Stage stage) {
    stage_ = stage;
    Result r;
    for (const Case& c : Cases()) r.outs.push_back(Walk(c.in_port, c.frame));
    r.drops = Drops();
    for (uint32_t id = 0; id < 4; ++id) {
      r.encap += Tc(id).encap_packets;
      r.decap += Tc(id).decap_packets;
    }
    counters_ = std::make_unique<dp::LcoreCounters>(tables_->tunnels.capacity());
    ip_id_ = 0;
    return r;
  }

  void ExpectSameAsWithout(Stage stage) {
    const Result without = RunAll(Stage::kNone);
    const Result with = RunAll(stage);
    const std::vector<Case> cases = Cases();
    ASSERT_EQ(without.outs.size(), with.outs.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(with.outs[i].port, without.outs[i].port) << cases[i].what;
      EXPECT_FRAME(with.outs[i].frame, without.outs[i].frame) << cases[i].what;
    }
    EXPECT_EQ(with.drops, without.drops);
    EXPECT_EQ(with.encap, without.encap);
    EXPECT_EQ(with.decap, without.decap);
    EXPECT_NE(without.drops, "");  // (the cases do include drops)
    EXPECT_EQ(without.encap, 1u);
    EXPECT_EQ(without.decap, 2u);
  }
};

TEST_F(BurstStageTest, BulkLookupChangesNothing) { ExpectSameAsWithout(Stage::kLookup); }

TEST_F(BurstStageTest, PrefetchChangesNothing) { ExpectSameAsWithout(Stage::kPrefetch); }

TEST_F(BurstStageTest, PrefetchChangesNothingWithTheWorkerCaches) {
  UseWorkerCaches();
  ExpectSameAsWithout(Stage::kPrefetch);
  ExpectSameAsWithout(Stage::kPrefetch);  // (now from the caches the first round filled)
}

}  // namespace
}  // namespace gw::testing
