// dataplane/forward: the routing decision. Destinations that are never forwarded, no route,
// packets for the gateway itself that it does not serve.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

class ForwardTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1"}));
  }
  static Bytes V4(const char* dst, uint8_t proto = 17) {
    const Ip4 p{.src = "10.10.100.2", .dst = dst, .ttl = 64, .proto = proto,
                .payload = Payload(16)};
    return Eth(kP1, kHostAMac, kEthIpv4, p.Build());
  }
  static Bytes V6(const char* dst, uint8_t next = 17) {
    const Ip6 p{.src = "2001:db8:1::2", .dst = dst, .next = next, .hop = 64,
                .payload = Payload(16)};
    return Eth(kP1, kHostAMac, kEthIpv6, p.Build());
  }
};

TEST_F(ForwardTest, NoRouteDrops) {
  ExpectDrop(1, V4("8.8.8.8"), Drop::no_route);
  ExpectDrop(1, V6("2001:db9::1"), Drop::no_route);
}

TEST_F(ForwardTest, AddressesARouterNeverForwardsAreNotForUs) {
  ExpectDrop(1, V4("224.0.0.5"), Drop::not_for_us);
  ExpectDrop(1, V4("239.255.255.250"), Drop::not_for_us);
  ExpectDrop(1, V4("255.255.255.255"), Drop::not_for_us);
  ExpectDrop(1, V4("0.0.0.0"), Drop::not_for_us);
  ExpectDrop(1, V6("ff02::1"), Drop::not_for_us);
  ExpectDrop(1, V6("fe80::1"), Drop::not_for_us);
  ExpectDrop(1, V6("febf::1"), Drop::not_for_us);
  ExpectDrop(1, V6("::"), Drop::not_for_us);
}

TEST_F(ForwardTest, TheEdgesOfThoseRangesAreRouted) {
  ASSERT_TRUE(Config({"route add default via 10.65.132.188",
                      "route add ::/0 via 2001:db8:1::2",
                      "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1"}));
  EXPECT_EQ(Walk(1, V4("223.255.255.255")).port, 0);
  EXPECT_EQ(Walk(1, V4("240.0.0.1")).port, 0);
  EXPECT_EQ(Walk(1, V4("0.0.0.1")).port, 0);
  EXPECT_EQ(Walk(1, V6("fec0::1")).port, 1);
  EXPECT_EQ(Walk(1, V6("fe7f::1")).port, 1);
  EXPECT_EQ(Walk(1, V6("::1")).port, 1);
  EXPECT_EQ(Drops(), "");
}

TEST_F(ForwardTest, PacketsForUsThatAreNotTunnelsAreUnsupported) {
  ExpectDrop(1, V4("10.65.132.187", 6), Drop::local_unsupported);  // TCP to us
  ExpectDrop(1, V4("10.10.100.10", 17), Drop::local_unsupported);  // UDP to tun1's address
  ExpectDrop(1, V6("2001:db8:1::1", 17), Drop::local_unsupported);  // UDP to us over IPv6
  ExpectDrop(1, V4("10.10.100.1", 47), Drop::local_unsupported);   // GRE: not served
  // ICMP to us is served (icmp.h); these payloads are not ICMP messages.
  ExpectDrop(1, V4("10.10.100.1", 1), Drop::bad_icmp);
  ExpectDrop(1, V6("2001:db8:1::1", 58), Drop::bad_icmp);
  // IPIP to us from no configured peer is a tunnel question, not this one.
  ExpectDrop(1, V4("10.10.100.1", 4), Drop::unknown_peer);
}

TEST_F(ForwardTest, DropsOnlyCountOnce) {
  ExpectDrop(1, V4("8.8.8.8"), Drop::no_route);
  ExpectDrop(1, V4("8.8.4.4"), Drop::no_route);
  EXPECT_EQ(Drops(), "no_route=2");
}

}  // namespace
}  // namespace gw::testing
