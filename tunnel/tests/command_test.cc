// tunnel/control/command: the `tunnel` words of the command language. Every form of its
// grammar, iproute2's synonyms and spellings, and every error, which names the token at fault.
// (Moved from tests/control/command_test.cc.)
#include "control/command.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "tests/control/parse_helpers.h"

namespace gw::ctl {
namespace {

// ---- tunnel ----

TEST(Tunnel, EveryOption) {
  auto c = Parse(
      "tunnel add name sit1 mode sit remote any local 192.0.2.1 ttl 64 tos 0x28 dev port0 "
      "nopmtudisc");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kTunnelAdd);
  EXPECT_EQ(c->name, "sit1");
  EXPECT_EQ(c->tunnel.mode, TunnelMode::kSit);
  ASSERT_TRUE(c->tunnel.remote.has_value());
  EXPECT_TRUE(c->tunnel.remote->is_any());
  EXPECT_EQ(c->tunnel.local, Ip("192.0.2.1"));
  EXPECT_EQ(c->tunnel.ttl, 64);
  EXPECT_EQ(c->tunnel.tos, 40);
  EXPECT_EQ(c->tunnel.dev, "port0");
  EXPECT_EQ(c->tunnel.pmtudisc, false);
}

TEST(Tunnel, InheritSpellingsAndPmtudisc) {
  auto c = Parse("tunnel change tun1 ttl inherit tos inherit pmtudisc mode any");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kTunnelChange);
  EXPECT_EQ(c->tunnel.ttl, 0);
  EXPECT_EQ(c->tunnel.tos, -1);
  EXPECT_EQ(c->tunnel.pmtudisc, true);
  EXPECT_EQ(c->tunnel.mode, TunnelMode::kAny);
  EXPECT_FALSE(c->tunnel.remote.has_value());
  EXPECT_FALSE(c->tunnel.local.has_value());
}

TEST(Tunnel, HoplimitDsfieldAndTclassAreSynonyms) {
  auto a = Parse("tunnel add t6 local 10.0.0.1 hoplimit 10 dsfield 8");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->tunnel.ttl, 10);
  EXPECT_EQ(a->tunnel.tos, 8);
  auto b = Parse("tunnel add t6 local 10.0.0.1 tclass 0x10");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->tunnel.tos, 16);
}

// iproute2 reads a TOS / dsfield / tclass number as hexadecimal, with or without "0x"
// (lib/rt_names.c: rtnl_dsfield_a2n, strtoul(arg, &end, 16)): `ip tunnel add ... tos 10` is
// 0x10. And the kernel takes an odd TOS (bit 0 set) as "inherit" (ip_tunnel_xmit).
TEST(Tunnel, TosIsHexadecimalAsInIproute2) {
  auto c = Parse("ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187 tos 10");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tunnel.tos, 0x10);
  auto b8 = Parse("tunnel add tun1 local 10.0.0.1 dsfield b8");
  ASSERT_TRUE(b8.ok()) << b8.status();
  EXPECT_EQ(b8->tunnel.tos, 0xb8);
  auto upper = Parse("tunnel add tun1 local 10.0.0.1 tos 0XA0");
  ASSERT_TRUE(upper.ok()) << upper.status();
  EXPECT_EQ(upper->tunnel.tos, 0xa0);
}

TEST(Tunnel, AnOddTosMeansInherit) {
  for (const char* tos : {"1", "0x1", "29", "0x2b", "ff"}) {
    auto c = Parse(std::string("tunnel add tun1 local 10.0.0.1 tos ") + tos);
    ASSERT_TRUE(c.ok()) << tos << ": " << c.status();
    EXPECT_EQ(c->tunnel.tos, -1) << tos;
  }
  auto zero = Parse("tunnel add tun1 local 10.0.0.1 tos 0");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->tunnel.tos, 0);
}

TEST(Tunnel, TtlZeroMeansInherit) {
  auto c = Parse("tunnel add tun1 local 10.0.0.1 ttl 0");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tunnel.ttl, 0);
}

// ip6tnl (`ip -6 tunnel`, RFC 2473): the IPv6-underlay modes with iproute2's long names, IPv6
// addresses, hoplimit / tclass / encaplimit.
TEST(Tunnel, Ip6tnlModesAndOptions) {
  auto c = Parse(
      "tunnel add t6 mode ip6ip6 remote 2001:db8:65::188 local 2001:db8:65::187 hoplimit 32 "
      "tclass 0x28 encaplimit 0 dev port0");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tunnel.mode, TunnelMode::kIp6ip6);
  EXPECT_EQ(c->tunnel.remote, Ip("2001:db8:65::188"));
  EXPECT_EQ(c->tunnel.local, Ip("2001:db8:65::187"));
  EXPECT_EQ(c->tunnel.ttl, 32);
  EXPECT_EQ(c->tunnel.tos, 0x28);
  EXPECT_EQ(c->tunnel.encap_limit, 0);
  EXPECT_EQ(c->tunnel.dev, "port0");
  const std::pair<const char*, TunnelMode> modes[] = {
      {"ip6ip6", TunnelMode::kIp6ip6},  {"ipv6/ipv6", TunnelMode::kIp6ip6},
      {"ipip6", TunnelMode::kIpip6},    {"ip4ip6", TunnelMode::kIpip6},
      {"ip/ipv6", TunnelMode::kIpip6},  {"ipv4/ipv6", TunnelMode::kIpip6},
      {"any6", TunnelMode::kAny6},      {"any/ipv6", TunnelMode::kAny6},
      {"any", TunnelMode::kAny},  // (over IPv6 when its addresses are: Tunnels::Add)
  };
  for (const auto& [word, mode] : modes) {
    auto m = Parse(std::string("tunnel add t6 mode ") + word);
    ASSERT_TRUE(m.ok()) << word << ": " << m.status();
    EXPECT_EQ(m->tunnel.mode, mode) << word;
  }
  auto none = Parse("tunnel change t6 encaplimit none hoplimit inherit tclass inherit");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->tunnel.encap_limit, -1);
  EXPECT_EQ(none->tunnel.ttl, 0);
  EXPECT_EQ(none->tunnel.tos, -1);
  EXPECT_EQ(TunnelModeFamily(TunnelMode::kAny6), 6);
  EXPECT_EQ(TunnelModeFamily(TunnelMode::kAny), 4);
  EXPECT_EQ(TunnelModeIproute(TunnelMode::kIpip6), "ip/ipv6");
  // `ip -6 tunnel` pastes as it is.
  auto ip6 = Parse("ip -6 tunnel add t6 mode ip6ip6 remote 2001:db8::2 local 2001:db8::1");
  ASSERT_TRUE(ip6.ok()) << ip6.status();
  EXPECT_EQ(ip6->tunnel.mode, TunnelMode::kIp6ip6);
  ExpectError("ip -6 route add ::/0 dev port0",
              "unknown command \"-6\" (link, addr, tunnel, route, neigh)");
}

TEST(Tunnel, DelTakesOnlyTheName) {
  auto c = Parse("ip tunnel del tun1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kTunnelDel);
  EXPECT_EQ(c->name, "tun1");
  ExpectError("tunnel del tun1 mode ipip", "unknown word \"mode\" in tunnel del");
}

TEST(Tunnel, Errors) {
  ExpectError("tunnel", "tunnel: expected add, change or del");
  ExpectError("tunnel show", "unknown word \"show\" in tunnel (add, change, del)");
  ExpectError("tunnel add", "tunnel: expected a tunnel name");
  ExpectError("tunnel add name", "tunnel: expected a tunnel name");
  ExpectError("tunnel add tun1 mode", "\"mode\" needs a value");
  ExpectError("tunnel add tun1 mode gre",
              "bad tunnel mode \"gre\" (ipip, sit, any; over IPv6: ip6ip6, ipip6, any)");
  ExpectError("tunnel add tun1 mode vti6",
              "bad tunnel mode \"vti6\" (ipip, sit, any; over IPv6: ip6ip6, ipip6, any)");
  ExpectError("tunnel add tun1 remote", "\"remote\" needs a value");
  ExpectError("tunnel add tun1 remote 10.0.0.300", "bad IP address \"10.0.0.300\"");
  ExpectError("tunnel add tun1 remote 2001:db8::g", "bad IP address \"2001:db8::g\"");
  ExpectError("tunnel add tun1 local 10.0.0.256", "bad IP address \"10.0.0.256\"");
  ExpectError("tunnel add tun1 encaplimit", "\"encaplimit\" needs a value");
  ExpectError("tunnel add tun1 encaplimit 256", "bad encaplimit \"256\" (0..255, or none)");
  ExpectError("tunnel add tun1 encaplimit never", "bad encaplimit \"never\" (0..255, or none)");
  ExpectError("tunnel add tun1 local any",
              "\"local any\" is not supported: give the local address");
  ExpectError("tunnel add tun1 ttl", "\"ttl\" needs a value");
  ExpectError("tunnel add tun1 ttl 256", "bad ttl \"256\" (0..255)");
  ExpectError("tunnel add tun1 ttl sixty", "bad ttl \"sixty\" (0..255)");
  ExpectError("tunnel add tun1 hoplimit -1", "bad ttl \"-1\" (0..255)");
  ExpectError("tunnel add tun1 tos 300", "bad tos \"300\" (hex 00..ff, or inherit)");
  ExpectError("tunnel add tun1 tos 0x1ff", "bad tos \"0x1ff\" (hex 00..ff, or inherit)");
  ExpectError("tunnel add tun1 tos g0", "bad tos \"g0\" (hex 00..ff, or inherit)");
  ExpectError("tunnel add tun1 tos 0x", "bad tos \"0x\" (hex 00..ff, or inherit)");
  ExpectError("tunnel add tun1 tos 100", "bad tos \"100\" (hex 00..ff, or inherit)");
  ExpectError("tunnel add tun1 dev", "\"dev\" needs a value");
  ExpectError("tunnel add tun1 key 5", "unknown word \"key\" in tunnel add");
  ExpectError("tunnel c tun1 csum", "unknown word \"csum\" in tunnel c");
}

}  // namespace
}  // namespace gw::ctl
