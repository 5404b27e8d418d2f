// dataplane/ip_check: the checks Linux's ip_rcv / ipv6_rcv make before routing, and the trimming
// of link-layer padding, on packets off the wire.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

class IpCheckTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({"addr add 2001:db8:2::1/64 dev port0", "addr add 2001:db8:1::1/64 dev port1",
                        "neigh add 2001:db8:2::2 lladdr 52:54:00:41:84:02 dev port0"}));
  }
  static Ip4 ToNode2() {
    return Ip4{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 64, .proto = 17,
               .payload = Payload(20)};
  }
  static Ip6 ToNode2v6() {
    return Ip6{.src = "2001:db8:1::2", .dst = "2001:db8:2::2", .hop = 64, .payload = Payload(12)};
  }
  static Bytes V4Frame(const Bytes& ip) { return Eth(kP1, kHostAMac, kEthIpv4, ip); }
  static Bytes V6Frame(const Bytes& ip) { return Eth(kP1, kHostAMac, kEthIpv6, ip); }
};

TEST_F(IpCheckTest, AnIpv4HeaderShorterThan20BytesIsTruncated) {
  Bytes ip = ToNode2().Build();
  ip.resize(19);
  ExpectDrop(1, V4Frame(ip), Drop::truncated);
  ExpectDrop(1, V4Frame({}), Drop::truncated);
}

TEST_F(IpCheckTest, AnIpv6HeaderShorterThan40BytesIsTruncated) {
  Bytes ip = ToNode2v6().Build();
  ip.resize(39);
  ExpectDrop(1, V6Frame(ip), Drop::truncated);
}

TEST_F(IpCheckTest, TheVersionMustMatchTheEthertype) {
  Ip4 v6 = ToNode2();
  v6.version_ihl = 0x65;
  ExpectDrop(1, V4Frame(v6.Build()), Drop::bad_version);
  Ip6 v4 = ToNode2v6();
  v4.version = 4;
  ExpectDrop(1, V6Frame(v4.Build()), Drop::bad_version);
  // A well-formed IPv6 packet under the IPv4 ethertype: version 6 again.
  ExpectDrop(1, V4Frame(ToNode2v6().Build()), Drop::bad_version);
}

TEST_F(IpCheckTest, AnIhlBelowFiveIsBad) {
  Ip4 p = ToNode2();
  p.version_ihl = 0x44;
  ExpectDrop(1, V4Frame(p.Build()), Drop::bad_ihl);
}

TEST_F(IpCheckTest, AHeaderLongerThanTheTotalLengthIsBad) {
  Ip4 p = ToNode2();
  p.version_ihl = 0x46;   // 24-byte header
  p.total_length = 20;    // in a 20-byte packet
  ExpectDrop(1, V4Frame(p.Build()), Drop::bad_ihl);
}

TEST_F(IpCheckTest, ATotalLengthBeyondTheFrameIsBad) {
  Ip4 p = ToNode2();
  p.total_length = 41;  // the packet has 40
  ExpectDrop(1, V4Frame(p.Build()), Drop::bad_length);
  Ip6 q = ToNode2v6();
  q.payload_len = 13;  // it has 12
  ExpectDrop(1, V6Frame(q.Build()), Drop::bad_length);
}

TEST_F(IpCheckTest, AWrongHeaderChecksumIsDropped) {
  const Bytes good = ToNode2().Build();
  Ip4 p = ToNode2();
  p.checksum = static_cast<uint16_t>(((good[10] << 8) | good[11]) ^ 0x0100);
  ExpectDrop(1, V4Frame(p.Build()), Drop::bad_checksum);
  // A flipped bit anywhere in the header is caught too.
  Bytes flipped = good;
  flipped[15] ^= 0x01;  // source address
  ExpectDrop(1, V4Frame(flipped), Drop::bad_checksum);
}

TEST_F(IpCheckTest, HeaderOptionsAreCarriedThrough) {
  Ip4 p = ToNode2();
  p.options = {0x94, 0x04, 0x00, 0x00};  // router alert
  const Out o = Walk(1, V4Frame(p.Build()));
  EXPECT_EQ(o.port, 0);
  p.ttl = 63;
  EXPECT_FRAME(o.frame, Eth(kNode2Mac, kP0, kEthIpv4, p.Build()));
}

TEST_F(IpCheckTest, EthernetPaddingIsTrimmedFromIpv4) {
  Ip4 p = ToNode2();
  p.payload = Payload(4);  // 24-byte packet, 38-byte frame
  Bytes frame = V4Frame(p.Build());
  frame.resize(60, 0xee);
  const Out o = Walk(1, frame);
  EXPECT_EQ(o.port, 0);
  p.ttl = 63;
  EXPECT_FRAME(o.frame, Eth(kNode2Mac, kP0, kEthIpv4, p.Build()));
}

TEST_F(IpCheckTest, EthernetPaddingIsTrimmedFromIpv6) {
  Ip6 p = ToNode2v6();
  p.payload = {};
  Bytes frame = V6Frame(p.Build());  // 54 bytes
  frame.resize(60, 0xee);
  const Out o = Walk(1, frame);
  EXPECT_EQ(o.port, 0);
  p.hop = 63;
  EXPECT_FRAME(o.frame, Eth({0x52, 0x54, 0x00, 0x41, 0x84, 0x02}, kP0, kEthIpv6, p.Build()));
}

}  // namespace
}  // namespace gw::testing
