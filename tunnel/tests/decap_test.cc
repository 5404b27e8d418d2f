// tunnel/datapath/decap: IPIP / SIT packets addressed to the gateway lose their outer header, are
// matched to a tunnel by (outer src, outer dst) then (any, outer dst), checked like any received
// packet, get RFC 6040's ECN rule, and are routed on: one TTL off the inner, none off an outer.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

inline constexpr Mac kHostA6Mac = {0x52, 0x54, 0x00, 0x0a, 0x64, 0x06};  // 2001:db8:1::2

class DecapTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({
        "tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187",
        "link set sit1 up",
        "addr add 2001:db8:1::1/64 dev port1",
        "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1",
    }));
  }

  // Node 2's LAN host to host A, as it arrives inside tun1.
  static Ip4 Inner(uint8_t tos = 0, uint8_t ttl = 64) {
    return Ip4{.src = "10.10.200.5", .dst = "10.10.100.2", .tos = tos, .ttl = ttl, .proto = 17,
               .id = 0x0bad, .payload = Payload(40, 0x80)};
  }
  static Ip6 Inner6(uint8_t tclass = 0, uint8_t hop = 64) {
    return Ip6{.src = "2001:db8:99::1", .dst = "2001:db8:1::2", .tclass = tclass, .flow = 0xabcde,
               .next = 17, .hop = hop, .payload = Payload(16, 0x10)};
  }
  // The outer header node 2 (or `src`) puts around `inner`.
  static Bytes FromNode(const Bytes& inner, uint8_t proto = 4, const char* src = "10.65.132.188",
                        uint8_t outer_tos = 0, uint16_t flags = 0x4000, uint8_t ttl = 64,
                        const char* dst = "10.65.132.187") {
    const Ip4 outer{.src = src, .dst = dst, .tos = outer_tos, .ttl = ttl, .proto = proto,
                    .id = 0x0777, .flags_frag = flags, .payload = inner};
    return Eth(kP0, kNode2Mac, kEthIpv4, outer.Build());
  }
  static Bytes ToHostA(const Bytes& inner) { return Eth(kHostAMac, kP1, kEthIpv4, inner); }
};

TEST_F(DecapTest, SeedTunnelUnwrapsIpv4AndForwardsIt) {
  const Out o = Walk(0, FromNode(Inner().Build()));
  EXPECT_EQ(o.port, 1);
  EXPECT_FRAME(o.frame, ToHostA(Inner(0, 63).Build()));
  EXPECT_EQ(Drops(), "");
  EXPECT_EQ(Tc(0).decap_packets, 1u);
  EXPECT_EQ(Tc(0).decap_bytes, 60u);  // the inner packet
  EXPECT_EQ(Tc(0).encap_packets, 0u);
}

TEST_F(DecapTest, SitTunnelUnwrapsIpv6) {
  const Out o = Walk(0, FromNode(Inner6().Build(), 41, "10.65.132.189"));
  EXPECT_EQ(o.port, 1);
  EXPECT_FRAME(o.frame, Eth(kHostA6Mac, kP1, kEthIpv6, Inner6(0, 63).Build()));
  EXPECT_EQ(Drops(), "");
  EXPECT_EQ(Tc(1).decap_packets, 1u);
  EXPECT_EQ(Tc(1).decap_bytes, 56u);
}

TEST_F(DecapTest, AnOuterTtlOfOneIsFineForUs) {
  const Out o = Walk(0, FromNode(Inner().Build(), 4, "10.65.132.188", 0, 0x4000, 1));
  EXPECT_EQ(o.port, 1);
  EXPECT_FRAME(o.frame, ToHostA(Inner(0, 63).Build()));
}

TEST_F(DecapTest, OuterOptionsAreSkipped) {
  const Ip4 outer{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                  .options = {0x01, 0x01, 0x01, 0x00}, .payload = Inner().Build()};
  const Out o = Walk(0, Eth(kP0, kNode2Mac, kEthIpv4, outer.Build()));
  EXPECT_EQ(o.port, 1);
  EXPECT_FRAME(o.frame, ToHostA(Inner(0, 63).Build()));
}

TEST_F(DecapTest, EthernetPaddingAfterTheOuterPacketIsDropped) {
  Ip4 small = Inner();
  small.payload = Payload(2);
  Bytes frame = FromNode(small.Build());  // 14 + 20 + 22 = 56 bytes
  frame.resize(60, 0);                    // padded to the Ethernet minimum
  const Out o = Walk(0, frame);
  EXPECT_EQ(o.port, 1);
  small.ttl = 63;
  EXPECT_FRAME(o.frame, ToHostA(small.Build()));
}

TEST_F(DecapTest, RemoteAnyTunnelTakesPacketsFromAnyone) {
  ASSERT_TRUE(Config({"tunnel add nbma mode ipip local 10.65.132.187", "link set nbma up"}));
  const Out o = Walk(0, FromNode(Inner().Build(), 4, "10.65.132.201"));
  EXPECT_EQ(o.port, 1);
  EXPECT_FRAME(o.frame, ToHostA(Inner(0, 63).Build()));
  EXPECT_EQ(Tc(2).decap_packets, 1u);
  EXPECT_EQ(Tc(0).decap_packets, 0u);
}

TEST_F(DecapTest, AnExactPeerWinsOverTheWildcard) {
  ASSERT_TRUE(Config({"tunnel add nbma mode ipip local 10.65.132.187", "link set nbma up"}));
  EXPECT_EQ(Walk(0, FromNode(Inner().Build())).port, 1);
  EXPECT_EQ(Tc(0).decap_packets, 1u);
  EXPECT_EQ(Tc(2).decap_packets, 0u);
  // The exact tunnel is down: the packet is its, so it is dropped, not handed to the wildcard.
  ASSERT_TRUE(Config({"link set tun1 down"}));
  ExpectDrop(0, FromNode(Inner().Build()), Drop::link_down);
  EXPECT_EQ(Tc(2).decap_packets, 0u);
}

// ---- RFC 6040 section 4.2 at the egress of the tunnel ----

TEST_F(DecapTest, OuterCeMarksAnEcnCapableInner) {
  for (uint8_t inner_ecn : {0x01, 0x02}) {
    const Out o = Walk(0, FromNode(Inner(0xb8 | inner_ecn).Build(), 4, "10.65.132.188", 0x03));
    EXPECT_EQ(o.port, 1);
    // Inner TOS becomes EF + CE, checksum recomputed (and TTL 63).
    EXPECT_FRAME(o.frame, ToHostA(Inner(0xbb, 63).Build())) << "inner ECN " << int{inner_ecn};
  }
  const Out ce = Walk(0, FromNode(Inner(0x03).Build(), 4, "10.65.132.188", 0x03));
  EXPECT_FRAME(ce.frame, ToHostA(Inner(0x03, 63).Build()));
  EXPECT_EQ(Drops(), "");
}

TEST_F(DecapTest, OuterCeOverANotEctInnerIsDropped) {
  ExpectDrop(0, FromNode(Inner(0xb8).Build(), 4, "10.65.132.188", 0xab), Drop::ecn_drop);
  ExpectDrop(0, FromNode(Inner6(0x00).Build(), 41, "10.65.132.189", 0x03), Drop::ecn_drop);
  EXPECT_EQ(Tc(0).decap_packets, 0u);
}

TEST_F(DecapTest, WithoutOuterCeTheInnerIsUnchanged) {
  const struct {
    uint8_t outer, inner;
  } cases[] = {{0x00, 0x00}, {0x02, 0x00}, {0x01, 0x00}, {0x00, 0x03},
               {0x02, 0x02}, {0x01, 0x01}, {0xb8, 0x01}, {0x02, 0x03}};
  for (const auto& c : cases) {
    const Out o = Walk(0, FromNode(Inner(c.inner).Build(), 4, "10.65.132.188", c.outer));
    EXPECT_EQ(o.port, 1);
    EXPECT_FRAME(o.frame, ToHostA(Inner(c.inner, 63).Build()))
        << "outer " << int{c.outer} << " inner " << int{c.inner};
  }
  EXPECT_EQ(Drops(), "");
}

TEST_F(DecapTest, OuterCeMarksAnEcnCapableIpv6Inner) {
  const Out o = Walk(0, FromNode(Inner6(0x29).Build(), 41, "10.65.132.189", 0x03));
  EXPECT_EQ(o.port, 1);
  EXPECT_FRAME(o.frame, Eth(kHostA6Mac, kP1, kEthIpv6, Inner6(0x2b, 63).Build()));
  const Out plain = Walk(0, FromNode(Inner6(0x2a).Build(), 41, "10.65.132.189", 0x01));
  EXPECT_FRAME(plain.frame, Eth(kHostA6Mac, kP1, kEthIpv6, Inner6(0x2a, 63).Build()));
}

// ---- hairpin: in one tunnel, out another ----

TEST_F(DecapTest, HairpinDecapsThenEncapsWithOneTtlOff) {
  ASSERT_TRUE(Config({
      "tunnel add tun2 mode ipip remote 10.65.132.190 local 10.65.132.187 ttl 40 tos 0x20",
      "link set tun2 up",
      "route add 10.40.0.0/16 dev tun2",
      "neigh add 10.65.132.190 lladdr 52:54:00:41:84:be dev port0",
  }));
  Ip4 in = Inner(0x02, 64);
  in.dst = "10.40.0.9";
  const Out o = Walk(0, FromNode(in.Build()));
  EXPECT_EQ(o.port, 0);
  in.ttl = 63;  // once, not twice
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.190", .tos = 0x22, .ttl = 40,
                  .proto = 4, .id = 0, .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o.frame, Eth({0x52, 0x54, 0x00, 0x41, 0x84, 0xbe}, kP0, kEthIpv4, outer.Build()));
  EXPECT_EQ(Drops(), "");
  EXPECT_EQ(Tc(0).decap_packets, 1u);
  EXPECT_EQ(Tc(2).encap_packets, 1u);
}

TEST_F(DecapTest, HairpinBackIntoTheSameTunnel) {
  Ip4 in = Inner(0, 10);
  in.dst = "10.10.200.9";
  const Out o = Walk(0, FromNode(in.Build()));
  EXPECT_EQ(o.port, 0);
  in.ttl = 9;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.188", .ttl = 9, .proto = 4, .id = 0,
                  .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o.frame, Eth(kNode2Mac, kP0, kEthIpv4, outer.Build()));
}

// ---- drops ----

TEST_F(DecapTest, UnknownPeerDrops) {
  ExpectDrop(0, FromNode(Inner().Build(), 4, "10.65.132.201"), Drop::unknown_peer);
}

TEST_F(DecapTest, OnlyTheTunnelsLocalAddressIsAnEndpoint) {
  // 10.10.100.1 is ours too, but no tunnel has it as its local address.
  ExpectDrop(0, FromNode(Inner().Build(), 4, "10.65.132.188", 0, 0x4000, 64, "10.10.100.1"),
             Drop::unknown_peer);
}

TEST_F(DecapTest, FragmentsAreNotReassembled) {
  ExpectDrop(0, FromNode(Inner().Build(), 4, "10.65.132.188", 0, 0x2000), Drop::fragment);
  ExpectDrop(0, FromNode(Inner().Build(), 4, "10.65.132.188", 0, 0x0004), Drop::fragment);
  EXPECT_EQ(Tc(0).decap_packets, 0u);
}

TEST_F(DecapTest, ATunnelThatIsDownDrops) {
  ASSERT_TRUE(Config({"link set tun1 down"}));
  ExpectDrop(0, FromNode(Inner().Build()), Drop::link_down);
}

TEST_F(DecapTest, AProtocolTheTunnelDoesNotCarryDrops) {
  ExpectDrop(0, FromNode(Inner6().Build(), 41), Drop::mode_mismatch);
  ExpectDrop(0, FromNode(Inner().Build(), 4, "10.65.132.189"), Drop::mode_mismatch);
}

TEST_F(DecapTest, ADeletedTunnelTakesNothingMore) {
  ASSERT_TRUE(Config({"tunnel del tun1"}));
  ExpectDrop(0, FromNode(Inner().Build()), Drop::unknown_peer);
}

TEST_F(DecapTest, TheInnerHeaderIsCheckedLikeAnyOther) {
  Ip4 bad_sum = Inner();
  bad_sum.checksum = 0x1234;
  ExpectDrop(0, FromNode(bad_sum.Build()), Drop::bad_checksum);
  Ip4 v6_in_ipip = Inner();
  v6_in_ipip.version_ihl = 0x65;
  ExpectDrop(0, FromNode(v6_in_ipip.Build()), Drop::bad_version);
  Ip4 long_inner = Inner();
  long_inner.total_length = 61;  // one more than the outer carries
  ExpectDrop(0, FromNode(long_inner.Build()), Drop::bad_length);
  ExpectDrop(0, FromNode(Payload(10)), Drop::truncated);
  Ip6 long6 = Inner6();
  long6.payload_len = 17;
  ExpectDrop(0, FromNode(long6.Build(), 41, "10.65.132.189"), Drop::bad_length);
  EXPECT_EQ(Tc(0).decap_packets, 0u);
}

TEST_F(DecapTest, AnInnerTtlOfOneIsNotForwarded) {
  ExpectDrop(0, FromNode(Inner(0, 1).Build()), Drop::ttl_exceeded);
}

TEST_F(DecapTest, IpipInsideIpipToUsIsNested) {
  const Ip4 inner_tunnel{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                         .payload = Inner().Build()};
  ExpectDrop(0, FromNode(inner_tunnel.Build()), Drop::nested_tunnel);
}

TEST_F(DecapTest, AnInnerPacketForUsThatIsNotATunnelIsUnsupported) {
  Ip4 to_us = Inner();
  to_us.dst = "10.10.100.10";
  to_us.proto = 17;  // UDP: nothing listens (the ICMP port unreachable needs a worker's slow path)
  ExpectDrop(0, FromNode(to_us.Build()), Drop::local_unsupported);
}

TEST_F(DecapTest, AnInnerDestinationWithNoRouteDrops) {
  Ip4 in = Inner();
  in.dst = "8.8.8.8";
  ExpectDrop(0, FromNode(in.Build()), Drop::no_route);
  EXPECT_EQ(Tc(0).decap_packets, 1u);  // decapsulated, then not routable
}

}  // namespace
}  // namespace gw::testing
