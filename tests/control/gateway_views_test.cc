// control/gateway_views: the read side of Gateway (`gwctl ... show`, `config show`). The running
// configuration it prints must rebuild the same gateway when loaded into a fresh one.
#include <gtest/gtest.h>

#include "control/config_file.h"
#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

class GatewayViewsTest : public GatewayFixture {
 protected:
  // A fresh gatewayd with the same ports: new tables, new Gateway.
  void Restart() {
    gw_.reset();
    tables_.reset();
    mtu_calls_.clear();
    GatewayFixture::SetUp();
  }

  ::testing::AssertionResult RichConfig() {
    return Config({
        "link set port0 mtu 9000",
        "link set port1 down",
        "ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187",
        "ip link set tun1 up",
        "ip a add 10.10.100.10 peer 10.10.200.10 dev tun1",
        "addr add 10.65.132.187/24 dev port0",
        "addr add 10.10.100.1/24 dev port1",
        "route add 10.10.200.0/24 dev tun1",
        "neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0",
        "neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1",
        "tunnel add gone remote 10.65.132.199 local 10.65.132.187",
        "tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187 ttl 64 tos 0x28 "
        "dev port0",
        "link set sit1 up mtu 1400",
        "tunnel add nbma mode any local 10.65.132.187 nopmtudisc tos inherit",
        "link set nbma up",
        "route add 10.30.0.0/16 via 10.65.132.200 dev nbma onlink",
        "tunnel del gone",
        "tunnel add t5 remote 10.65.132.201 local 10.65.132.187",
        "addr add 2001:db8:1::1/64 dev port1",
        "route add 2001:db8:99::/48 dev sit1",
        "route add 2001:db8:5::/48 via 2001:db8:1::2",
        "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1",
        "route add 203.0.113.0/24 via 192.0.2.1 dev port0 onlink",
        "route replace 10.10.100.0/24 dev port0",
        "addr add 198.51.100.1/24 dev port1",
        "route del 198.51.100.0/24",
        "route add default via 10.65.132.1",
    });
  }
};

TEST_F(GatewayViewsTest, TheRunningConfigurationRebuildsTheSameGateway) {
  ASSERT_TRUE(RichConfig());
  const std::string text = gw_->ConfigText();
  const std::string before = Snapshot(false);
  Restart();
  ctl::LoadResult r;
  const absl::Status s = ctl::LoadConfigText(text, "running", *gw_, &r);
  ASSERT_TRUE(s.ok()) << s << "\n" << text;
  EXPECT_EQ(Snapshot(false), before) << text;
  EXPECT_EQ(gw_->ConfigText(), text);  // and prints itself the same way again
}

TEST_F(GatewayViewsTest, AFreshGatewayHasAnEmptyRunningConfiguration) {
  EXPECT_EQ(gw_->ConfigText(), "# gatewayd running configuration\n");
}

TEST_F(GatewayViewsTest, TheSeedConfigurationPrintsAsCommands) {
  ASSERT_TRUE(SeedConfig());
  EXPECT_EQ(gw_->ConfigText(),
            "# gatewayd running configuration\n"
            "tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187 ttl inherit "
            "tos 0x00 pmtudisc\n"
            "link set tun1 up\n"
            "addr add 10.10.100.10 peer 10.10.200.10 dev tun1\n"
            "addr add 10.65.132.187/24 dev port0\n"
            "addr add 10.10.100.1/24 dev port1\n"
            "route add 10.10.200.0/24 dev tun1\n"
            "neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0\n"
            "neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1\n");
}

TEST_F(GatewayViewsTest, LinksListPortsThenTunnels) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"link set port1 down", "tunnel add t2 remote 192.0.2.2 local 192.0.2.1"}));
  const auto links = gw_->Links();
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0].name, "port0");
  EXPECT_FALSE(links[0].is_tunnel);
  EXPECT_EQ(links[0].mac, "02:00:00:00:00:a0");
  EXPECT_EQ(links[0].mtu, 1500);
  EXPECT_TRUE(links[0].up);
  EXPECT_EQ(links[1].name, "port1");
  EXPECT_EQ(links[1].mac, "02:00:00:00:00:a1");
  EXPECT_FALSE(links[1].up);
  EXPECT_EQ(links[2].name, "tun1");
  EXPECT_TRUE(links[2].is_tunnel);
  EXPECT_EQ(links[2].mac, "");
  EXPECT_EQ(links[2].mtu, 1480);
  EXPECT_TRUE(links[2].up);
  EXPECT_EQ(links[3].name, "t2");
  EXPECT_FALSE(links[3].up);
}

TEST_F(GatewayViewsTest, RoutesAreSortedIpv4FirstAndSayWhoMadeThem) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1",
                      "route add 203.0.113.0/24 via 10.65.132.1"}));
  const auto routes = gw_->Routes();
  std::vector<std::string> lines;
  for (const auto& r : routes)
    lines.push_back(absl::StrCat(r.prefix.ToString(), " dev ", r.dev,
                                 r.via ? absl::StrCat(" via ", r.via->ToString()) : "",
                                 r.kernel ? " kernel" : "", r.onlink ? " onlink" : ""));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "10.10.100.0/24 dev port1 kernel",
                       "10.10.200.0/24 dev tun1",
                       "10.10.200.10/32 dev tun1 kernel",
                       "10.65.132.0/24 dev port0 kernel",
                       "203.0.113.0/24 dev port0 via 10.65.132.1",
                       "2001:db8:1::/64 dev port1 kernel",
                   }));
}

TEST_F(GatewayViewsTest, AddressesAndNeighboursNameTheirDevices) {
  ASSERT_TRUE(SeedConfig());
  const auto addrs = gw_->Addresses();
  ASSERT_EQ(addrs.size(), 3u);
  EXPECT_EQ(addrs[0].local.ToString(), "10.10.100.10/32");
  ASSERT_TRUE(addrs[0].peer.has_value());
  EXPECT_EQ(addrs[0].peer->ToString(), "10.10.200.10/32");
  EXPECT_EQ(addrs[0].dev, "tun1");
  EXPECT_EQ(addrs[1].local.ToString(), "10.65.132.187/24");
  EXPECT_EQ(addrs[1].dev, "port0");
  EXPECT_EQ(addrs[2].dev, "port1");
  const auto neigh = gw_->Neighbours();
  ASSERT_EQ(neigh.size(), 2u);
  EXPECT_EQ(neigh[0].dev, "port0");
  EXPECT_EQ(neigh[0].addr.ToString(), "10.65.132.188");
  EXPECT_EQ(neigh[1].dev, "port1");
  EXPECT_EQ(neigh[1].lladdr, (std::array<uint8_t, 6>{0x52, 0x54, 0x00, 0x0a, 0x64, 0x02}));
}

}  // namespace
}  // namespace gw::testing
