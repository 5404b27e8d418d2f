// dataplane/output: plain routing out of a port (RFC 1812): TTL / hop limit one lower, the IPv4
// checksum patched, Ethernet to the next hop's MAC; link state, MTU and neighbour checked first.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

inline constexpr Mac kGwMac = {0x52, 0x54, 0x00, 0x41, 0x84, 0x01};     // 10.65.132.1
inline constexpr Mac kNode2v6Mac = {0x52, 0x54, 0x00, 0x41, 0x84, 0x02};  // 2001:db8:2::2

class OutputTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({
        "route add 203.0.113.0/24 via 10.65.132.1",
        "neigh add 10.65.132.1 lladdr 52:54:00:41:84:01 dev port0",
        "addr add 2001:db8:2::1/64 dev port0",
        "addr add 2001:db8:1::1/64 dev port1",
        "neigh add 2001:db8:2::2 lladdr 52:54:00:41:84:02 dev port0",
        "route add 2001:db8:5::/48 via 2001:db8:2::2",
    }));
  }
  static Ip4 From(const char* dst, uint8_t ttl = 64, size_t payload = 20) {
    return Ip4{.src = "10.10.100.2", .dst = dst, .tos = 0x10, .ttl = ttl, .proto = 6,
               .id = 0xbeef, .flags_frag = 0x4000, .payload = Payload(payload)};
  }
  static Ip6 From6(const char* dst, uint8_t hop = 64) {
    return Ip6{.src = "2001:db8:1::2", .dst = dst, .tclass = 0x28, .flow = 0x54321, .next = 6,
               .hop = hop, .payload = Payload(30)};
  }
  static Bytes In(const Ip4& p) { return Eth(kP1, kHostAMac, kEthIpv4, p.Build()); }
  static Bytes In6(const Ip6& p) { return Eth(kP1, kHostAMac, kEthIpv6, p.Build()); }
};

TEST_F(OutputTest, AConnectedDestinationGetsItsOwnMac) {
  const Out o = Walk(1, In(From("10.65.132.188")));
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, Eth(kNode2Mac, kP0, kEthIpv4, From("10.65.132.188", 63).Build()));
  EXPECT_EQ(Drops(), "");
}

TEST_F(OutputTest, AGatewayedDestinationGetsTheGatewaysMac) {
  const Out o = Walk(1, In(From("203.0.113.9")));
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, Eth(kGwMac, kP0, kEthIpv4, From("203.0.113.9", 63).Build()));
}

TEST_F(OutputTest, TheChecksumPatchHoldsForEveryTtl) {
  for (int ttl = 2; ttl <= 255; ++ttl) {
    const Out o = Walk(1, In(From("203.0.113.9", static_cast<uint8_t>(ttl))));
    ASSERT_EQ(o.port, 0);
    EXPECT_FRAME(o.frame,
                 Eth(kGwMac, kP0, kEthIpv4, From("203.0.113.9", static_cast<uint8_t>(ttl - 1)).Build()))
        << "ttl " << ttl;
  }
}

TEST_F(OutputTest, Ipv6ConnectedAndGatewayed) {
  const Out c = Walk(1, In6(From6("2001:db8:2::2")));
  EXPECT_EQ(c.port, 0);
  EXPECT_FRAME(c.frame, Eth(kNode2v6Mac, kP0, kEthIpv6, From6("2001:db8:2::2", 63).Build()));
  const Out g = Walk(1, In6(From6("2001:db8:5::77")));
  EXPECT_EQ(g.port, 0);
  EXPECT_FRAME(g.frame, Eth(kNode2v6Mac, kP0, kEthIpv6, From6("2001:db8:5::77", 63).Build()));
  EXPECT_EQ(Drops(), "");
}

TEST_F(OutputTest, TtlOrHopLimitOfOneIsExceeded) {
  ExpectDrop(1, In(From("10.65.132.188", 1)), Drop::ttl_exceeded);
  ExpectDrop(1, In(From("10.65.132.188", 0)), Drop::ttl_exceeded);
  ExpectDrop(1, In6(From6("2001:db8:2::2", 1)), Drop::ttl_exceeded);
  ExpectDrop(1, In6(From6("2001:db8:2::2", 0)), Drop::ttl_exceeded);
}

TEST_F(OutputTest, NoNeighbourForTheNextHopDrops) {
  ExpectDrop(1, In(From("10.65.132.77")), Drop::no_neighbour);
  ExpectDrop(1, In6(From6("2001:db8:2::3")), Drop::no_neighbour);
  ASSERT_TRUE(Config({"neigh del 10.65.132.1 dev port0"}));
  ExpectDrop(1, In(From("203.0.113.9")), Drop::no_neighbour);
}

TEST_F(OutputTest, ANeighbourOnTheWrongPortDoesNotCount) {
  ASSERT_TRUE(Config({"neigh add 10.65.132.77 lladdr 02:00:00:00:00:77 dev port1"}));
  ExpectDrop(1, In(From("10.65.132.77")), Drop::no_neighbour);
}

TEST_F(OutputTest, AReplacedNeighbourIsUsedAtOnce) {
  ASSERT_TRUE(Config({"neigh replace 10.65.132.188 lladdr 52:54:00:00:00:99 dev port0"}));
  const Out o = Walk(1, In(From("10.65.132.188")));
  EXPECT_FRAME(o.frame, Eth({0x52, 0x54, 0x00, 0x00, 0x00, 0x99}, kP0, kEthIpv4,
                            From("10.65.132.188", 63).Build()));
}

TEST_F(OutputTest, AnEgressPortThatIsDownDrops) {
  ASSERT_TRUE(Config({"link set port0 down"}));
  ExpectDrop(1, In(From("10.65.132.188")), Drop::link_down);
  ExpectDrop(1, In6(From6("2001:db8:2::2")), Drop::link_down);
  ASSERT_TRUE(Config({"link set port0 up"}));
  EXPECT_EQ(Walk(1, In(From("10.65.132.188"))).port, 0);
}

TEST_F(OutputTest, ThePortMtuIsTheLargestPacket) {
  ASSERT_TRUE(Config({"link set port0 mtu 1280"}));
  EXPECT_EQ(Walk(1, In(From("10.65.132.188", 64, 1280 - 20))).port, 0);
  ExpectDrop(1, In(From("10.65.132.188", 64, 1281 - 20)), Drop::mtu_exceeded);
  Ip6 big = From6("2001:db8:2::2");
  big.payload = Payload(1281 - 40);
  ExpectDrop(1, In6(big), Drop::mtu_exceeded);
  big.payload = Payload(1280 - 40);
  EXPECT_EQ(Walk(1, In6(big)).port, 0);
}

}  // namespace
}  // namespace gw::testing
