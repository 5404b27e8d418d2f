// tunnel/datapath/encap: an inner packet routed into a tunnel leaves with a fresh Ethernet header and
// the tunnel's outer IPv4 header (RFC 2003 protocol 4, RFC 4213 protocol 41), the inner TTL one
// lower, ECN copied out (RFC 6040), DF per pmtudisc. Expected frames are written out in full.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

inline constexpr Mac kNode3Mac = {0x52, 0x54, 0x00, 0x41, 0x84, 0xbd};  // 10.65.132.189
inline constexpr Mac kHostA6Mac = {0x52, 0x54, 0x00, 0x0a, 0x64, 0x06};  // 2001:db8:1::2

class EncapTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({
        "tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187",
        "link set sit1 up",
        "neigh add 10.65.132.189 lladdr 52:54:00:41:84:bd dev port0",
        "addr add 2001:db8:1::1/64 dev port1",
        "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1",
        "route add 2001:db8:99::/48 dev sit1",
    }));
  }

  // A UDP-ish packet from host A on the LAN to node 2's LAN, through tun1.
  static Ip4 Inner(uint8_t tos = 0, uint8_t ttl = 64, uint16_t flags = 0, size_t payload = 32) {
    return Ip4{.src = "10.10.100.2", .dst = "10.10.200.5", .tos = tos, .ttl = ttl, .proto = 17,
               .id = 0x1234, .flags_frag = flags, .payload = Payload(payload)};
  }
  static Bytes FromHostA(const Ip4& inner) { return Eth(kP1, kHostAMac, kEthIpv4, inner.Build()); }
  static Ip6 Inner6(uint8_t tclass = 0, uint8_t hop = 64) {
    return Ip6{.src = "2001:db8:1::2", .dst = "2001:db8:99::1", .tclass = tclass,
               .flow = 0x12345, .next = 17, .hop = hop, .payload = Payload(24, 0x40)};
  }
  static Bytes FromHostA6(const Ip6& inner) {
    return Eth(kP1, kHostA6Mac, kEthIpv6, inner.Build());
  }
  // What tun1 should send for `inner` (already decremented): outer fields as given.
  static Bytes ToNode2(const Ip4& outer_fields, const Bytes& inner) {
    Ip4 o = outer_fields;
    o.src = "10.65.132.187";
    o.dst = "10.65.132.188";
    o.proto = 4;
    o.payload = inner;
    return Eth(kNode2Mac, kP0, kEthIpv4, o.Build());
  }
};

TEST_F(EncapTest, SeedTunnelWrapsIpv4InIpv4) {
  const Out o = Walk(1, FromHostA(Inner()));
  EXPECT_EQ(o.port, 0);
  // Outer: TOS 0, TTL inherited from the decremented inner, id 0 with DF (pmtudisc), proto 4.
  EXPECT_FRAME(o.frame, ToNode2({.tos = 0, .ttl = 63, .id = 0, .flags_frag = 0x4000},
                                Inner(0, 63).Build()));
  EXPECT_EQ(Drops(), "");
  EXPECT_EQ(Tc(0).encap_packets, 1u);
  EXPECT_EQ(Tc(0).encap_bytes, 52u);  // the inner packet
  EXPECT_EQ(Tc(0).decap_packets, 0u);
}

TEST_F(EncapTest, OuterChecksumIsValidWhateverTheInner) {
  // Many inner TTLs, TOS bytes and lengths: each outer header must check out and match.
  for (int ttl = 2; ttl <= 255; ttl += 11) {
    for (uint8_t tos : {0x00, 0x01, 0x02, 0x03, 0xb8, 0xff}) {
      for (size_t len : {0u, 1u, 77u, 1000u}) {
        const Out o = Walk(1, FromHostA(Inner(tos, static_cast<uint8_t>(ttl), 0, len)));
        ASSERT_EQ(o.port, 0);
        ASSERT_GE(o.frame.size(), 34u);
        EXPECT_EQ(InetChecksum(&o.frame[14], 20), 0) << "ttl " << ttl << " tos " << int{tos};
        EXPECT_FRAME(o.frame,
                     ToNode2({.tos = static_cast<uint8_t>(tos & 3),
                              .ttl = static_cast<uint8_t>(ttl - 1), .id = 0, .flags_frag = 0x4000},
                             Inner(tos, static_cast<uint8_t>(ttl - 1), 0, len).Build()));
      }
    }
  }
  EXPECT_EQ(Drops(), "");
}

TEST_F(EncapTest, SitTunnelWrapsIpv6InIpv4) {
  const Out o = Walk(1, FromHostA6(Inner6()));
  EXPECT_EQ(o.port, 0);
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.189", .tos = 0, .ttl = 63,
                  .proto = 41, .id = 0, .flags_frag = 0x4000, .payload = Inner6(0, 63).Build()};
  EXPECT_FRAME(o.frame, Eth(kNode3Mac, kP0, kEthIpv4, outer.Build()));
  EXPECT_EQ(Drops(), "");
  EXPECT_EQ(Tc(1).encap_packets, 1u);
  EXPECT_EQ(Tc(1).encap_bytes, 64u);
}

TEST_F(EncapTest, ModeAnyCarriesBothFamilies) {
  ASSERT_TRUE(Config({"tunnel change tun1 mode any", "route add 2001:db8:98::/48 dev tun1"}));
  Ip6 in = Inner6();
  in.dst = "2001:db8:98::7";
  const Out o = Walk(1, FromHostA6(in));
  EXPECT_EQ(o.port, 0);
  in.hop = 63;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.188", .ttl = 63, .proto = 41,
                  .id = 0, .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o.frame, Eth(kNode2Mac, kP0, kEthIpv4, outer.Build()));
  const Out o4 = Walk(1, FromHostA(Inner()));
  EXPECT_EQ(o4.port, 0);
  EXPECT_EQ(Drops(), "");
}

// ---- TTL ----

TEST_F(EncapTest, FixedTtlIsUsedAsIs) {
  ASSERT_TRUE(Config({"tunnel change tun1 ttl 200"}));
  const Out o = Walk(1, FromHostA(Inner(0, 9)));
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, ToNode2({.ttl = 200, .id = 0, .flags_frag = 0x4000}, Inner(0, 8).Build()));
}

TEST_F(EncapTest, InheritedTtlOfTwoLeavesWithOne) {
  const Out o = Walk(1, FromHostA(Inner(0, 2)));
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, ToNode2({.ttl = 1, .id = 0, .flags_frag = 0x4000}, Inner(0, 1).Build()));
}

TEST_F(EncapTest, InnerTtlOfOneIsNotForwarded) {
  ExpectDrop(1, FromHostA(Inner(0, 1)), Drop::ttl_exceeded);
  Ip6 in = Inner6(0, 1);
  ExpectDrop(1, FromHostA6(in), Drop::ttl_exceeded);
  EXPECT_EQ(Tc(0).encap_packets, 0u);
}

// ---- TOS and ECN (RFC 6040: the inner ECN field is copied to the outer) ----

TEST_F(EncapTest, DefaultTosZeroStillCopiesEcn) {
  const Out o = Walk(1, FromHostA(Inner(0xb9)));  // EF + ECT(1)
  EXPECT_FRAME(o.frame, ToNode2({.tos = 0x01, .ttl = 63, .id = 0, .flags_frag = 0x4000},
                                Inner(0xb9, 63).Build()));
  Ip6 in = Inner6(0xba);  // EF + ECT(0) as the traffic class
  const Out o6 = Walk(1, FromHostA6(in));
  in.hop = 63;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.189", .tos = 0x02, .ttl = 63,
                  .proto = 41, .id = 0, .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o6.frame, Eth(kNode3Mac, kP0, kEthIpv4, outer.Build()));
}

TEST_F(EncapTest, FixedTosTakesTheInnerEcnBits) {
  ASSERT_TRUE(Config({"tunnel change tun1 tos 0x28"}));
  const struct {
    uint8_t inner, outer;
  } cases[] = {{0x00, 0x28}, {0x01, 0x29}, {0x02, 0x2a}, {0x03, 0x2b}, {0xb8, 0x28}, {0xbb, 0x2b}};
  for (const auto& c : cases) {
    const Out o = Walk(1, FromHostA(Inner(c.inner)));
    EXPECT_FRAME(o.frame, ToNode2({.tos = c.outer, .ttl = 63, .id = 0, .flags_frag = 0x4000},
                                  Inner(c.inner, 63).Build()))
        << "inner tos " << int{c.inner};
  }
}

TEST_F(EncapTest, FixedTosWithEcnBitsGivenKeepsOnlyTheDscp) {
  ASSERT_TRUE(Config({"tunnel change tun1 tos 0x2a"}));
  const Out o = Walk(1, FromHostA(Inner(0x00)));
  EXPECT_FRAME(o.frame, ToNode2({.tos = 0x28, .ttl = 63, .id = 0, .flags_frag = 0x4000},
                                Inner(0x00, 63).Build()));
}

TEST_F(EncapTest, AnOddTosInheritsAsInLinux) {
  ASSERT_TRUE(Config({"tunnel change tun1 tos 0x29"}));
  const Out o = Walk(1, FromHostA(Inner(0xb9)));
  EXPECT_FRAME(o.frame, ToNode2({.tos = 0xb9, .ttl = 63, .id = 0, .flags_frag = 0x4000},
                                Inner(0xb9, 63).Build()));
}

TEST_F(EncapTest, TosInheritCopiesTheWholeInnerByte) {
  ASSERT_TRUE(Config({"tunnel change tun1 tos inherit", "tunnel change sit1 tos inherit"}));
  const Out o = Walk(1, FromHostA(Inner(0xb9)));
  EXPECT_FRAME(o.frame, ToNode2({.tos = 0xb9, .ttl = 63, .id = 0, .flags_frag = 0x4000},
                                Inner(0xb9, 63).Build()));
  Ip6 in = Inner6(0x2b);
  const Out o6 = Walk(1, FromHostA6(in));
  in.hop = 63;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.189", .tos = 0x2b, .ttl = 63,
                  .proto = 41, .id = 0, .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o6.frame, Eth(kNode3Mac, kP0, kEthIpv4, outer.Build()));
}

// ---- DF and the outer id ----

TEST_F(EncapTest, PmtudiscSetsDfWhateverTheInner) {
  const Out o = Walk(1, FromHostA(Inner(0, 64, 0x4000)));
  EXPECT_FRAME(o.frame, ToNode2({.ttl = 63, .id = 0, .flags_frag = 0x4000},
                                Inner(0, 63, 0x4000).Build()));
  EXPECT_EQ(ip_id_, 0);  // DF packets do not use up ids
}

TEST_F(EncapTest, NopmtudiscCopiesDfFromTheInnerAndNumbersTheRest) {
  ASSERT_TRUE(Config({"tunnel change tun1 nopmtudisc"}));
  ip_id_ = 0x4242;
  const Out df = Walk(1, FromHostA(Inner(0, 64, 0x4000)));
  EXPECT_FRAME(df.frame, ToNode2({.ttl = 63, .id = 0, .flags_frag = 0x4000},
                                 Inner(0, 63, 0x4000).Build()));
  EXPECT_EQ(ip_id_, 0x4242);
  const Out a = Walk(1, FromHostA(Inner()));
  EXPECT_FRAME(a.frame, ToNode2({.ttl = 63, .id = 0x4242, .flags_frag = 0}, Inner(0, 63).Build()));
  const Out b = Walk(1, FromHostA(Inner()));
  EXPECT_FRAME(b.frame, ToNode2({.ttl = 63, .id = 0x4243, .flags_frag = 0}, Inner(0, 63).Build()));
  EXPECT_EQ(ip_id_, 0x4244);
}

TEST_F(EncapTest, OuterIdWrapsAround) {
  ASSERT_TRUE(Config({"tunnel change tun1 nopmtudisc"}));
  ip_id_ = 0xffff;
  const Out a = Walk(1, FromHostA(Inner()));
  EXPECT_FRAME(a.frame, ToNode2({.ttl = 63, .id = 0xffff, .flags_frag = 0}, Inner(0, 63).Build()));
  const Out b = Walk(1, FromHostA(Inner()));
  EXPECT_FRAME(b.frame, ToNode2({.ttl = 63, .id = 0, .flags_frag = 0}, Inner(0, 63).Build()));
}

TEST_F(EncapTest, NopmtudiscSitTunnelNeverSetsDf) {
  ASSERT_TRUE(Config({"tunnel change sit1 nopmtudisc"}));
  ip_id_ = 7;
  Ip6 in = Inner6();
  const Out o = Walk(1, FromHostA6(in));
  in.hop = 63;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.189", .ttl = 63, .proto = 41,
                  .id = 7, .flags_frag = 0, .payload = in.Build()};
  EXPECT_FRAME(o.frame, Eth(kNode3Mac, kP0, kEthIpv4, outer.Build()));
}

// ---- where the outer header goes ----

TEST_F(EncapTest, RemoteAnyTakesTheOuterDestinationFromTheRoutesVia) {
  ASSERT_TRUE(Config({
      "tunnel add nbma mode ipip local 10.65.132.187",
      "link set nbma up",
      "route add 10.30.0.0/16 via 10.65.132.200 dev nbma onlink",
      "neigh add 10.65.132.200 lladdr 52:54:00:41:84:c8 dev port0",
  }));
  Ip4 in = Inner();
  in.dst = "10.30.0.1";
  const Out o = Walk(1, FromHostA(in));
  EXPECT_EQ(o.port, 0);
  in.ttl = 63;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.200", .ttl = 63, .proto = 4, .id = 0,
                  .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o.frame, Eth({0x52, 0x54, 0x00, 0x41, 0x84, 0xc8}, kP0, kEthIpv4, outer.Build()));
  EXPECT_EQ(Tc(2).encap_packets, 1u);
}

TEST_F(EncapTest, RemoteAnyCarriesIpv6ToTheRoutesVia) {
  ASSERT_TRUE(Config({
      "tunnel add nbma mode any local 10.65.132.187",
      "link set nbma up",
      "route add 2001:db8:97::/48 via 10.65.132.200 dev nbma",
      "neigh add 10.65.132.200 lladdr 52:54:00:41:84:c8 dev port0",
  }));
  Ip6 in = Inner6();
  in.dst = "2001:db8:97::1";
  const Out o = Walk(1, FromHostA6(in));
  EXPECT_EQ(o.port, 0);
  in.hop = 63;
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.200", .ttl = 63, .proto = 41,
                  .id = 0, .flags_frag = 0x4000, .payload = in.Build()};
  EXPECT_FRAME(o.frame, Eth({0x52, 0x54, 0x00, 0x41, 0x84, 0xc8}, kP0, kEthIpv4, outer.Build()));
}

TEST_F(EncapTest, AViaOnATunnelWithAFixedRemoteLeavesTheOuterDestinationAlone) {
  ASSERT_TRUE(Config({"route add 10.50.0.0/16 via 10.65.132.200 dev tun1"}));
  Ip4 in = Inner();
  in.dst = "10.50.0.1";
  const Out o = Walk(1, FromHostA(in));
  EXPECT_EQ(o.port, 0);
  in.ttl = 63;
  EXPECT_FRAME(o.frame, ToNode2({.ttl = 63, .id = 0, .flags_frag = 0x4000}, in.Build()));
}

TEST_F(EncapTest, RemoteAnyWithoutViaSendsIpv4ToTheInnerDestinationWhichLoops) {
  // The inner destination routes into the tunnel, so the outer one does too: refused, not sent.
  ASSERT_TRUE(Config({"tunnel add nbma mode any local 10.65.132.187", "link set nbma up",
                      "route add 10.30.0.0/16 dev nbma"}));
  Ip4 in = Inner();
  in.dst = "10.30.0.1";
  ExpectDrop(1, FromHostA(in), Drop::nested_tunnel);
}

TEST_F(EncapTest, RemoteAnyWithoutViaHasNoOuterDestinationForIpv6) {
  ASSERT_TRUE(Config({"tunnel add nbma mode any local 10.65.132.187", "link set nbma up",
                      "route add 2001:db8:97::/48 dev nbma"}));
  Ip6 in = Inner6();
  in.dst = "2001:db8:97::1";
  ExpectDrop(1, FromHostA6(in), Drop::no_route);
}

TEST_F(EncapTest, TheOuterHeaderIsRoutedThroughAnUnderlayGateway) {
  ASSERT_TRUE(Config({
      "tunnel change tun1 remote 192.0.2.2",
      "route add 192.0.2.0/24 via 10.65.132.1",
      "neigh add 10.65.132.1 lladdr 52:54:00:41:84:01 dev port0",
  }));
  const Out o = Walk(1, FromHostA(Inner()));
  EXPECT_EQ(o.port, 0);
  const Ip4 outer{.src = "10.65.132.187", .dst = "192.0.2.2", .ttl = 63, .proto = 4, .id = 0,
                  .flags_frag = 0x4000, .payload = Inner(0, 63).Build()};
  EXPECT_FRAME(o.frame, Eth({0x52, 0x54, 0x00, 0x41, 0x84, 0x01}, kP0, kEthIpv4, outer.Build()));
}

TEST_F(EncapTest, ATunnelBoundToItsUsualPortChangesNothing) {
  ASSERT_TRUE(Config({"tunnel change tun1 dev port0"}));
  const Out o = Walk(1, FromHostA(Inner()));
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, ToNode2({.ttl = 63, .id = 0, .flags_frag = 0x4000}, Inner(0, 63).Build()));
}

// As Linux with the tunnel's link as output interface: routes through other ports are skipped,
// a less specific one through the bound port is used, and with none the remote is on-link there.
TEST_F(EncapTest, ATunnelBoundToAnotherPortSendsThroughIt) {
  ASSERT_TRUE(Config({"tunnel change tun1 dev port1"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::no_neighbour);  // on-link on port1: no MAC known there
  ASSERT_TRUE(Config({"neigh add 10.65.132.188 lladdr 02:00:00:00:01:88 dev port1"}));
  const Out onlink = Walk(1, FromHostA(Inner()));
  EXPECT_EQ(onlink.port, 1);
  const Ip4 outer{.src = "10.65.132.187", .dst = "10.65.132.188", .ttl = 63, .proto = 4, .id = 0,
                  .flags_frag = 0x4000, .payload = Inner(0, 63).Build()};
  EXPECT_FRAME(onlink.frame, Eth({0x02, 0x00, 0x00, 0x00, 0x01, 0x88}, kP1, kEthIpv4,
                                 outer.Build()));
  ASSERT_TRUE(Config({"route add 10.0.0.0/8 via 10.10.100.254 dev port1",
                      "neigh add 10.10.100.254 lladdr 02:00:00:00:01:fe dev port1"}));
  const Out via = Walk(1, FromHostA(Inner()));
  EXPECT_EQ(via.port, 1);
  EXPECT_FRAME(via.frame, Eth({0x02, 0x00, 0x00, 0x00, 0x01, 0xfe}, kP1, kEthIpv4, outer.Build()));
}

TEST_F(EncapTest, ABoundPortThatIsDownDrops) {
  ASSERT_TRUE(Config({"tunnel change tun1 dev port1", "link set port1 down"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::link_down);
}

TEST_F(EncapTest, AHeadroomOfExactlyAnOuterHeaderIsEnough) {
  // After the Ethernet header is stripped the headroom is 20 + 14: just what encap needs.
  const Out o = Walk(1, FromHostA(Inner()), 20);
  EXPECT_EQ(o.port, 0);
  EXPECT_FRAME(o.frame, ToNode2({.ttl = 63, .id = 0, .flags_frag = 0x4000}, Inner(0, 63).Build()));
}

// ---- drops ----

TEST_F(EncapTest, TooLittleHeadroomIsCountedNotCorrupted) {
  // 18, not 19: NICs and software ports place frames 2-byte aligned, and rte_ether_hdr says so.
  ExpectDrop(1, FromHostA(Inner()), Drop::no_headroom, 18);
  ExpectDrop(1, FromHostA(Inner()), Drop::no_headroom, 0);
  EXPECT_EQ(Tc(0).encap_packets, 0u);
}

TEST_F(EncapTest, ATunnelThatIsDownDrops) {
  ASSERT_TRUE(Config({"link set tun1 down"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::link_down);
}

TEST_F(EncapTest, AnUnderlayPortThatIsDownDrops) {
  ASSERT_TRUE(Config({"link set port0 down"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::link_down);
}

TEST_F(EncapTest, AFamilyTheTunnelDoesNotCarryDrops) {
  ASSERT_TRUE(Config({"route add 2001:db8:98::/48 dev tun1", "route add 10.40.0.0/16 dev sit1"}));
  Ip6 in6 = Inner6();
  in6.dst = "2001:db8:98::7";
  ExpectDrop(1, FromHostA6(in6), Drop::mode_mismatch);
  Ip4 in4 = Inner();
  in4.dst = "10.40.0.1";
  ExpectDrop(1, FromHostA(in4), Drop::mode_mismatch);
}

TEST_F(EncapTest, TunnelMtuIsTheLargestInnerPacket) {
  // 1480 = 1500 - 20: fits; one byte more does not (no fragmentation).
  const Out fits = Walk(1, FromHostA(Inner(0, 64, 0, 1480 - 20)));
  EXPECT_EQ(fits.port, 0);
  EXPECT_EQ(fits.frame.size(), 14u + 1500u);
  ExpectDrop(1, FromHostA(Inner(0, 64, 0, 1481 - 20)), Drop::mtu_exceeded);
  ASSERT_TRUE(Config({"link set tun1 mtu 1400"}));
  ExpectDrop(1, FromHostA(Inner(0, 64, 0, 1401 - 20)), Drop::mtu_exceeded);
  EXPECT_EQ(Walk(1, FromHostA(Inner(0, 64, 0, 1400 - 20))).port, 0);
}

TEST_F(EncapTest, TheUnderlayMtuBoundsTheOuterPacket) {
  ASSERT_TRUE(Config({"link set tun1 mtu 1500"}));
  EXPECT_EQ(Walk(1, FromHostA(Inner(0, 64, 0, 1480 - 20))).port, 0);
  ExpectDrop(1, FromHostA(Inner(0, 64, 0, 1481 - 20)), Drop::mtu_exceeded);
}

TEST_F(EncapTest, AnOuterDestinationRoutedIntoATunnelIsNested) {
  ASSERT_TRUE(Config({"route add 10.65.132.188/32 dev tun1"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::nested_tunnel);
}

TEST_F(EncapTest, AnOuterDestinationWithNoRouteDrops) {
  ASSERT_TRUE(Config({"tunnel change tun1 remote 192.0.2.2"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::no_route);
}

TEST_F(EncapTest, AnOuterDestinationThatIsOurselvesHasNoRoute) {
  ASSERT_TRUE(Config({"tunnel change tun1 remote 10.10.100.1"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::no_route);
}

TEST_F(EncapTest, NoNeighbourForTheRemoteDrops) {
  ASSERT_TRUE(Config({"neigh del 10.65.132.188 dev port0"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::no_neighbour);
}

TEST_F(EncapTest, ADeletedTunnelsRoutesGoWithIt) {
  ASSERT_TRUE(Config({"tunnel del tun1"}));
  ExpectDrop(1, FromHostA(Inner()), Drop::no_route);
}

}  // namespace
}  // namespace gw::testing
