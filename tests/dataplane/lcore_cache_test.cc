// dataplane/lcore_cache: a worker's caches of neighbour and peer answers. Whatever they hold, a
// change made through Apply is seen from the next poll loop on, exactly as without them.
#include "dataplane/lcore_cache.h"

#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

class LcoreCacheTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    UseWorkerCaches();
  }
  static Ip4 Inner() {
    return Ip4{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 64, .proto = 17,
               .payload = Payload(12)};
  }
  static Bytes FromHostA() { return Eth(kP1, kHostAMac, kEthIpv4, Inner().Build()); }
  static Bytes Encapped(const Mac& dst) {
    Ip4 in = Inner();
    in.ttl = 63;
    const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.188", .ttl = 63, .proto = 4,
                    .id = 0, .flags_frag = 0x4000, .payload = in.Build()};
    return Eth(dst, kP0, kEthIpv4, outer.Build());
  }
  // An IPIP packet from `src` to our underlay address, carrying a packet for host A.
  static Bytes Ipip(const char* src) {
    const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                    .payload = Payload(12)};
    const Ip4 outer{.src = src, .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                    .payload = inner.Build()};
    return Eth(kP0, kNode2Mac, kEthIpv4, outer.Build());
  }
};

TEST_F(LcoreCacheTest, CachedAnswersGiveTheSameFrames) {
  for (int i = 0; i < 3; ++i) {
    const Out o = Walk(1, FromHostA());
    EXPECT_EQ(o.port, 0);
    EXPECT_FRAME(o.frame, Encapped(kNode2Mac));
    EXPECT_EQ(Walk(0, Ipip("10.65.132.188")).port, 1);
  }
  EXPECT_EQ(Tc(0).encap_packets, 3u);
  EXPECT_EQ(Tc(0).decap_packets, 3u);
  EXPECT_EQ(Drops(), "");
}

// The contract behind the caches: an answer holds until the generation moves, which every
// change through Apply does. (A table written behind the Gateway's back is not seen.)
TEST_F(LcoreCacheTest, AnAnswerHoldsUntilTheGenerationMoves) {
  EXPECT_FRAME(Walk(1, FromHostA()).frame, Encapped(kNode2Mac));
  const dp::NeighKey k = dp::NeighKey4(0, Be4("10.65.132.188"));
  ASSERT_TRUE(tables_->neighbours.Set(&k, MacWord({0x02, 0, 0, 0, 0, 0x42})).ok());
  EXPECT_FRAME(Walk(1, FromHostA()).frame, Encapped(kNode2Mac));
  tables_->neigh_gen.fetch_add(1);
  EXPECT_FRAME(Walk(1, FromHostA()).frame, Encapped({0x02, 0, 0, 0, 0, 0x42}));
}

TEST_F(LcoreCacheTest, AReplacedNeighbourIsSeenAtTheNextLoop) {
  EXPECT_FRAME(Walk(1, FromHostA()).frame, Encapped(kNode2Mac));
  ASSERT_TRUE(Config({"neigh replace 10.65.132.188 lladdr 52:54:00:00:00:99 dev port0"}));
  EXPECT_FRAME(Walk(1, FromHostA()).frame, Encapped({0x52, 0x54, 0x00, 0x00, 0x00, 0x99}));
}

TEST_F(LcoreCacheTest, ADeletedNeighbourIsSeenAtTheNextLoop) {
  EXPECT_EQ(Walk(1, FromHostA()).port, 0);
  ASSERT_TRUE(Config({"neigh del 10.65.132.188 dev port0"}));
  ExpectDrop(1, FromHostA(), Drop::no_neighbour);
  const Ip4 plain{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 64, .proto = 17};
  ExpectDrop(1, Eth(kP1, kHostAMac, kEthIpv4, plain.Build()), Drop::no_neighbour);
}

TEST_F(LcoreCacheTest, ANewExactTunnelTakesOverFromTheWildcard) {
  ASSERT_TRUE(Config({"tunnel add nbma local 10.65.132.187", "link set nbma up"}));
  EXPECT_EQ(Walk(0, Ipip("10.65.132.201")).port, 1);
  EXPECT_EQ(Tc(1).decap_packets, 1u);
  ASSERT_TRUE(Config({"tunnel add t201 remote 10.65.132.201 local 10.65.132.187",
                      "link set t201 up"}));
  EXPECT_EQ(Walk(0, Ipip("10.65.132.201")).port, 1);
  EXPECT_EQ(Tc(1).decap_packets, 1u);
  EXPECT_EQ(Tc(2).decap_packets, 1u);
}

TEST_F(LcoreCacheTest, AChangedRemoteIsSeenAtTheNextLoop) {
  EXPECT_EQ(Walk(0, Ipip("10.65.132.188")).port, 1);
  ASSERT_TRUE(Config({"tunnel change tun1 remote 10.65.132.189"}));
  ExpectDrop(0, Ipip("10.65.132.188"), Drop::unknown_peer);
  EXPECT_EQ(Walk(0, Ipip("10.65.132.189")).port, 1);
  EXPECT_EQ(Tc(0).decap_packets, 2u);
}

TEST_F(LcoreCacheTest, ADeletedTunnelAndItsReusedIdAreSeenAtTheNextLoop) {
  EXPECT_EQ(Walk(0, Ipip("10.65.132.188")).port, 1);
  ASSERT_TRUE(Config({"tunnel del tun1"}));
  ExpectDrop(0, Ipip("10.65.132.188"), Drop::unknown_peer);
  // Id 0 again, for another remote: the old answer must not bring .188 back to it.
  ASSERT_TRUE(Config({"tunnel add tun2 remote 10.65.132.190 local 10.65.132.187",
                      "link set tun2 up"}));
  ASSERT_EQ(GwTunnel("tun2")->id, 0u);
  ExpectDrop(0, Ipip("10.65.132.188"), Drop::unknown_peer);
  EXPECT_EQ(Walk(0, Ipip("10.65.132.190")).port, 1);
}

}  // namespace
}  // namespace gw::testing
