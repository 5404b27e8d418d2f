// control/gateway: Gateway::Apply against real dataplane tables. Each behaviour is checked where a
// worker would see it: route lookups (rte_fib → next-hop id → record), tunnel records, the peer
// and neighbour hashes. Every refused command is checked to leave all of that unchanged.
#include "control/gateway.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

using absl::StatusCode;
using dp::kNhLocal;
using dp::kNhNone;
using dp::NhKind;

class GatewayTest : public GatewayFixture {};

// ---- addresses ----

TEST_F(GatewayTest, FreshTablesRouteNothing) {
  EXPECT_EQ(NhId4("10.65.132.187"), kNhNone);
  EXPECT_EQ(NhId6("2001:db8:1::1"), kNhNone);
  EXPECT_EQ(tables_->nexthops.Get(kNhLocal).kind, NhKind::kLocal);
  EXPECT_EQ(tables_->nexthops.Get(kNhNone).kind, NhKind::kNone);
  EXPECT_EQ(gw_->route_count(), 0u);
}

TEST_F(GatewayTest, AddrAddMakesTheAddressLocalAndItsNetworkConnected) {
  ASSERT_TRUE(Config({"addr add 10.65.132.187/24 dev port0"}));
  EXPECT_EQ(NhId4("10.65.132.187"), kNhLocal);
  const dp::NextHop& c = Nh4("10.65.132.188");
  EXPECT_EQ(c.kind, NhKind::kPort);
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.gw_family, 0);
  EXPECT_EQ(c.gw4_be, 0u);
  EXPECT_EQ(NhId4("10.65.132.0"), NhId4("10.65.132.255"));
  EXPECT_EQ(NhId4("10.65.132.188"), NhId4("10.65.132.255"));
  EXPECT_EQ(NhId4("10.65.133.1"), kNhNone);
  EXPECT_EQ(NhId4("10.65.131.255"), kNhNone);
  EXPECT_EQ(gw_->route_count(), 1u);
}

TEST_F(GatewayTest, AddrAddHostPrefixAddsOnlyTheLocalRoute) {
  ASSERT_TRUE(Config({"addr add 192.0.2.1/32 dev port1"}));
  EXPECT_EQ(NhId4("192.0.2.1"), kNhLocal);
  EXPECT_EQ(NhId4("192.0.2.2"), kNhNone);
  EXPECT_EQ(gw_->route_count(), 0u);
}

TEST_F(GatewayTest, AddrAddIpv6OnAPort) {
  ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1"}));
  EXPECT_EQ(NhId6("2001:db8:1::1"), kNhLocal);
  const dp::NextHop& c = Nh6("2001:db8:1::99");
  EXPECT_EQ(c.kind, NhKind::kPort);
  EXPECT_EQ(c.port, 1);
  EXPECT_EQ(c.gw_family, 0);
  EXPECT_EQ(NhId6("2001:db8:2::1"), kNhNone);
  EXPECT_EQ(NhId4("0.0.0.1"), kNhNone);
}

TEST_F(GatewayTest, SeedPeerAddressRoutesOnlyThePeerIntoTheTunnel) {
  ASSERT_TRUE(Config({
      "ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187",
      "ip link set tun1 up",
      "ip a add 10.10.100.10 peer 10.10.200.10 dev tun1",
  }));
  ASSERT_NE(GwTunnel("tun1"), nullptr);
  EXPECT_EQ(NhId4("10.10.100.10"), kNhLocal);
  const dp::NextHop& p = Nh4("10.10.200.10");
  EXPECT_EQ(p.kind, NhKind::kTunnel);
  EXPECT_EQ(p.tunnel, GwTunnel("tun1")->id);
  EXPECT_EQ(p.gw_family, 0);
  EXPECT_EQ(NhId4("10.10.200.77"), kNhNone);
  EXPECT_EQ(NhId4("10.10.100.2"), kNhNone);
  EXPECT_EQ(gw_->route_count(), 1u);
}

// A route into a tunnel without a gateway stores the tunnel itself (kFibTunnel | id), so the
// walk needs no next-hop record; one with a gateway (`remote any` ... via) keeps a next-hop id.
TEST_F(GatewayTest, RoutesIntoATunnelCarryTheTunnelUnlessTheyHaveAGateway) {
  ASSERT_TRUE(Config({
      "tunnel add t0 remote 10.65.132.188 local 10.65.132.187",
      "tunnel add tany mode ipip remote any local 10.65.132.187",
      "addr add 10.65.132.187/24 dev port0",
      "route add 10.10.200.0/24 dev t0",
      "route add 2001:db8:99::/48 dev t0",
      "route add 10.10.201.0/24 dev tany via 10.65.132.199",
  }));
  const uint32_t t0 = GwTunnel("t0")->id;
  const uint32_t tany = GwTunnel("tany")->id;
  EXPECT_EQ(NhId4("10.10.200.1"), dp::kFibTunnel | t0);
  EXPECT_EQ(NhId6("2001:db8:99::1"), dp::kFibTunnel | t0);
  const uint32_t via = NhId4("10.10.201.1");
  EXPECT_FALSE(dp::IsFibTunnel(via));
  const dp::NextHop n = Nh4("10.10.201.1");
  EXPECT_EQ(n.kind, NhKind::kTunnel);
  EXPECT_EQ(n.tunnel, tany);
  EXPECT_EQ(n.gw_family, 4);
  EXPECT_EQ(n.gw4_be, Be4("10.65.132.199"));
  // Replaced by a port route and back: both values follow.
  ASSERT_TRUE(Config({"route replace 10.10.200.0/24 via 10.65.132.1"}));
  EXPECT_FALSE(dp::IsFibTunnel(NhId4("10.10.200.1")));
  EXPECT_EQ(Nh4("10.10.200.1").kind, NhKind::kPort);
  ASSERT_TRUE(Config({"route replace 10.10.200.0/24 dev t0"}));
  EXPECT_EQ(NhId4("10.10.200.1"), dp::kFibTunnel | t0);
  ASSERT_TRUE(Config({"route del 10.10.200.0/24 dev t0"}));
  EXPECT_EQ(NhId4("10.10.200.1"), kNhNone);
}

TEST_F(GatewayTest, AddrAddPeerPrefixRoutesThePeerNetwork) {
  ASSERT_TRUE(Config({
      "tunnel add tun1 remote 10.65.132.188 local 10.65.132.187",
      "addr add 10.10.100.10 peer 10.10.200.99/24 dev tun1",
  }));
  EXPECT_EQ(Nh4("10.10.200.77").kind, NhKind::kTunnel);
  EXPECT_EQ(Nh4("10.10.200.10").kind, NhKind::kTunnel);
  EXPECT_EQ(NhId4("10.10.201.1"), kNhNone);
}

TEST_F(GatewayTest, AddrOnATunnelWithAPrefixRoutesItsNetworkIntoTheTunnel) {
  ASSERT_TRUE(Config({
      "tunnel add tun1 remote 10.65.132.188 local 10.65.132.187",
      "addr add 10.30.0.1/16 dev tun1",
  }));
  EXPECT_EQ(NhId4("10.30.0.1"), kNhLocal);
  const dp::NextHop& n = Nh4("10.30.200.1");
  EXPECT_EQ(n.kind, NhKind::kTunnel);
  EXPECT_EQ(n.tunnel, 0u);
}

TEST_F(GatewayTest, AddrAddLeavesAnExistingRouteToItsNetworkAlone) {
  ASSERT_TRUE(Config({
      "tunnel add tun1 remote 192.0.2.2 local 192.0.2.1",
      "route add 10.65.132.0/24 dev tun1",
      "addr add 10.65.132.187/24 dev port0",
  }));
  EXPECT_EQ(NhId4("10.65.132.187"), kNhLocal);
  EXPECT_EQ(Nh4("10.65.132.188").kind, NhKind::kTunnel);
  EXPECT_EQ(gw_->route_count(), 1u);
  // And deleting the address does not take the configured route with it.
  ASSERT_TRUE(Config({"addr del 10.65.132.187/24 dev port0"}));
  EXPECT_EQ(Nh4("10.65.132.187").kind, NhKind::kTunnel);
  EXPECT_EQ(Nh4("10.65.132.188").kind, NhKind::kTunnel);
  EXPECT_EQ(gw_->route_count(), 1u);
}

TEST_F(GatewayTest, AddrDelRemovesTheLocalAndConnectedRoutes) {
  ASSERT_TRUE(Config({"addr add 10.65.132.187/24 dev port0", "addr add 10.10.100.1/24 dev port1"}));
  ASSERT_TRUE(Config({"addr del 10.65.132.187/24 dev port0"}));
  EXPECT_EQ(NhId4("10.65.132.187"), kNhNone);
  EXPECT_EQ(NhId4("10.65.132.188"), kNhNone);
  EXPECT_EQ(NhId4("10.10.100.1"), kNhLocal);
  EXPECT_EQ(Nh4("10.10.100.2").port, 1);
  EXPECT_EQ(gw_->route_count(), 1u);
  // The address can be given again, elsewhere.
  ASSERT_TRUE(Config({"addr add 10.65.132.187/24 dev port1"}));
  EXPECT_EQ(Nh4("10.65.132.188").port, 1);
}

TEST_F(GatewayTest, AddrDelMatchesTheAddressWhateverItsLength) {
  ASSERT_TRUE(Config({"addr add 10.65.132.187/24 dev port0", "addr del 10.65.132.187 dev port0"}));
  EXPECT_EQ(NhId4("10.65.132.187"), kNhNone);
  EXPECT_EQ(NhId4("10.65.132.188"), kNhNone);
}

TEST_F(GatewayTest, AHostRouteToAnOwnAddressWaitsUntilTheAddressGoes) {
  ASSERT_TRUE(Config({
      "addr add 192.0.2.1/32 dev port1",
      "route add 192.0.2.1/32 dev port0",
  }));
  EXPECT_EQ(NhId4("192.0.2.1"), kNhLocal);  // the local table wins, as in Linux
  EXPECT_EQ(gw_->route_count(), 1u);
  ASSERT_TRUE(Config({"addr del 192.0.2.1 dev port1"}));
  const dp::NextHop& n = Nh4("192.0.2.1");
  EXPECT_EQ(n.kind, NhKind::kPort);
  EXPECT_EQ(n.port, 0);
}

TEST_F(GatewayTest, DeletingAHostRouteToAnOwnAddressKeepsItLocal) {
  ASSERT_TRUE(Config({
      "addr add 192.0.2.1/32 dev port1",
      "route add 192.0.2.1/32 dev port0",
      "route del 192.0.2.1/32",
  }));
  EXPECT_EQ(NhId4("192.0.2.1"), kNhLocal);
  EXPECT_EQ(gw_->route_count(), 0u);
}

// The header's promise: "a prefix that is one of the gateway's addresses routes to kNhLocal".
// A peer route (`addr add A peer B`) whose B is already one of our addresses must not take B away
// from local delivery, just as a `route add B/32` does not.
TEST_F(GatewayTest, APeerThatIsAnOwnAddressStaysLocal) {
  ASSERT_TRUE(Config({
      "addr add 10.65.132.187/24 dev port0",
      "tunnel add tun1 remote 10.65.132.188 local 10.65.132.187",
      "addr add 10.10.100.10 peer 10.65.132.187 dev tun1",
  }));
  EXPECT_EQ(NhId4("10.10.100.10"), kNhLocal);
  EXPECT_EQ(NhId4("10.65.132.187"), kNhLocal);
}

TEST_F(GatewayTest, AddrRefusals) {
  ASSERT_TRUE(SeedConfig());
  EXPECT_REFUSED("addr add 192.0.2.1/24 dev port9", StatusCode::kNotFound,
                 "unknown device \"port9\"");
  EXPECT_REFUSED("addr add 10.65.132.187/16 dev port1", StatusCode::kAlreadyExists,
                 "address 10.65.132.187 is already assigned to port0");
  EXPECT_REFUSED("addr add 10.10.100.10/24 dev port0", StatusCode::kAlreadyExists,
                 "address 10.10.100.10 is already assigned to tun1");
  EXPECT_REFUSED("addr del 10.65.132.187/24 dev port1", StatusCode::kNotFound,
                 "address 10.65.132.187 is not on port1");
  EXPECT_REFUSED("addr del 192.0.2.1 dev port0", StatusCode::kNotFound,
                 "address 192.0.2.1 is not on port0");
  EXPECT_REFUSED("addr del 10.65.132.187 dev port9", StatusCode::kNotFound,
                 "unknown device \"port9\"");
}

// ---- link ----

TEST_F(GatewayTest, LinkSetOnAPortSetsItsMtuAndState) {
  ASSERT_TRUE(Config({"link set port0 mtu 9000"}));
  EXPECT_EQ(mtu_calls_, (std::vector<MtuCall>{{0, 9000}}));
  EXPECT_EQ(tables_->ports[0].mtu.load(), 9000);
  ASSERT_TRUE(Config({"link set port1 down"}));
  EXPECT_FALSE(tables_->ports[1].up.load());
  EXPECT_TRUE(tables_->ports[0].up.load());
  ASSERT_TRUE(Config({"link set dev port1 up"}));
  EXPECT_TRUE(tables_->ports[1].up.load());
  EXPECT_EQ(mtu_calls_.size(), 1u);
}

TEST_F(GatewayTest, LinkSetRefusals) {
  ASSERT_TRUE(SeedConfig());
  EXPECT_REFUSED("link set tun9 up", StatusCode::kNotFound, "unknown device \"tun9\"");
  EXPECT_REFUSED("link set tun1 mtu 65516", StatusCode::kInvalidArgument,
                 "bad mtu \"65516\" for a tunnel (68..65515)");
  // A port that refuses the MTU: nothing else in the command happens either.
  mtu_result_ = absl::FailedPreconditionError("port0 refuses mtu 9000: Operation not supported");
  EXPECT_REFUSED("link set port0 down mtu 9000", StatusCode::kFailedPrecondition,
                 "port0 refuses mtu 9000: Operation not supported");
  EXPECT_EQ(mtu_calls_, (std::vector<MtuCall>{{0, 9000}}));
}

// ---- routes ----

TEST_F(GatewayTest, RouteViaAConnectedGatewayFindsItsPort) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route add 203.0.113.0/24 via 10.65.132.1"}));
  const dp::NextHop& n = Nh4("203.0.113.1");
  EXPECT_EQ(n.kind, NhKind::kPort);
  EXPECT_EQ(n.port, 0);
  EXPECT_EQ(n.gw_family, 4);
  EXPECT_EQ(n.gw4_be, Be4("10.65.132.1"));
}

TEST_F(GatewayTest, DefaultRouteCatchesEverythingElse) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"ip route add default via 10.10.100.2 dev port1"}));
  const dp::NextHop& n = Nh4("8.8.8.8");
  EXPECT_EQ(n.kind, NhKind::kPort);
  EXPECT_EQ(n.port, 1);
  EXPECT_EQ(n.gw4_be, Be4("10.10.100.2"));
  EXPECT_EQ(NhId4("10.65.132.187"), kNhLocal);  // longer prefixes still win
  EXPECT_EQ(Nh4("10.10.200.77").kind, NhKind::kTunnel);
}

TEST_F(GatewayTest, RouteViaAnUnconnectedGatewayNeedsOnlink) {
  ASSERT_TRUE(SeedConfig());
  EXPECT_REFUSED("route add 203.0.113.0/24 via 192.0.2.1", StatusCode::kInvalidArgument,
                 "gateway \"192.0.2.1\" is on no connected network: give \"dev IFACE\"");
  EXPECT_REFUSED("route add 203.0.113.0/24 via 192.0.2.1 dev port0",
                 StatusCode::kInvalidArgument,
                 "gateway \"192.0.2.1\" is not on a connected network of port0 (add \"onlink\" "
                 "if it is)");
  // Connected, but to the other port.
  EXPECT_REFUSED("route add 203.0.113.0/24 via 10.10.100.2 dev port0",
                 StatusCode::kInvalidArgument,
                 "gateway \"10.10.100.2\" is not on a connected network of port0 (add \"onlink\" "
                 "if it is)");
  ASSERT_TRUE(Config({"route add 203.0.113.0/24 via 192.0.2.1 dev port0 onlink"}));
  const dp::NextHop& n = Nh4("203.0.113.1");
  EXPECT_EQ(n.kind, NhKind::kPort);
  EXPECT_EQ(n.port, 0);
  EXPECT_EQ(n.gw4_be, Be4("192.0.2.1"));
}

TEST_F(GatewayTest, RouteRefusals) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1"}));
  EXPECT_REFUSED("route add 203.0.113.0/24 dev port9", StatusCode::kNotFound,
                 "unknown device \"port9\"");
  EXPECT_REFUSED("route add 10.10.200.0/24 dev port1", StatusCode::kAlreadyExists,
                 "route to 10.10.200.0/24 already exists");
  EXPECT_REFUSED("route add 203.0.113.0/24 via 2001:db8:1::2 dev port1 onlink",
                 StatusCode::kInvalidArgument,
                 "address family mismatch: via \"2001:db8:1::2\" for prefix 203.0.113.0/24");
  EXPECT_REFUSED("route add 203.0.113.0/24 via 2001:db8:1::2", StatusCode::kInvalidArgument,
                 "address family mismatch: via \"2001:db8:1::2\" for prefix 203.0.113.0/24");
  EXPECT_REFUSED("route add 2001:db8:99::/48 via 2001:db8:1::2 dev tun1",
                 StatusCode::kInvalidArgument,
                 "via \"2001:db8:1::2\" through a tunnel must be an IPv4 outer address");
  EXPECT_REFUSED("route replace 10.10.200.0/24 dev port9", StatusCode::kNotFound,
                 "unknown device \"port9\"");
}

TEST_F(GatewayTest, RouteReplaceSwapsTheNextHop) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route replace 10.10.200.0/24 dev port1"}));
  const dp::NextHop& n = Nh4("10.10.200.77");
  EXPECT_EQ(n.kind, NhKind::kPort);
  EXPECT_EQ(n.port, 1);
  EXPECT_EQ(Nh4("10.10.200.10").kind, NhKind::kTunnel);  // the /32 peer route is another prefix
  EXPECT_EQ(gw_->route_count(), 4u);
  // Replace of a route that is not there adds it.
  ASSERT_TRUE(Config({"route replace 203.0.113.0/24 via 10.65.132.1"}));
  EXPECT_EQ(Nh4("203.0.113.1").gw4_be, Be4("10.65.132.1"));
  EXPECT_EQ(gw_->route_count(), 5u);
}

TEST_F(GatewayTest, RoutesWithTheSameNextHopShareIt) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route add 203.0.113.0/24 via 10.65.132.1",
                      "route add 198.51.100.0/24 via 10.65.132.1 dev port0"}));
  EXPECT_EQ(NhId4("203.0.113.1"), NhId4("198.51.100.2"));
  ASSERT_TRUE(Config({"route del 203.0.113.0/24"}));
  EXPECT_EQ(Nh4("198.51.100.2").gw4_be, Be4("10.65.132.1"));  // still held by the other route
}

TEST_F(GatewayTest, ReplacingARouteOverAndOverDoesNotRunOutOfNextHops) {
  ASSERT_TRUE(SeedConfig());
  for (int i = 0; i < 1500; ++i) {
    const std::string line =
        absl::StrCat("route replace 203.0.113.0/24 via 10.65.132.", 2 + i % 250);
    ASSERT_TRUE(Run(line).ok()) << line << " (round " << i << ")";
  }
  EXPECT_EQ(Nh4("203.0.113.1").gw4_be, Be4(absl::StrCat("10.65.132.", 2 + 1499 % 250).c_str()));
}

TEST_F(GatewayTest, RouteDelRemovesOnlyThatPrefix) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route del 10.10.200.0/24"}));
  EXPECT_EQ(NhId4("10.10.200.77"), kNhNone);
  EXPECT_EQ(Nh4("10.10.200.10").kind, NhKind::kTunnel);
  EXPECT_EQ(gw_->route_count(), 3u);
  EXPECT_REFUSED("route del 10.10.200.0/24", StatusCode::kNotFound,
                 "no route to 10.10.200.0/24");
}

TEST_F(GatewayTest, RouteDelMustMatchTheGivenDevAndVia) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route add 203.0.113.0/24 via 10.65.132.1"}));
  EXPECT_REFUSED("route del 10.10.200.0/24 dev port1", StatusCode::kNotFound,
                 "no route to 10.10.200.0/24 dev port1");
  EXPECT_REFUSED("route del 10.10.200.0/24 via 10.65.132.1", StatusCode::kNotFound,
                 "no route to 10.10.200.0/24 via 10.65.132.1");
  EXPECT_REFUSED("route del 203.0.113.0/24 via 10.65.132.2", StatusCode::kNotFound,
                 "no route to 203.0.113.0/24 via 10.65.132.2");
  EXPECT_REFUSED("route del 203.0.113.0/24 dev tun1", StatusCode::kNotFound,
                 "no route to 203.0.113.0/24 dev tun1");
  EXPECT_REFUSED("route del 203.0.113.0/24 dev port9", StatusCode::kNotFound,
                 "unknown device \"port9\"");
  ASSERT_TRUE(Config({"route del 10.10.200.0/24 dev tun1",
                      "route del 203.0.113.0/24 via 10.65.132.1 dev port0"}));
  EXPECT_EQ(NhId4("10.10.200.77"), kNhNone);
  EXPECT_EQ(NhId4("203.0.113.1"), kNhNone);
}

TEST_F(GatewayTest, DeletingAConnectedRouteMakesItsGatewayUnreachable) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route del 10.65.132.0/24"}));
  EXPECT_EQ(NhId4("10.65.132.188"), kNhNone);
  EXPECT_EQ(NhId4("10.65.132.187"), kNhLocal);
  EXPECT_REFUSED("route add 203.0.113.0/24 via 10.65.132.1", StatusCode::kInvalidArgument,
                 "gateway \"10.65.132.1\" is on no connected network: give \"dev IFACE\"");
  // The address goes later without trouble.
  ASSERT_TRUE(Config({"addr del 10.65.132.187/24 dev port0"}));
  EXPECT_EQ(NhId4("10.65.132.187"), kNhNone);
}

TEST_F(GatewayTest, AConnectedRouteTakenByATunnelDelIsGoneAsAfterRouteDel) {
  // port0's connected route was replaced by one into tun1; tun1 goes, and the route with it.
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"route replace 10.65.132.0/24 dev tun1",
                      "route add 198.51.100.0/24 via 10.65.132.1 dev port0", "tunnel del tun1"}));
  EXPECT_EQ(NhId4("10.65.132.188"), kNhNone);
  // As after `route del`: port0 has no connected network there any more; a route through it needs
  // onlink, and shows as one.
  EXPECT_REFUSED("route add 203.0.113.0/24 via 10.65.132.1", StatusCode::kInvalidArgument,
                 "gateway \"10.65.132.1\" is on no connected network: give \"dev IFACE\"");
  for (const auto& r : gw_->Routes()) {
    if (r.prefix.ToString() == "198.51.100.0/24") {
      EXPECT_TRUE(r.onlink);
    }
  }
  // config show says so, and a later `route add` of that prefix is not taken for the address's.
  EXPECT_NE(gw_->ConfigText().find("addr add 10.65.132.187/24 dev port0\nroute del 10.65.132.0/24\n"),
            std::string::npos)
      << gw_->ConfigText();
  ASSERT_TRUE(Config({"route add 10.65.132.0/24 dev port1", "addr del 10.65.132.187 dev port0"}));
  EXPECT_EQ(Nh4("10.65.132.188").port, 1) << "the address took a route that was not its own";
}

TEST_F(GatewayTest, Ipv6RouteViaAConnectedGateway) {
  ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1",
                      "route add 2001:db8:5::/48 via 2001:db8:1::2"}));
  const dp::NextHop& n = Nh6("2001:db8:5::1");
  EXPECT_EQ(n.kind, NhKind::kPort);
  EXPECT_EQ(n.port, 1);
  EXPECT_EQ(n.gw_family, 6);
  EXPECT_EQ(n.gw6, V6("2001:db8:1::2"));
  ASSERT_TRUE(Config({"route add default via 2001:db8:1::3"}));
  EXPECT_EQ(Nh6("2001:db9::1").gw6, V6("2001:db8:1::3"));
  EXPECT_EQ(NhId4("8.8.8.8"), kNhNone);  // `default` took the gateway's family
}

TEST_F(GatewayTest, Ipv6RouteIntoASitTunnel) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187",
                      "route add 2001:db8:99::/48 dev sit1"}));
  const dp::NextHop& n = Nh6("2001:db8:99::1");
  EXPECT_EQ(n.kind, NhKind::kTunnel);
  EXPECT_EQ(n.tunnel, 1u);
  EXPECT_EQ(n.gw_family, 0);
}

TEST_F(GatewayTest, RemoteAnyRouteCarriesTheOuterDestinationAsVia) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"tunnel add nbma mode ipip local 10.65.132.187",
                      "route add 10.30.0.0/16 via 10.65.132.200 dev nbma onlink"}));
  const dp::NextHop& n = Nh4("10.30.0.1");
  EXPECT_EQ(n.kind, NhKind::kTunnel);
  EXPECT_EQ(n.tunnel, GwTunnel("nbma")->id);
  EXPECT_EQ(n.gw_family, 4);
  EXPECT_EQ(n.gw4_be, Be4("10.65.132.200"));
}

// ---- neighbours ----

TEST_F(GatewayTest, NeighbourAddReplaceDel) {
  ASSERT_TRUE(Config({"neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0"}));
  EXPECT_EQ(Neigh4(0, "10.65.132.188"), MacWord({0x52, 0x54, 0x00, 0x41, 0x84, 0xbc}));
  EXPECT_EQ(Neigh4(1, "10.65.132.188"), std::nullopt);
  ASSERT_TRUE(Config({"neigh replace 10.65.132.188 lladdr 52:54:00:41:84:bd dev port0"}));
  EXPECT_EQ(Neigh4(0, "10.65.132.188"), MacWord({0x52, 0x54, 0x00, 0x41, 0x84, 0xbd}));
  ASSERT_TRUE(Config({"neigh replace 10.65.132.1 lladdr 02:00:00:00:00:01 dev port1"}));
  EXPECT_EQ(Neigh4(1, "10.65.132.1"), MacWord({2, 0, 0, 0, 0, 1}));
  ASSERT_TRUE(Config({"neigh del 10.65.132.188 dev port0"}));
  EXPECT_EQ(Neigh4(0, "10.65.132.188"), std::nullopt);
  EXPECT_EQ(Neigh4(1, "10.65.132.1"), MacWord({2, 0, 0, 0, 0, 1}));
}

TEST_F(GatewayTest, Ipv6Neighbour) {
  ASSERT_TRUE(Config({"neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1"}));
  EXPECT_EQ(Neigh6(1, "2001:db8:1::2"), MacWord({0x52, 0x54, 0x00, 0x0a, 0x64, 0x06}));
  EXPECT_EQ(Neigh6(0, "2001:db8:1::2"), std::nullopt);
}

TEST_F(GatewayTest, NeighbourRefusals) {
  ASSERT_TRUE(SeedConfig());
  EXPECT_REFUSED("neigh add 10.65.132.188 lladdr 02:00:00:00:00:01 dev port0",
                 StatusCode::kAlreadyExists,
                 "neighbour 10.65.132.188 dev port0 already exists (use replace)");
  EXPECT_REFUSED("neigh add 10.10.200.10 lladdr 02:00:00:00:00:01 dev tun1",
                 StatusCode::kInvalidArgument, "neigh needs a port, \"tun1\" is a tunnel");
  EXPECT_REFUSED("neigh add 10.10.200.10 lladdr 02:00:00:00:00:01 dev port5",
                 StatusCode::kNotFound, "unknown device \"port5\"");
  EXPECT_REFUSED("neigh del 10.65.132.1 dev port0", StatusCode::kNotFound,
                 "no neighbour 10.65.132.1 dev port0");
  EXPECT_REFUSED("neigh del 10.65.132.188 dev port1", StatusCode::kNotFound,
                 "no neighbour 10.65.132.188 dev port1");
  EXPECT_REFUSED("neigh del 10.65.132.188 dev tun1", StatusCode::kInvalidArgument,
                 "neigh needs a port, \"tun1\" is a tunnel");
}

}  // namespace
}  // namespace gw::testing

namespace gw::testing {
namespace {

// ---- full tables: refused, and the refusal changes nothing ----

class GatewayFullTest : public GatewayFixture {};

TEST_F(GatewayFullTest, TheNextHopTableHoldsItsCapacity) {
  // Ids 0 and 1 are "no route" and "local": 1022 distinct next hops fit.
  for (uint32_t i = 0; i < 1022; ++i) {
    const std::string line = absl::StrCat("route add 10.", i / 256, ".", i % 256,
                                          ".0/24 via 192.0.", 2 + i / 256, ".", i % 256,
                                          " dev port0 onlink");
    ASSERT_TRUE(Run(line).ok()) << line;
  }
  EXPECT_REFUSED("route add 10.200.0.0/24 via 192.0.9.9 dev port0 onlink",
                 absl::StatusCode::kResourceExhausted,
                 "next-hop table full (1024; raise --nexthops)");
  EXPECT_EQ(NhId4("10.200.0.1"), kNhNone);
  // A next hop already in use costs nothing.
  ASSERT_TRUE(Config({"route add 10.200.0.0/24 via 192.0.2.0 dev port0 onlink"}));
  EXPECT_EQ(NhId4("10.200.0.1"), NhId4("10.0.0.1"));
  // Replacing the last user of a next hop frees its id for another.
  ASSERT_TRUE(Config({"route replace 10.0.1.0/24 via 192.0.2.0 dev port0 onlink",
                      "route add 10.201.0.0/24 via 192.0.9.9 dev port0 onlink"}));
  EXPECT_EQ(Nh4("10.201.0.1").gw4_be, Be4("192.0.9.9"));
}

TEST_F(GatewayFullTest, TheNeighbourTableHoldsItsCapacity) {
  uint32_t added = 0;
  absl::Status s;
  for (; added < 1100; ++added) {
    s = Run(absl::StrCat("neigh add 10.1.", added / 256, ".", added % 256,
                         " lladdr 02:00:00:00:00:01 dev port0"));
    if (!s.ok()) break;
  }
  EXPECT_EQ(added, 1024u);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "neighbour table full (1024; raise --neighbours)");
  EXPECT_EQ(Neigh4(0, "10.1.4.0"), std::nullopt);
  // Freed slots are reusable.
  ASSERT_TRUE(Config({"neigh del 10.1.0.5 dev port0",
                      "neigh add 10.1.4.0 lladdr 02:00:00:00:00:02 dev port0"}));
  EXPECT_EQ(Neigh4(0, "10.1.4.0"), MacWord({2, 0, 0, 0, 0, 2}));
}

// rte_fib needs one tbl8 group for every /24 that holds a longer prefix: with 256 groups, /32s
// in distinct /24s run out. A route that does not fit is refused whole.
TEST_F(GatewayFullTest, ARouteThatDoesNotFitIsRefusedWhole) {
  uint32_t added = 0;
  absl::Status s;
  for (; added < 600; ++added) {
    s = Run(absl::StrCat("route add 10.", added / 256, ".", added % 256, ".1/32 dev port0"));
    if (!s.ok()) break;
  }
  ASSERT_LT(added, 600u);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "route table full (raise --routes/--routes6 or the tbl8 flags)");
  EXPECT_EQ(gw_->route_count(), added);
  // Two FIB changes in one command: the local /32 fits (its /24 has a group already), the peer
  // /32 does not. Neither may stay.
  const std::string before = Snapshot();
  const absl::Status peer = Run("addr add 10.0.0.9 peer 172.17.0.5 dev port0");
  EXPECT_EQ(peer.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(NhId4("10.0.0.9"), kNhNone);
  EXPECT_EQ(NhId4("172.17.0.5"), kNhNone);
  EXPECT_EQ(NhId4("10.0.0.1"), NhId4("10.0.1.1"));
  EXPECT_EQ(Snapshot(), before);
  // And the address was not recorded: it can be given where it fits.
  ASSERT_TRUE(Config({"addr add 10.0.0.9/32 dev port0"}));
  EXPECT_EQ(NhId4("10.0.0.9"), kNhLocal);
}

}  // namespace
}  // namespace gw::testing
