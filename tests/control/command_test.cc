// control/command: the command language. Every form in command.h's grammar, iproute2's
// abbreviations and a leading `ip` (the seed article's lines paste as they are), and every error,
// which names the token at fault.
#include "control/command.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/control/parse_helpers.h"

namespace gw::ctl {
namespace {

// ---- Tokenize ----

TEST(Tokenize, SplitsOnBlanksTabsAndLineEndsAndDropsComments) {
  auto t = Tokenize("  ip link\tset tun1 up  # bring it up\r\n");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0], "ip");
  EXPECT_EQ(t[1], "link");
  EXPECT_EQ(t[2], "set");
  EXPECT_EQ(t[3], "tun1");
  EXPECT_EQ(t[4], "up");
}

TEST(Tokenize, CommentAndBlankLinesAreEmpty) {
  EXPECT_EQ(Tokenize("# only a comment").size(), 0u);
  EXPECT_EQ(Tokenize(" \t \r").size(), 0u);
  EXPECT_EQ(Tokenize("").size(), 0u);
}

TEST(ParseCommand, EmptyAndBareIpAreErrors) {
  ExpectError("", "empty command");
  ExpectError("ip", "empty command");
  ExpectError("# nothing", "empty command");
}

TEST(ParseCommand, UnknownObjectWordIsNamed) {
  ExpectError("bridge add br0", "unknown command \"bridge\" (link, addr, tunnel, route, neigh)");
  ExpectError("ip ip link set tun1 up",
              "unknown command \"ip\" (link, addr, tunnel, route, neigh)");
  ExpectError("linkx set tun1 up", "unknown command \"linkx\" (link, addr, tunnel, route, neigh)");
}

// ---- The seed article, pasted ----

TEST(SeedArticle, TunnelAddLine) {
  auto c = Parse("ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kTunnelAdd);
  EXPECT_EQ(c->name, "tun1");
  EXPECT_EQ(c->tunnel.mode, TunnelMode::kIpip);
  EXPECT_EQ(c->tunnel.remote, Ip("10.65.132.188"));
  EXPECT_EQ(c->tunnel.local, Ip("10.65.132.187"));
  EXPECT_FALSE(c->tunnel.ttl.has_value());
  EXPECT_FALSE(c->tunnel.tos.has_value());
  EXPECT_FALSE(c->tunnel.dev.has_value());
  EXPECT_FALSE(c->tunnel.pmtudisc.has_value());
}

TEST(SeedArticle, LinkSetUpLine) {
  auto c = Parse("ip link set tun1 up");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kLinkSet);
  EXPECT_EQ(c->name, "tun1");
  EXPECT_EQ(c->up, true);
  EXPECT_FALSE(c->mtu.has_value());
}

TEST(SeedArticle, AddrAddPeerLine) {
  auto c = Parse("ip a add 10.10.100.10 peer 10.10.200.10 dev tun1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kAddrAdd);
  EXPECT_EQ(c->prefix.addr, Ip("10.10.100.10"));
  EXPECT_EQ(c->prefix.len, 32);
  ASSERT_TRUE(c->peer.has_value());
  EXPECT_EQ(c->peer->addr, Ip("10.10.200.10"));
  EXPECT_EQ(c->peer->len, 32);
  EXPECT_EQ(c->dev, "tun1");
}

// ---- Object abbreviations (iproute2's) ----

TEST(ParseCommand, ObjectAbbreviationsSelectTheirObject) {
  struct Case {
    const char* line;
    Verb verb;
  };
  const Case cases[] = {
      {"l set tun1 up", Verb::kLinkSet},
      {"li set tun1 up", Verb::kLinkSet},
      {"ip link s tun1 down", Verb::kLinkSet},
      {"a add 10.0.0.1 dev port0", Verb::kAddrAdd},
      {"addr add 10.0.0.1 dev port0", Verb::kAddrAdd},
      {"address add 10.0.0.1 dev port0", Verb::kAddrAdd},
      {"ip a d 10.0.0.1 dev port0", Verb::kAddrDel},
      {"addr delete 10.0.0.1 dev port0", Verb::kAddrDel},
      {"t add tun1 local 10.0.0.1", Verb::kTunnelAdd},
      {"tunl add tun1 local 10.0.0.1", Verb::kTunnelAdd},
      {"tun a tun1 local 10.0.0.1", Verb::kTunnelAdd},
      {"tunnel c tun1 ttl 5", Verb::kTunnelChange},
      {"tunnel chan tun1 ttl 5", Verb::kTunnelChange},
      {"tunnel d tun1", Verb::kTunnelDel},
      {"tunnel delete tun1", Verb::kTunnelDel},
      {"r add 10.0.0.0/8 dev port0", Verb::kRouteAdd},
      {"ro a 10.0.0.0/8 dev port0", Verb::kRouteAdd},
      {"route rep 10.0.0.0/8 dev port0", Verb::kRouteReplace},
      {"route replace 10.0.0.0/8 dev port0", Verb::kRouteReplace},
      {"route del 10.0.0.0/8", Verb::kRouteDel},
      {"n add 10.0.0.2 lladdr 02:00:00:00:00:01 dev port0", Verb::kNeighAdd},
      {"neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 dev port0", Verb::kNeighAdd},
      {"neighbour replace 10.0.0.2 lladdr 02:00:00:00:00:01 dev port0", Verb::kNeighReplace},
      {"neighbor rep 10.0.0.2 lladdr 02:00:00:00:00:01 dev port0", Verb::kNeighReplace},
      {"neigh d 10.0.0.2 dev port0", Verb::kNeighDel},
  };
  for (const Case& k : cases) {
    auto c = Parse(k.line);
    ASSERT_TRUE(c.ok()) << k.line << ": " << c.status();
    EXPECT_EQ(c->verb, k.verb) << k.line;
  }
}

// ---- link set ----

TEST(LinkSet, DevKeywordDownAndMtu) {
  auto c = Parse("ip l s dev port0 down mtu 9000");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kLinkSet);
  EXPECT_EQ(c->name, "port0");
  EXPECT_EQ(c->up, false);
  EXPECT_EQ(c->mtu, 9000u);
}

TEST(LinkSet, MtuAloneLeavesUpUnset) {
  auto c = Parse("link set port0 mtu 0x578");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->up.has_value());
  EXPECT_EQ(c->mtu, 1400u);
}

TEST(LinkSet, Errors) {
  ExpectError("link", "link: expected \"set\"");
  ExpectError("link show", "unknown word \"show\" in link (only \"set\")");
  ExpectError("link set", "link set: expected an interface name");
  ExpectError("link set dev", "link set: expected an interface name");
  ExpectError("link set tun1", "link set: expected up, down or mtu N");
  ExpectError("link set tun1 mtu", "\"mtu\" needs a value");
  ExpectError("link set tun1 mtu 67", "bad mtu \"67\" (68..65535)");
  ExpectError("link set tun1 mtu 65536", "bad mtu \"65536\" (68..65535)");
  ExpectError("link set tun1 mtu big", "bad mtu \"big\" (68..65535)");
  ExpectError("link set tun1 sideways", "unknown word \"sideways\" in link set");
  ExpectError("link set tun1 up promisc", "unknown word \"promisc\" in link set");
}

TEST(InterfaceNames, OneToFifteenAlnumDashUnderscoreDot) {
  auto ok = Parse("link set a.b_c-d01234567 up");  // 15 characters
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->name, "a.b_c-d01234567");
  ExpectError("link set abcdefghijklmnop up",
              "bad interface name \"abcdefghijklmnop\" (1..15 characters)");
  ExpectError("link set tun/1 up", "bad interface name \"tun/1\"");
  ExpectError("tunnel add tun:1 local 10.0.0.1", "bad interface name \"tun:1\"");
}

// ---- addr ----

TEST(Addr, PrefixKeepsHostBitsAndLength) {
  auto c = Parse("addr add 10.65.132.187/24 dev port0");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kAddrAdd);
  EXPECT_EQ(c->prefix.addr, Ip("10.65.132.187"));
  EXPECT_EQ(c->prefix.len, 24);
  EXPECT_FALSE(c->peer.has_value());
  EXPECT_EQ(c->dev, "port0");
}

TEST(Addr, LocalKeywordAndDevFirst) {
  auto c = Parse("addr add dev port1 local 2001:db8::1/64");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->prefix.addr, Ip("2001:db8::1"));
  EXPECT_EQ(c->prefix.len, 64);
  EXPECT_EQ(c->dev, "port1");
}

TEST(Addr, PeerWithLength) {
  auto c = Parse("addr add 10.0.0.1 peer 10.9.0.0/16 dev tun1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->peer->addr, Ip("10.9.0.0"));
  EXPECT_EQ(c->peer->len, 16);
}

TEST(Addr, DelForm) {
  auto c = Parse("addr del 10.65.132.187/24 dev port0");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kAddrDel);
  EXPECT_EQ(c->prefix.addr, Ip("10.65.132.187"));
  EXPECT_EQ(c->dev, "port0");
}

TEST(Addr, Errors) {
  ExpectError("addr", "addr: expected add or del");
  ExpectError("addr show", "unknown word \"show\" in addr (add, del)");
  ExpectError("addr add dev port0", "addr: expected an address");
  ExpectError("addr add 10.0.0.1", "addr: expected \"dev IFACE\"");
  ExpectError("addr add 10.0.0.1 dev", "\"dev\" needs a value");
  ExpectError("addr add 10.0.0.1 peer", "\"peer\" needs a value");
  ExpectError("addr add local", "\"local\" needs a value");
  ExpectError("addr add 10.0.0.300 dev port0", "bad prefix \"10.0.0.300\"");
  ExpectError("addr add 10.0.0.1/33 dev port0",
              "bad prefix length in \"10.0.0.1/33\" (IPv4 takes 0..32)");
  ExpectError("addr add 10.0.0.1 peer 10.0.0.400 dev tun1", "bad prefix \"10.0.0.400\"");
  ExpectError("addr add default dev port0", "bad address \"default\"");
  ExpectError("addr add 10.0.0.1 dev port0 10.0.0.2", "unknown word \"10.0.0.2\" in addr");
  ExpectError("addr add 10.0.0.1 dev port0 brd +", "unknown word \"brd\" in addr");
  ExpectError("addr add 10.0.0.1 peer 2001:db8::1 dev tun1",
              "address family mismatch: peer \"2001:db8::1/128\" for local \"10.0.0.1\"");
}

// ---- route ----

TEST(Route, DevOnly) {
  auto c = Parse("route add 10.10.200.0/24 dev tun1");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kRouteAdd);
  EXPECT_EQ(c->prefix.ToString(), "10.10.200.0/24");
  EXPECT_EQ(c->dev, "tun1");
  EXPECT_FALSE(c->via.has_value());
  EXPECT_FALSE(c->onlink);
}

TEST(Route, DefaultViaTakesTheGatewaysFamily) {
  auto v4 = Parse("ip r add default via 10.65.132.1");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->prefix.ToString(), "0.0.0.0/0");
  EXPECT_EQ(v4->via, Ip("10.65.132.1"));
  EXPECT_FALSE(v4->dev.has_value());
  auto v6 = Parse("route add default via 2001:db8::1 dev port0");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->prefix.addr.family, 6);
  EXPECT_EQ(v6->prefix.ToString(), "::/0");
  EXPECT_EQ(v6->via, Ip("2001:db8::1"));
}

TEST(Route, ViaInetWordAndOnlink) {
  auto c = Parse("route add 10.1.0.0/16 via inet 192.0.2.7 dev nbma onlink");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->via, Ip("192.0.2.7"));
  EXPECT_EQ(c->dev, "nbma");
  EXPECT_TRUE(c->onlink);
  auto c6 = Parse("route add 2001:db8:5::/48 via inet6 fe80::1 dev port0");
  ASSERT_TRUE(c6.ok()) << c6.status();
  EXPECT_EQ(c6->via, Ip("fe80::1"));
}

TEST(Route, ReplaceAndDel) {
  auto r = Parse("route replace 2001:db8:99::/48 dev sit1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->verb, Verb::kRouteReplace);
  EXPECT_EQ(r->prefix.ToString(), "2001:db8:99::/48");
  auto d = Parse("route del 10.10.200.0/24");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->verb, Verb::kRouteDel);
  EXPECT_FALSE(d->dev.has_value());
  EXPECT_FALSE(d->via.has_value());
  auto dv = Parse("route del 10.10.200.0/24 via 10.0.0.1 dev port0");
  ASSERT_TRUE(dv.ok()) << dv.status();
  EXPECT_EQ(dv->via, Ip("10.0.0.1"));
  EXPECT_EQ(dv->dev, "port0");
}

TEST(Route, Errors) {
  ExpectError("route", "route: expected add, replace or del");
  ExpectError("route show", "unknown word \"show\" in route (add, replace, del)");
  ExpectError("route re 10.0.0.0/8 dev port0", "unknown word \"re\" in route (add, replace, del)");
  ExpectError("route add", "route: expected a prefix");
  ExpectError("route add 10.0.0.1/24 dev port0",
              "prefix \"10.0.0.1/24\" has host bits set (did you mean 10.0.0.0/24?)");
  ExpectError("route add 2001:db8::1/64 dev port0",
              "prefix \"2001:db8::1/64\" has host bits set (did you mean 2001:db8::/64?)");
  ExpectError("route add 10.0.0.0/8", "route: expected \"dev IFACE\" or \"via ADDRESS\"");
  ExpectError("route add 10.0.0.0/8 onlink", "route: expected \"dev IFACE\" or \"via ADDRESS\"");
  ExpectError("route add 10.0.0.0/8 via", "\"via\" needs a value");
  ExpectError("route add 10.0.0.0/8 dev", "\"dev\" needs a value");
  ExpectError("route add 10.0.0.0/8 via 10.0.0.300", "bad IP address \"10.0.0.300\"");
  ExpectError("route add 10.0.0.0/33 dev port0",
              "bad prefix length in \"10.0.0.0/33\" (IPv4 takes 0..32)");
  ExpectError("route add 10.0.0.300/8 dev port0", "bad prefix \"10.0.0.300/8\"");
  ExpectError("route add 10.0.0.0/8 dev port0 metric 5", "unknown word \"metric\" in route");
}

// ---- neigh ----

TEST(Neigh, AddForm) {
  auto c = Parse("neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kNeighAdd);
  EXPECT_EQ(c->addr, Ip("10.65.132.188"));
  EXPECT_EQ(c->lladdr, (std::array<uint8_t, 6>{0x52, 0x54, 0x00, 0x41, 0x84, 0xbc}));
  EXPECT_EQ(c->dev, "port0");
}

TEST(Neigh, ReplaceIpv6WithNudPermanent) {
  auto c = Parse("ip n replace 2001:db8::2 lladdr 02:00:00:00:00:09 dev port1 nud permanent");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kNeighReplace);
  EXPECT_EQ(c->addr, Ip("2001:db8::2"));
  EXPECT_EQ(c->lladdr, (std::array<uint8_t, 6>{2, 0, 0, 0, 0, 9}));
  EXPECT_EQ(c->dev, "port1");
}

TEST(Neigh, DelNeedsNoLladdr) {
  auto c = Parse("neighbor del 10.0.0.2 dev port0");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->verb, Verb::kNeighDel);
  EXPECT_EQ(c->addr, Ip("10.0.0.2"));
  EXPECT_EQ(c->dev, "port0");
}

TEST(Neigh, Errors) {
  ExpectError("neigh", "neigh: expected add, replace or del");
  ExpectError("neigh flush", "unknown word \"flush\" in neigh (add, replace, del)");
  ExpectError("neigh add", "neigh: expected an address");
  ExpectError("neigh add 10.0.0.300 lladdr 02:00:00:00:00:01 dev port0",
              "bad IP address \"10.0.0.300\"");
  ExpectError("neigh add 10.0.0.2 dev port0", "neigh: expected \"lladdr MAC\"");
  ExpectError("neigh add 10.0.0.2 lladdr 02:00:00:00:00:01", "neigh: expected \"dev portN\"");
  ExpectError("neigh add 10.0.0.2 lladdr", "\"lladdr\" needs a value");
  ExpectError("neigh add 10.0.0.2 lladdr 52:54:00:41:84 dev port0",
              "bad MAC address \"52:54:00:41:84\"");
  ExpectError("neigh add 10.0.0.2 lladdr 01:00:5e:00:00:01 dev port0",
              "lladdr \"01:00:5e:00:00:01\" is not a unicast MAC address");
  ExpectError("neigh add 10.0.0.2 lladdr ff:ff:ff:ff:ff:ff dev port0",
              "lladdr \"ff:ff:ff:ff:ff:ff\" is not a unicast MAC address");
  ExpectError("neigh add 10.0.0.2 lladdr 00:00:00:00:00:00 dev port0",
              "lladdr \"00:00:00:00:00:00\" is not a unicast MAC address");
  ExpectError("neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 dev port0 nud reachable",
              "unknown word \"nud\" in neigh");
  ExpectError("neigh add 10.0.0.2 lladdr 02:00:00:00:00:01 dev port0 router",
              "unknown word \"router\" in neigh");
}

TEST(TunnelModeName, NamesEachMode) {
  EXPECT_EQ(TunnelModeName(TunnelMode::kIpip), "ipip");
  EXPECT_EQ(TunnelModeName(TunnelMode::kSit), "sit");
  EXPECT_EQ(TunnelModeName(TunnelMode::kAny), "any");
}

}  // namespace
}  // namespace gw::ctl
