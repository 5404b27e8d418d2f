// control/config_model: a configuration replayed without a dataplane must end where
// Gateway::Apply ends. First each command kind on the model alone, then the same command
// sequences on the model and on a real Gateway side by side (every status and every state
// compared, hidden parts included), then thousands of random commands the same way.
#include "control/config_model.h"

#include <gtest/gtest.h>

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "control/rib.h"
#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

using absl::StatusCode;
using ctl::ConfigModel;

// Two ports of MTU 1500, as the fixture's gateway has.
ConfigModel TwoPorts() {
  ConfigModel m;
  m.ports.push_back({"port0", 1500, 1500, true, 0});
  m.ports.push_back({"port1", 1500, 1500, true, 0});
  return m;
}

absl::Status RunOn(ConfigModel& m, absl::string_view line, size_t no = 0) {
  auto c = ctl::ParseCommand(ctl::Tokenize(line));
  if (!c.ok()) return c.status();
  return m.Apply(*c, no);
}

::testing::AssertionResult All(ConfigModel& m, std::initializer_list<const char*> lines) {
  size_t no = 0;
  for (const char* l : lines) {
    ++no;
    if (ctl::Tokenize(l).empty()) continue;
    if (absl::Status s = RunOn(m, l, no); !s.ok())
      return ::testing::AssertionFailure() << "\"" << l << "\": " << s;
  }
  return ::testing::AssertionSuccess();
}

ctl::IpPrefix P(const char* s) {
  auto p = ctl::ParsePrefix(s);
  EXPECT_TRUE(p.ok()) << s;
  return *p;
}

// Everything the model holds, hidden parts included (the file lines aside): what must agree
// with the gateway after every command.
std::string Exact(const ConfigModel& m) {
  std::string s;
  for (const auto& p : m.ports) absl::StrAppend(&s, "port ", p.name, " ", p.initial_mtu, " ", p.mtu, " ", p.up, "\n");
  std::vector<std::string> v;
  for (const auto& [name, t] : m.tunnels)
    v.push_back(absl::StrCat("tunnel ", name, " ", ctl::TunnelModeName(t.mode), " ", t.local.ToString(), " ",
                             t.remote.ToString(), " ttl ", t.ttl, " tos ", t.tos, " pmtu ", t.pmtudisc,
                             " dev ", t.dev.value_or("-"), " mtu ", t.mtu, " explicit ", t.mtu_explicit,
                             " up ", t.up, "\n"));
  std::sort(v.begin(), v.end());
  for (const auto& l : v) s += l;
  for (const auto& a : m.addresses)
    absl::StrAppend(&s, "addr ", a.local.ToString(), " peer ", a.peer ? a.peer->ToString() : "-", " dev ",
                    a.dev, " made ", a.kernel_route ? a.kernel_route->ToString() : "-", "\n");
  v.clear();
  for (const auto& [p, r] : m.routes)
    v.push_back(absl::StrCat("route ", p.ToString(), " dev ", r.dev, " via ",
                             r.via ? r.via->ToString() : "-", " onlink ", r.onlink, " kernel ", r.kernel, "\n"));
  std::sort(v.begin(), v.end());
  for (const auto& l : v) s += l;
  v.clear();
  for (const auto& [k, n] : m.neighbours)
    v.push_back(absl::StrCat("neigh ", k.first, " ", k.second.ToString(), " ", ctl::MacToString(n.lladdr), "\n"));
  std::sort(v.begin(), v.end());
  for (const auto& l : v) s += l;
  return s;
}

// ---- each command on the model ----

TEST(ConfigModel, LinkSetSetsAPortsStateAndATunnelsMtu) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"link set port0 mtu 9000 down", "tunnel add t1 local 10.0.0.1 dev port0",
                      "link set t1 up mtu 1400"}));
  EXPECT_EQ(m.FindPort("port0")->mtu, 9000);
  EXPECT_FALSE(m.FindPort("port0")->up);
  EXPECT_TRUE(m.FindPort("port1")->up);
  const ConfigModel::Tunnel* t = m.FindTunnel("t1");
  EXPECT_EQ(t->mtu, 1400);
  EXPECT_TRUE(t->mtu_explicit);
  EXPECT_TRUE(t->up);
  EXPECT_EQ(t->line, 2u) << "the line of its tunnel add";
  EXPECT_EQ(t->link_line, 3u) << "the line of its link set";
  EXPECT_EQ(RunOn(m, "link set t9 up").message(), "unknown device \"t9\"");
  const std::string before = Exact(m);
  EXPECT_EQ(RunOn(m, "link set t1 down mtu 65530").message(), "bad mtu \"65530\" for a tunnel (68..65515)");
  EXPECT_EQ(Exact(m), before) << "a refused command changes nothing";
}

TEST(ConfigModel, TunnelAddTakesDefaultsAndItsPortsMtuAtThatTime) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"tunnel add a local 10.0.0.1", "link set port1 mtu 9000",
                      "tunnel add b mode any remote 10.0.0.9 local 10.0.0.1 ttl 64 tos 10 dev port1",
                      "link set port1 mtu 1500"}));
  const ConfigModel::Tunnel* a = m.FindTunnel("a");
  EXPECT_EQ(a->mode, ctl::TunnelMode::kIpip);
  EXPECT_TRUE(a->remote.is_any());
  EXPECT_EQ(a->ttl, 0);
  EXPECT_EQ(a->tos, 0);
  EXPECT_TRUE(a->pmtudisc);
  EXPECT_EQ(a->mtu, 1480);
  EXPECT_FALSE(a->up);
  EXPECT_FALSE(a->dev);
  const ConfigModel::Tunnel* b = m.FindTunnel("b");
  EXPECT_EQ(b->mtu, 8980) << "the port's MTU when the tunnel was added";
  EXPECT_FALSE(b->mtu_explicit);
  EXPECT_TRUE(m.MtuPinned(*b)) << "no longer the default: config show writes it";
  EXPECT_FALSE(m.MtuPinned(*a));
  EXPECT_LT(a->order, b->order);
}

TEST(ConfigModel, TunnelAddRefusesAsTheGatewayDoes) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"tunnel add a remote 10.0.0.9 local 10.0.0.1", "tunnel add b local 10.0.0.2"}));
  const std::string before = Exact(m);
  auto refused = [&](const char* line, StatusCode code, const char* msg) {
    const absl::Status s = RunOn(m, line);
    EXPECT_EQ(s.code(), code) << line;
    EXPECT_EQ(s.message(), msg) << line;
    EXPECT_EQ(Exact(m), before) << line;
  };
  refused("tunnel add a local 10.0.0.3", StatusCode::kAlreadyExists, "tunnel \"a\" already exists");
  refused("tunnel add port1 local 10.0.0.3", StatusCode::kAlreadyExists, "name \"port1\" is a port");
  refused("tunnel add c local 10.0.0.3 dev a", StatusCode::kInvalidArgument,
          "tunnel dev needs a port, \"a\" is a tunnel");
  refused("tunnel add c local 10.0.0.3 dev port7", StatusCode::kNotFound, "unknown device \"port7\"");
  refused("tunnel add c remote 10.0.0.3", StatusCode::kInvalidArgument, "tunnel needs \"local ADDRESS\" (IPv4)");
  refused("tunnel add c local 10.0.0.3 ttl 9 nopmtudisc", StatusCode::kInvalidArgument,
          "\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
  refused("tunnel add c remote 10.0.0.9 local 10.0.0.1 mode sit", StatusCode::kAlreadyExists,
          "tunnel \"a\" already has remote 10.0.0.9 local 10.0.0.1");
  // remote 0.0.0.0 is remote any
  refused("tunnel add c remote 0.0.0.0 local 10.0.0.2", StatusCode::kAlreadyExists,
          "tunnel \"b\" already has remote 0.0.0.0 local 10.0.0.2");
}

TEST(ConfigModel, TunnelChangeChangesOnlyTheGivenFields) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"tunnel add a mode sit remote 10.0.0.9 local 10.0.0.1 ttl 64 tos 0x28",
                      "link set a up", "tunnel add b local 10.0.0.2", "link set port0 mtu 9000",
                      "link set b mtu 1300", "tunnel change a remote 10.0.0.8 dev port0",
                      "tunnel change b dev port0", "tunnel add c remote 10.0.0.9 local 10.0.0.1"}));
  const ConfigModel::Tunnel* a = m.FindTunnel("a");
  EXPECT_EQ(a->mode, ctl::TunnelMode::kSit);
  EXPECT_EQ(a->remote.ToString(), "10.0.0.8");
  EXPECT_EQ(a->ttl, 64);
  EXPECT_EQ(a->tos, 0x28);
  EXPECT_TRUE(a->up);
  EXPECT_EQ(a->mtu, 8980) << "a new dev derives the MTU again";
  EXPECT_EQ(m.FindTunnel("b")->mtu, 1300) << "but not one that was set";
  EXPECT_NE(m.FindTunnel("c"), nullptr) << "a's old endpoints are free again";
  EXPECT_EQ(RunOn(m, "tunnel change b remote 10.0.0.9 local 10.0.0.1").message(),
            "tunnel \"c\" already has remote 10.0.0.9 local 10.0.0.1");
  EXPECT_EQ(RunOn(m, "tunnel change z ttl 3").message(), "unknown tunnel \"z\"");
}

TEST(ConfigModel, TunnelDelTakesItsRoutesAndAddressesWithIt) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"tunnel add t local 10.0.0.1", "addr add 192.0.2.1/24 dev port0",
                      "addr add 10.10.100.10 peer 10.10.200.10 dev t", "route add 10.20.0.0/16 dev t",
                      "route replace 192.0.2.0/24 dev t", "route add 10.30.0.0/16 via 192.0.2.254 dev port0",
                      "tunnel del t"}));
  EXPECT_EQ(m.tunnels.size(), 0u);
  ASSERT_EQ(m.addresses.size(), 1u);
  EXPECT_EQ(m.addresses[0].dev, "port0");
  // Its connected route had been replaced by one into the tunnel: it went, and the address
  // forgets it (as after `route del`): it has no connected network.
  EXPECT_FALSE(m.addresses[0].kernel_route);
  EXPECT_FALSE(m.OnConnectedNetwork("port0", *ctl::ParseIp("192.0.2.254")));
  ASSERT_EQ(m.routes.size(), 1u);
  EXPECT_TRUE(m.routes.contains(P("10.30.0.0/16")));
  EXPECT_TRUE(m.tunnel_keys.empty());
  EXPECT_EQ(RunOn(m, "tunnel del t").message(), "unknown tunnel \"t\"");
}

TEST(ConfigModel, AddrAddMakesAConnectedRouteUnlessThePrefixHasOne) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"addr add 192.0.2.1/24 dev port0", "addr add 192.0.2.2/24 dev port1",
                      "addr add 10.1.1.1 peer 10.1.2.0/24 dev port1", "addr add 10.9.9.9 dev port0",
                      "route add 198.51.100.0/24 dev port1", "addr add 198.51.100.1/24 dev port0"}));
  ASSERT_EQ(m.addresses.size(), 5u);
  EXPECT_EQ(m.addresses[0].kernel_route, P("192.0.2.0/24"));
  EXPECT_FALSE(m.addresses[1].kernel_route) << "the prefix had a route";
  EXPECT_EQ(m.addresses[2].kernel_route, P("10.1.2.0/24")) << "the peer's prefix";
  EXPECT_FALSE(m.addresses[3].kernel_route) << "a host prefix makes no route";
  EXPECT_FALSE(m.addresses[4].kernel_route);
  const ConfigModel::Route& c = m.routes.at(P("192.0.2.0/24"));
  EXPECT_TRUE(c.kernel);
  EXPECT_EQ(c.dev, "port0");
  EXPECT_FALSE(m.routes.at(P("198.51.100.0/24")).kernel);
  EXPECT_EQ(RunOn(m, "addr add 192.0.2.1/32 dev port1").message(),
            "address 192.0.2.1 is already assigned to port0");
  EXPECT_EQ(RunOn(m, "addr add 192.0.2.7/24 dev tun9").message(), "unknown device \"tun9\"");
}

TEST(ConfigModel, AddrDelTakesTheConnectedRouteItMadeUnlessDeletedOrReplacedSince) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"addr add 192.0.2.1/24 dev port0", "addr add 198.51.100.1/24 dev port0",
                      "addr add 203.0.113.1/24 dev port0", "route replace 198.51.100.0/24 dev port1",
                      "route del 203.0.113.0/24", "route add 203.0.113.0/24 dev port1"}));
  EXPECT_FALSE(m.addresses[2].kernel_route) << "route del makes the address forget it";
  EXPECT_EQ(m.route_del_lines.at(P("203.0.113.0/24")), 5u);
  ASSERT_TRUE(All(m, {"addr del 192.0.2.1/24 dev port0", "addr del 198.51.100.1 dev port0",
                      "addr del 203.0.113.1 dev port0"}));
  EXPECT_FALSE(m.routes.contains(P("192.0.2.0/24")));
  EXPECT_TRUE(m.routes.contains(P("198.51.100.0/24"))) << "replaced: no longer the address's";
  EXPECT_TRUE(m.routes.contains(P("203.0.113.0/24")));
  EXPECT_EQ(RunOn(m, "addr del 192.0.2.1 dev port0").message(), "address 192.0.2.1 is not on port0");
}

TEST(ConfigModel, RouteAddReplaceDelCheckAsTheRibDoes) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"addr add 192.0.2.1/24 dev port1", "addr add 2001:db8:1::1/64 dev port0",
                      "tunnel add t local 10.0.0.1",
                      "route add 198.51.100.0/24 via 192.0.2.254",
                      "route add 203.0.113.0/24 via 10.9.9.9 dev port0 onlink",
                      "route add 2001:db8:5::/64 via 10.0.0.9 dev t",
                      "route replace 192.0.2.0/24 via 192.0.2.253 dev port1"}));
  const ConfigModel::Route& r = m.routes.at(P("198.51.100.0/24"));
  EXPECT_EQ(r.dev, "port1") << "no dev: the port of the gateway's connected network";
  EXPECT_FALSE(r.kernel);
  EXPECT_TRUE(m.routes.at(P("203.0.113.0/24")).onlink);
  EXPECT_FALSE(m.routes.at(P("192.0.2.0/24")).kernel) << "a replaced connected route is static";
  EXPECT_EQ(m.addresses[0].kernel_route, P("192.0.2.0/24")) << "and still the address's record";
  auto msg = [&](const char* l) { return std::string(RunOn(m, l).message()); };
  EXPECT_EQ(msg("route add 198.51.100.0/24 dev port0"), "route to 198.51.100.0/24 already exists");
  EXPECT_EQ(msg("route add 10.1.0.0/16 via 10.9.9.9"),
            "gateway \"10.9.9.9\" is on no connected network: give \"dev IFACE\"");
  EXPECT_EQ(msg("route add 10.1.0.0/16 via 10.9.9.9 dev port0"),
            "gateway \"10.9.9.9\" is not on a connected network of port0 (add \"onlink\" if it is)");
  EXPECT_EQ(msg("route add 10.1.0.0/16 via 2001:db8:1::9 dev port0"),
            "address family mismatch: via \"2001:db8:1::9\" for prefix 10.1.0.0/16");
  EXPECT_EQ(msg("route add 10.1.0.0/16 via 2001:db8:1::9 dev t"),
            "via \"2001:db8:1::9\" through a tunnel must be an IPv4 outer address");
  EXPECT_EQ(msg("route add 10.1.0.0/16 dev port9"), "unknown device \"port9\"");
  EXPECT_EQ(msg("route del 10.1.0.0/16"), "no route to 10.1.0.0/16");
  EXPECT_EQ(msg("route del 198.51.100.0/24 dev port0"), "no route to 198.51.100.0/24 dev port0");
  EXPECT_EQ(msg("route del 198.51.100.0/24 via 192.0.2.9"), "no route to 198.51.100.0/24 via 192.0.2.9");
  ASSERT_TRUE(All(m, {"route del 198.51.100.0/24 via 192.0.2.254 dev port1"}));
  EXPECT_FALSE(m.routes.contains(P("198.51.100.0/24")));
}

TEST(ConfigModel, OnlinkShownIsWhatRouteShowPrints) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"addr add 192.0.2.1/24 dev port0", "route add 198.51.100.0/24 via 192.0.2.254",
                      "route add 203.0.113.0/24 dev port1 onlink"}));
  EXPECT_FALSE(m.OnlinkShown(m.routes.at(P("198.51.100.0/24"))));
  EXPECT_TRUE(m.OnlinkShown(m.routes.at(P("203.0.113.0/24"))));
  ASSERT_TRUE(All(m, {"route del 192.0.2.0/24"}));
  EXPECT_TRUE(m.OnlinkShown(m.routes.at(P("198.51.100.0/24"))))
      << "its gateway is on no connected network any more";
}

TEST(ConfigModel, NeighboursAreStaticEntriesByPortAndAddress) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"tunnel add t local 10.0.0.1", "neigh add 192.0.2.254 lladdr 52:54:00:00:00:fe dev port0",
                      "neigh add 192.0.2.254 lladdr 52:54:00:00:01:fe dev port1",
                      "neigh replace 192.0.2.254 lladdr 52:54:00:00:02:fe dev port0",
                      "neigh add 2001:db8::1 lladdr 52:54:00:00:03:fe dev port0 nud permanent"}));
  EXPECT_EQ(m.neighbours.size(), 3u);
  EXPECT_EQ(ctl::MacToString(m.neighbours.at({"port0", *ctl::ParseIp("192.0.2.254")}).lladdr),
            "52:54:00:00:02:fe");
  EXPECT_EQ(m.neighbours.at({"port0", *ctl::ParseIp("192.0.2.254")}).line, 4u);
  auto msg = [&](const char* l) { return std::string(RunOn(m, l).message()); };
  EXPECT_EQ(msg("neigh add 192.0.2.254 lladdr 52:54:00:00:00:fe dev port0"),
            "neighbour 192.0.2.254 dev port0 already exists (use replace)");
  EXPECT_EQ(msg("neigh add 192.0.2.9 lladdr 52:54:00:00:00:fe dev t"), "neigh needs a port, \"t\" is a tunnel");
  EXPECT_EQ(msg("neigh del 192.0.2.9 dev port0"), "no neighbour 192.0.2.9 dev port0");
  ASSERT_TRUE(All(m, {"neigh del 192.0.2.254 dev port1"}));
  EXPECT_EQ(m.neighbours.size(), 2u);
}

TEST(ConfigModel, LaterLinesOverrideEarlierOnes) {
  ConfigModel m = TwoPorts();
  ASSERT_TRUE(All(m, {"link set port0 mtu 9000", "link set port0 down", "link set port0 mtu 1400 up",
                      "tunnel add t local 10.0.0.1", "link set t up", "link set t down",
                      "route add 10.1.0.0/16 dev port0", "route replace 10.1.0.0/16 dev t",
                      "tunnel change t ttl 9", "tunnel change t ttl inherit tos inherit"}));
  EXPECT_EQ(m.FindPort("port0")->mtu, 1400);
  EXPECT_TRUE(m.FindPort("port0")->up);
  EXPECT_EQ(m.FindPort("port0")->line, 3u);
  EXPECT_FALSE(m.FindTunnel("t")->up);
  EXPECT_EQ(m.FindTunnel("t")->ttl, 0);
  EXPECT_EQ(m.FindTunnel("t")->tos, -1);
  EXPECT_EQ(m.FindTunnel("t")->line, 10u);
  EXPECT_EQ(m.routes.at(P("10.1.0.0/16")).dev, "t");
  EXPECT_EQ(m.routes.at(P("10.1.0.0/16")).line, 8u);
}

TEST(ConfigModel, CanonicalLeavesOutIdsAndLinesButNotTheAddressOrder) {
  ConfigModel a = TwoPorts(), b = TwoPorts();
  ASSERT_TRUE(All(a, {"tunnel add x local 10.0.0.1", "tunnel add y local 10.0.0.2",
                      "addr add 192.0.2.1/24 dev port0", "addr add 192.0.2.2/24 dev port0"}));
  ASSERT_TRUE(All(b, {"# other lines", "tunnel add y local 10.0.0.2", "tunnel add x local 10.0.0.1",
                      "addr add 192.0.2.1/24 dev port0", "addr add 192.0.2.2/24 dev port0"}));
  EXPECT_EQ(a.Canonical(), b.Canonical());
  ASSERT_TRUE(All(b, {"addr del 192.0.2.1 dev port0", "addr add 192.0.2.1/24 dev port0"}));
  EXPECT_NE(a.Canonical(), b.Canonical()) << "the same addresses in another order";
}

// ---- the model and the gateway side by side ----

class ConfigModelVsGateway : public GatewayFixture {
 protected:
  void SetUp() override {
    GatewayFixture::SetUp();
    model_ = ConfigModel::Fresh(*gw_);
  }
  // The line on both: the same outcome, the same state.
  void Both(absl::string_view line) {
    auto c = ctl::ParseCommand(ctl::Tokenize(line));
    ASSERT_TRUE(c.ok()) << line << ": " << c.status();
    const absl::Status real = gw_->Apply(*c);
    const absl::Status modelled = model_.Apply(*c);
    EXPECT_EQ(modelled.code(), real.code()) << line << ": model " << modelled << ", gateway " << real;
    EXPECT_EQ(modelled.message(), real.message()) << line;
    const ConfigModel now = ConfigModel::FromGateway(*gw_);
    EXPECT_EQ(Exact(model_), Exact(now)) << "after " << line;
    EXPECT_EQ(model_.Canonical(), now.Canonical()) << "after " << line;
  }
  ConfigModel model_;
};

TEST_F(ConfigModelVsGateway, FreshModelIsTheFreshGateway) {
  EXPECT_EQ(Exact(model_), Exact(ConfigModel::FromGateway(*gw_)));
  EXPECT_EQ(model_.ports.size(), 2u);
}

TEST_F(ConfigModelVsGateway, EveryCommandKindWithItsRefusals) {
  for (const char* l : {
           "link set port0 mtu 9000", "link set port1 down", "link set port9 up",
           "tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187",
           "tunnel add tun1 local 10.0.0.1", "tunnel add port0 local 10.0.0.1",
           "tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187 ttl 64 tos 0x28 dev port0",
           "tunnel add x remote 10.65.132.188 local 10.65.132.187", "tunnel add x dev tun1 local 1.2.3.4",
           "tunnel add nbma mode any local 10.65.132.187 nopmtudisc tos inherit",
           "link set sit1 up mtu 1400", "link set tun1 up", "link set tun1 mtu 65530",
           "tunnel change sit1 dev port1", "tunnel change tun1 dev port0", "tunnel change tun1 ttl 3 nopmtudisc",
           "tunnel change nbma remote 10.65.132.188", "tunnel change zz ttl 1",
           "ip a add 10.10.100.10 peer 10.10.200.10 dev tun1", "addr add 10.65.132.187/24 dev port0",
           "addr add 10.65.132.190/24 dev port0", "addr add 10.10.100.1/24 dev port1",
           "addr add 10.10.100.1/24 dev port0", "addr add 2001:db8:1::1/64 dev port1",
           "addr add 2001:db8:a::1 peer 2001:db8:b::/64 dev nbma", "addr add 1.1.1.1 dev nowhere",
           "route add 10.10.200.0/24 dev tun1", "route add 10.10.200.0/24 dev tun1",
           "route add 198.51.100.0/24 via 10.65.132.1", "route add 203.0.113.0/24 via 10.9.9.9 dev port1",
           "route add 203.0.113.0/24 via 10.9.9.9 dev port1 onlink",
           "route add 10.30.0.0/16 via 10.65.132.200 dev nbma onlink",
           "route add 2001:db8:5::/64 via 2001:db8:1::fe dev port1",
           "route add 2001:db8:6::/64 via 2001:db8:1::fe dev nbma",
           "route replace 10.10.100.0/24 via 10.10.100.254 dev port1", "route del 10.65.132.0/24",
           "route del 10.30.0.0/16 via 1.2.3.4", "route del 10.30.0.0/16 dev tun1",
           "route add 10.20.1.0/24 via 10.65.132.1 dev port0",
           "neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0",
           "neigh add 10.65.132.188 lladdr 52:54:00:41:84:bd dev port0",
           "neigh replace 10.65.132.188 lladdr 52:54:00:41:84:be dev port0",
           "neigh add 2001:db8:1::2 lladdr 52:54:00:00:00:01 dev port1", "neigh add 10.1.1.1 lladdr 52:54:00:00:00:01 dev tun1",
           "neigh del 10.1.1.2 dev port0", "neigh del 2001:db8:1::2 dev port1",
           "addr del 10.65.132.187 dev port0", "addr del 10.10.100.1 dev port1", "addr del 10.10.100.1 dev port1",
           "addr del 10.65.132.190/24 dev port0", "route add 10.65.132.0/24 dev port1",
           "addr add 10.65.132.190/24 dev port0", "tunnel del nbma", "tunnel del nbma", "tunnel del tun1",
           "link set port0 mtu 1500 up",
       }) {
    Both(l);
    if (HasFailure()) return;
  }
}

// Random command sequences from a small vocabulary, so that names, prefixes and endpoints collide
// often: every command's outcome and the state after it must be the gateway's.
std::string RandomCommand(std::mt19937& rng) {
  auto pick = [&](std::initializer_list<const char*> v) {
    return std::string(v.begin()[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)]);
  };
  auto maybe = [&](int percent) { return std::uniform_int_distribution<int>(0, 99)(rng) < percent; };
  const std::string tunnel = pick({"ta", "tb", "tc"});
  const std::string dev = pick({"port0", "port1", "ta", "tb", "tc"});
  switch (std::uniform_int_distribution<int>(0, 16)(rng)) {
    case 0:
      return absl::StrCat("link set ", pick({"port0", "port1", "ta", "tb"}),
                          maybe(50) ? pick({" up", " down"}) : "",
                          maybe(60) ? pick({" mtu 1400", " mtu 1500", " mtu 9000", " mtu 1480"}) : " up");
    case 1:
    case 2: {
      std::string s = absl::StrCat("tunnel ", maybe(65) ? "add " : "change ", tunnel);
      if (maybe(40)) absl::StrAppend(&s, " mode ", pick({"ipip", "sit", "any"}));
      if (maybe(60)) absl::StrAppend(&s, " remote ", pick({"any", "10.65.132.188", "10.65.132.189", "0.0.0.0"}));
      if (maybe(80)) absl::StrAppend(&s, " local ", pick({"10.65.132.187", "192.0.2.1"}));
      if (maybe(30)) absl::StrAppend(&s, " ttl ", pick({"inherit", "64"}));
      if (maybe(20)) absl::StrAppend(&s, " tos ", pick({"inherit", "0x28", "0"}));
      if (maybe(40)) absl::StrAppend(&s, " dev ", pick({"port0", "port1", "ta"}));
      if (maybe(20)) absl::StrAppend(&s, pick({" pmtudisc", " nopmtudisc"}));
      return s;
    }
    case 3:
      return absl::StrCat("tunnel del ", tunnel);
    case 4:
    case 5:
      return absl::StrCat("addr add ",
                          pick({"10.65.132.187/24", "10.65.132.190/24", "192.0.2.1/24", "192.0.2.2/24",
                                "10.10.100.10", "192.0.2.1", "2001:db8:1::1/64"}),
                          maybe(30) ? pick({" peer 10.10.200.10", " peer 198.51.100.0/24", " peer 192.0.2.0/24"}) : "",
                          " dev ", dev);
    case 6:
      return absl::StrCat("addr del ", pick({"10.65.132.187", "10.65.132.190", "192.0.2.1", "192.0.2.2", "10.10.100.10"}),
                          " dev ", dev);
    case 7:
    case 8:
    case 9: {
      std::string s = absl::StrCat("route ", pick({"add", "replace"}), " ",
                                   pick({"10.65.132.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                         "10.10.200.10/32", "default"}));
      const bool via = maybe(60);
      if (via) absl::StrAppend(&s, " via ", pick({"10.65.132.1", "192.0.2.254", "10.9.9.9"}));
      if (!via || maybe(70)) absl::StrAppend(&s, " dev ", dev);
      if (maybe(20)) absl::StrAppend(&s, " onlink");
      return s;
    }
    case 10:
      return absl::StrCat("route del ", pick({"10.65.132.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                              "10.10.200.10/32", "default"}),
                          maybe(20) ? absl::StrCat(" dev ", dev) : "");
    case 11:
      return absl::StrCat("route add 2001:db8:5::/64 via ", pick({"2001:db8:1::fe", "10.65.132.188"}), " dev ", dev);
    case 12:
    case 13:
      return absl::StrCat("neigh ", pick({"add", "replace"}), " ", pick({"10.65.132.188", "192.0.2.254", "2001:db8:1::2"}),
                          " lladdr ", pick({"52:54:00:00:00:01", "52:54:00:00:00:02"}), " dev ",
                          pick({"port0", "port1", "ta"}));
    case 14:
      return absl::StrCat("neigh del ", pick({"10.65.132.188", "192.0.2.254"}), " dev ", pick({"port0", "port1"}));
    default:
      return absl::StrCat("link set ", tunnel, pick({" up", " down", " mtu 1400"}));
  }
}

TEST_F(ConfigModelVsGateway, RandomCommandsEndWhereTheGatewayEnds) {
  std::mt19937 rng(20240611);
  std::string history;
  for (int i = 0; i < 3000; ++i) {
    const std::string l = RandomCommand(rng);
    auto c = ctl::ParseCommand(ctl::Tokenize(l));
    if (!c.ok()) continue;  // the vocabulary makes a few lines the parser refuses
    absl::StrAppend(&history, l, "\n");
    Both(l);
    if (HasFailure()) {
      ADD_FAILURE() << "at command " << i << ", after:\n" << history;
      return;
    }
  }
}

}  // namespace
}  // namespace gw::testing
