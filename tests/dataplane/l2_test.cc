// dataplane/l2: what Ethernet lets in (frames to the port's MAC, broadcasts) and what it writes
// on the way out (src = egress port, dst = next hop's MAC, the right ethertype).
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

class L2Test : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
  }
  // Host A to node 2, plain routing from port1 to port0.
  static Ip4 ToNode2(uint8_t ttl = 64) {
    return Ip4{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = ttl, .proto = 17,
               .payload = Payload(20)};
  }
};

TEST_F(L2Test, AFrameToThePortsMacIsRoutedAndRewritten) {
  const Out o = Walk(1, Eth(kP1, kHostAMac, kEthIpv4, ToNode2().Build()));
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, Eth(kNode2Mac, kP0, kEthIpv4, ToNode2(63).Build()));
  EXPECT_EQ(Drops(), "");
}

TEST_F(L2Test, AFrameToTheOtherPortsMacIsNotForUs) {
  ExpectDrop(1, Eth(kP0, kHostAMac, kEthIpv4, ToNode2().Build()), Drop::not_for_us);
}

TEST_F(L2Test, AFrameToAnotherHostIsNotForUs) {
  ExpectDrop(1, Eth(kNode2Mac, kHostAMac, kEthIpv4, ToNode2().Build()), Drop::not_for_us);
}

TEST_F(L2Test, MulticastFramesAreNotForUs) {
  ExpectDrop(1, Eth({0x01, 0x00, 0x5e, 0x00, 0x00, 0x05}, kHostAMac, kEthIpv4, ToNode2().Build()),
             Drop::not_for_us);
}

TEST_F(L2Test, Ipv6MulticastFramesAreAcceptedButNotForwarded) {
  // Neighbour Discovery needs 33:33:xx frames; what they carry is never forwarded.
  ASSERT_TRUE(Config({"addr add 2001:db8:2::1/64 dev port0", "addr add 2001:db8:1::1/64 dev port1",
                      "neigh add 2001:db8:2::2 lladdr 52:54:00:41:84:02 dev port0"}));
  const Mac mcast = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
  ExpectDrop(1, Eth(mcast, kHostAMac, kEthIpv6,
                    Ip6{.src = "2001:db8:1::2", .dst = "2001:db8:2::2", .hop = 64}.Build()),
             Drop::not_for_us);
  // To one of our addresses it is delivered (and this protocol is not served).
  ExpectDrop(1, Eth(mcast, kHostAMac, kEthIpv6,
                    Ip6{.src = "2001:db8:1::2", .dst = "2001:db8:1::1", .next = 17}.Build()),
             Drop::local_unsupported);
}

TEST_F(L2Test, ABroadcastFrameIsNotForwarded) {
  // Linux routes only frames sent to it (PACKET_HOST).
  ExpectDrop(1, Eth(kBroadcast, kHostAMac, kEthIpv4, ToNode2().Build()), Drop::not_for_us);
}

TEST_F(L2Test, ABroadcastIpv6FrameIsNotForwarded) {
  ASSERT_TRUE(Config({"addr add 2001:db8:2::1/64 dev port0", "addr add 2001:db8:1::1/64 dev port1",
                      "neigh add 2001:db8:2::2 lladdr 52:54:00:41:84:02 dev port0"}));
  const Ip6 p{.src = "2001:db8:1::2", .dst = "2001:db8:2::2", .hop = 64, .payload = Payload(8)};
  ExpectDrop(1, Eth(kBroadcast, kHostAMac, kEthIpv6, p.Build()), Drop::not_for_us);
  EXPECT_EQ(Walk(1, Eth(kP1, kHostAMac, kEthIpv6, p.Build())).port, 0);
}

TEST_F(L2Test, ABroadcastFrameToOurAddressIsStillDecapsulated) {
  const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                  .payload = Payload(8)};
  const Ip4 outer{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                  .payload = inner.Build()};
  const Out o = Walk(0, Eth(kBroadcast, kNode2Mac, kEthIpv4, outer.Build()));
  EXPECT_EQ(o.port, 1);
  Ip4 out = inner;
  out.ttl = 63;
  EXPECT_FRAME(o.frame, Eth(kHostAMac, kP1, kEthIpv4, out.Build()));
}

TEST_F(L2Test, OtherEthertypesAreDropped) {
  ExpectDrop(1, Eth(kP1, kHostAMac, 0x8100, Payload(46)), Drop::bad_ethertype);  // VLAN tag
  ExpectDrop(1, Eth(kP1, kHostAMac, 0x88cc, Payload(46)), Drop::bad_ethertype);  // LLDP
  // ARP is served (forward.h); 28 bytes of pattern are not an Ethernet/IPv4 ARP message.
  ExpectDrop(1, Eth(kBroadcast, kHostAMac, kEthArp, Payload(28)), Drop::bad_arp);
}

TEST_F(L2Test, AFrameShorterThanAnEthernetHeaderIsTruncated) {
  ExpectDrop(1, Bytes(kP1.begin(), kP1.end()), Drop::truncated);
  Bytes thirteen = Eth(kP1, kHostAMac, kEthIpv4, {});
  thirteen.pop_back();
  ExpectDrop(1, thirteen, Drop::truncated);
  ExpectDrop(1, Bytes{}, Drop::truncated);
}

}  // namespace
}  // namespace gw::testing
