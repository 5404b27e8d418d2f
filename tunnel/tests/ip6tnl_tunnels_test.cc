// tunnel/control: ip6tnl, tunnels over IPv6 (RFC 2473), through Gateway::Apply against real
// dataplane tables: `tunnel add|change` with ip6tnl's defaults and options publish the IPv6-outer
// record and the IPv6 peer entry a worker reads; refusals name their token and change nothing;
// `tunnel show` and the saved config say what was configured. (Split from tunnels_test.cc, which
// has the IPv4-underlay tunnels.)
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "control/gateway.h"
#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

using absl::StatusCode;

class Ip6tnlTunnelsTest : public GatewayFixture {};

// The (remote, local) → id entry of an IPv6-outer tunnel, from PeerTable6.
std::optional<uint32_t> Peer6(const dp::Tables& t, const char* remote, const char* local) {
  dp::PeerKey6 k{};
  if (remote != nullptr) inet_pton(AF_INET6, remote, k.remote);
  inet_pton(AF_INET6, local, k.local);
  uint32_t id;
  if (!t.peers6.Lookup(k, &id)) return std::nullopt;
  return id;
}

std::array<uint8_t, 16> V6Bytes(const char* a) {
  std::array<uint8_t, 16> b{};
  inet_pton(AF_INET6, a, b.data());
  return b;
}

TEST_F(Ip6tnlTunnelsTest, AddTakesLinuxDefaultsAndPublishesTheIpv6Record) {
  ASSERT_TRUE(Config({"tunnel add t6 mode ip6ip6 remote 2001:db8:65::188 local 2001:db8:65::187"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->outer6);
  EXPECT_EQ(r->carries, dp::kCarryIpv6);
  EXPECT_EQ(r->local6, V6Bytes("2001:db8:65::187"));
  EXPECT_EQ(r->remote6, V6Bytes("2001:db8:65::188"));
  EXPECT_EQ(r->encap_limit, 4);    // IPV6_DEFAULT_TNL_ENCAP_LIMIT
  EXPECT_EQ(r->Overhead6(), 48);   // 40 + the destination options header
  EXPECT_EQ(r->mtu, 1452);         // 1500 - 40 - 8, as ip6_tnl_link_config
  EXPECT_EQ(r->ttl, 64);           // iproute2's DEFAULT_TNL_HOP_LIMIT
  EXPECT_EQ(r->tmpl.time_to_live, 64);
  EXPECT_EQ(r->tmpl.type_of_service, 0);
  EXPECT_FALSE(r->remote_any);
  EXPECT_EQ(Peer6(*tables_, "2001:db8:65::188", "2001:db8:65::187"), 0u);
  EXPECT_EQ(Peer6(*tables_, nullptr, "2001:db8:65::187"), std::nullopt);
  EXPECT_EQ(tables_->peers.size(), 0u);  // nothing in the IPv4 underlay's table
  EXPECT_EQ(GwTunnel("t6")->mode, ctl::TunnelMode::kIp6ip6);
}

TEST_F(Ip6tnlTunnelsTest, OptionsModesAndMtu) {
  ASSERT_TRUE(Config({
      "link set port0 mtu 9000",
      "tunnel add a mode ipip6 remote 2001:db8:65::188 local 2001:db8:65::187 encaplimit none "
      "hoplimit inherit tclass 0xb8 dev port0",
      "tunnel add b mode any remote 2001:db8:65::189 local 2001:db8:65::187 encaplimit 0 "
      "tclass inherit",
  }));
  const dp::TunnelRec* a = tables_->tunnels.Get(0);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->carries, dp::kCarryIpv4);
  EXPECT_EQ(a->encap_limit, -1);
  EXPECT_EQ(a->Overhead6(), 40);
  EXPECT_EQ(a->mtu, 8960);  // 9000 - 40
  EXPECT_EQ(a->bound_port, 0);
  EXPECT_EQ(a->ttl, 0);     // inherit
  EXPECT_EQ(a->tmpl.type_of_service, 0xb8);
  const dp::TunnelRec* b = tables_->tunnels.Get(1);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(GwTunnel("b")->mode, ctl::TunnelMode::kAny6);  // `any` over IPv6 addresses
  EXPECT_EQ(b->carries, dp::kCarryIpv4 | dp::kCarryIpv6);
  EXPECT_EQ(b->encap_limit, 0);
  EXPECT_EQ(b->mtu, 1452);
  EXPECT_TRUE(b->tos_inherit);
  // A change of the outer header's size gives a new default MTU; a set one is kept.
  ASSERT_TRUE(Config({"tunnel change b encaplimit none"}));
  EXPECT_EQ(tables_->tunnels.Get(1)->mtu, 1460);
  ASSERT_TRUE(Config({"link set b mtu 1400", "tunnel change b encaplimit 7"}));
  EXPECT_EQ(tables_->tunnels.Get(1)->mtu, 1400);
  EXPECT_EQ(tables_->tunnels.Get(1)->encap_limit, 7);
  // A new remote rekeys PeerTable6.
  ASSERT_TRUE(Config({"tunnel change b remote 2001:db8:65::190"}));
  EXPECT_EQ(Peer6(*tables_, "2001:db8:65::189", "2001:db8:65::187"), std::nullopt);
  EXPECT_EQ(Peer6(*tables_, "2001:db8:65::190", "2001:db8:65::187"), 1u);
  // Deleting it takes its peer entry.
  ASSERT_TRUE(Config({"tunnel del b"}));
  EXPECT_EQ(Peer6(*tables_, "2001:db8:65::190", "2001:db8:65::187"), std::nullopt);
  EXPECT_EQ(tables_->tunnels.Get(1), nullptr);
}

TEST_F(Ip6tnlTunnelsTest, RefusalsNameTheToken) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"tunnel add t6 mode ip6ip6 remote 2001:db8:65::188 local 2001:db8:65::187"}));
  EXPECT_REFUSED("tunnel add x mode ip6ip6 remote 10.65.132.188 local 2001:db8:65::187",
                 StatusCode::kInvalidArgument,
                 "remote \"10.65.132.188\" is IPv4: mode ip6ip6 is over IPv6 (over IPv4: ipip, "
                 "sit, any)");
  EXPECT_REFUSED("tunnel add x mode ipip6 remote 2001:db8:65::189 local 10.65.132.187",
                 StatusCode::kInvalidArgument,
                 "local \"10.65.132.187\" is IPv4: mode ipip6 is over IPv6 (over IPv4: ipip, sit, "
                 "any)");
  EXPECT_REFUSED("tunnel add x mode ipip remote 2001:db8:65::189 local 10.65.132.187",
                 StatusCode::kInvalidArgument,
                 "remote \"2001:db8:65::189\" is IPv6: mode ipip is over IPv4 (over IPv6: mode "
                 "ip6ip6, ipip6, any)");
  EXPECT_REFUSED("tunnel add x mode ip6ip6 remote 2001:db8:65::189", StatusCode::kInvalidArgument,
                 "tunnel needs \"local ADDRESS\" (IPv6)");
  // Without a mode, IPv6 addresses make an ip6ip6 tunnel, as `ip -6 tunnel add` does.
  ASSERT_TRUE(Config({"tunnel add t7 remote 2001:db8:65::190 local 2001:db8:65::187"}));
  EXPECT_EQ(GwTunnel("t7")->mode, ctl::TunnelMode::kIp6ip6);
  ASSERT_TRUE(Config({"tunnel del t7"}));
  EXPECT_REFUSED("tunnel add x mode ip6ip6 remote any local 2001:db8:65::187",
                 StatusCode::kInvalidArgument,
                 "\"remote any\" is not supported for mode ip6ip6 (IPv6 underlay): give the "
                 "remote address");
  EXPECT_REFUSED("tunnel add x mode ip6ip6 remote 2001:db8:65::189 local 2001:db8:65::187 "
                 "nopmtudisc",
                 StatusCode::kInvalidArgument,
                 "\"nopmtudisc\" is for tunnels over IPv4: mode ip6ip6 never fragments the outer "
                 "packet");
  EXPECT_REFUSED("tunnel add x mode ipip remote 10.65.132.189 local 10.65.132.187 encaplimit 4",
                 StatusCode::kInvalidArgument,
                 "\"encaplimit\" is for tunnels over IPv6: mode ipip is over IPv4");
  EXPECT_REFUSED("tunnel add x mode any6 remote 2001:db8:65::188 local 2001:db8:65::187",
                 StatusCode::kAlreadyExists,
                 "tunnel \"t6\" already has remote 2001:db8:65::188 local 2001:db8:65::187");
  EXPECT_REFUSED("tunnel change t6 mode ipip", StatusCode::kInvalidArgument,
                 "tunnel \"t6\" is over IPv6: mode ipip is over IPv4 (delete the tunnel and add "
                 "it again)");
  EXPECT_REFUSED("tunnel change tun1 mode ip6ip6", StatusCode::kInvalidArgument,
                 "tunnel \"tun1\" is over IPv4: mode ip6ip6 is over IPv6 (delete the tunnel and "
                 "add it again)");
  EXPECT_REFUSED("tunnel change t6 remote 10.65.132.188", StatusCode::kInvalidArgument,
                 "remote \"10.65.132.188\" is IPv4: mode ip6ip6 is over IPv6 (over IPv4: ipip, "
                 "sit, any)");
  EXPECT_REFUSED("link set t6 mtu 1279", StatusCode::kInvalidArgument,
                 "bad mtu \"1279\" for a tunnel (1280..65487)");
}

TEST_F(Ip6tnlTunnelsTest, ShowAndConfigText) {
  ASSERT_TRUE(Config({
      "tunnel add t6 mode ip6ip6 remote 2001:db8:65::188 local 2001:db8:65::187 tclass 0x28",
      "tunnel add t7 mode ipip6 remote 2001:db8:65::189 local 2001:db8:65::187 encaplimit none "
      "hoplimit inherit dev port0",
      "link set t6 up",
  }));
  std::string text;
  ctl::Json j;
  ASSERT_TRUE(gw_->tunnel_config().Show("", &text, &j).ok());
  EXPECT_EQ(text,
            "t6: ipv6/ipv6 remote 2001:db8:65::188 local 2001:db8:65::187 encaplimit 4 hoplimit 64 "
            "tclass 0x28 flowlabel 0x00000\n"
            "t7: ip/ipv6 remote 2001:db8:65::189 local 2001:db8:65::187 dev port0 encaplimit none "
            "hoplimit inherit tclass 0x00 flowlabel 0x00000\n");
  const std::string json = j.Take();
  EXPECT_NE(json.find("\"name\":\"t6\",\"mode\":\"ip6ip6\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"outer\":6,\"encaplimit\":4"), std::string::npos) << json;
  EXPECT_NE(json.find("\"outer\":6,\"encaplimit\":\"none\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"mtu\":1452"), std::string::npos) << json;
  EXPECT_NE(json.find("\"mtu\":1460"), std::string::npos) << json;
  const std::string conf = gw_->ConfigText();
  EXPECT_NE(conf.find("tunnel add t6 mode ip6ip6 remote 2001:db8:65::188 local 2001:db8:65::187 "
                      "hoplimit 64 tclass 0x28 encaplimit 4\n"),
            std::string::npos)
      << conf;
  EXPECT_NE(conf.find("tunnel add t7 mode ipip6 remote 2001:db8:65::189 local 2001:db8:65::187 "
                      "hoplimit inherit tclass 0x00 encaplimit none dev port0\n"),
            std::string::npos)
      << conf;
  EXPECT_EQ(conf.find("link set t7 mtu"), std::string::npos) << conf;  // the default: not written
}

}  // namespace
}  // namespace gw::testing
