// control/net: addresses, prefixes, MACs and numbers as the command language spells them. Every
// error names the token it could not take.
#include "control/net.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

namespace gw::ctl {
namespace {

using Bytes16 = std::array<uint8_t, 16>;

void ExpectError(const absl::Status& s, const std::string& exact) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_EQ(s.message(), exact);
}

// ---- ParseIp / ParseIp4 ----

TEST(ParseIp, DottedQuadIsIpv4InNetworkOrder) {
  auto a = ParseIp("10.65.132.188");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->family, 4);
  EXPECT_EQ(a->b, (Bytes16{10, 65, 132, 188}));
  EXPECT_EQ(a->v4_host(), 0x0a4184bcu);
  const uint8_t be[4] = {10, 65, 132, 188};
  uint32_t be_word;
  std::memcpy(&be_word, be, 4);
  EXPECT_EQ(a->v4_be(), be_word);
  EXPECT_EQ(a->ToString(), "10.65.132.188");
  EXPECT_EQ(a->max_len(), 32);
  EXPECT_FALSE(a->is_any());
}

TEST(ParseIp, ColonFormIsIpv6) {
  auto a = ParseIp("2001:db8::1");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->family, 6);
  EXPECT_EQ(a->b, (Bytes16{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(a->ToString(), "2001:db8::1");
  EXPECT_EQ(a->max_len(), 128);
}

TEST(ParseIp, Ipv4MappedIpv6StaysIpv6) {
  auto a = ParseIp("::ffff:10.0.0.1");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->family, 6);
  EXPECT_EQ(a->b, (Bytes16{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}));
}

TEST(ParseIp, RejectsAnOctetAbove255NamingTheToken) {
  ExpectError(ParseIp("10.0.0.300").status(), "bad IP address \"10.0.0.300\"");
}

TEST(ParseIp, RejectsWordsEmptyAndPrefixes) {
  ExpectError(ParseIp("port0").status(), "bad IP address \"port0\"");
  ExpectError(ParseIp("").status(), "bad IP address \"\"");
  ExpectError(ParseIp("10.0.0.0/8").status(), "bad IP address \"10.0.0.0/8\"");
  ExpectError(ParseIp("10.0.0").status(), "bad IP address \"10.0.0\"");
  ExpectError(ParseIp("2001:db8:::1").status(), "bad IP address \"2001:db8:::1\"");
}

TEST(ParseIp4, AcceptsIpv4) {
  auto a = ParseIp4("192.0.2.1");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->family, 4);
  EXPECT_EQ(a->v4_host(), 0xc0000201u);
}

TEST(ParseIp4, RejectsIpv6AndGarbageAsIpv4Errors) {
  ExpectError(ParseIp4("10.0.0.300").status(), "bad IPv4 address \"10.0.0.300\"");
  ExpectError(ParseIp4("2001:db8::1").status(), "bad IPv4 address \"2001:db8::1\"");
  ExpectError(ParseIp4("any").status(), "bad IPv4 address \"any\"");
}

TEST(IpAddr, V4BuildsFromNetworkOrderAndAnyPrintsAsAny) {
  const uint8_t be[4] = {198, 51, 100, 7};
  uint32_t w;
  std::memcpy(&w, be, 4);
  IpAddr a = IpAddr::V4(w);
  EXPECT_EQ(a.family, 4);
  EXPECT_EQ(a.ToString(), "198.51.100.7");
  EXPECT_EQ(IpAddr{}.ToString(), "any");
  EXPECT_TRUE(IpAddr{}.is_any());
}

// ---- ParsePrefix ----

TEST(ParsePrefix, AddressAloneIsAHostPrefix) {
  auto p = ParsePrefix("10.10.100.10");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->addr.family, 4);
  EXPECT_EQ(p->len, 32);
  EXPECT_EQ(p->ToString(), "10.10.100.10/32");
  auto p6 = ParsePrefix("2001:db8::5");
  ASSERT_TRUE(p6.ok()) << p6.status();
  EXPECT_EQ(p6->len, 128);
}

TEST(ParsePrefix, KeepsHostBitsAndLength) {
  auto p = ParsePrefix("10.65.132.187/24");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->addr.ToString(), "10.65.132.187");
  EXPECT_EQ(p->len, 24);
  EXPECT_EQ(p->Masked().ToString(), "10.65.132.0/24");
}

TEST(ParsePrefix, LengthBoundsAreInclusive) {
  auto zero = ParsePrefix("0.0.0.0/0");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->len, 0);
  auto full6 = ParsePrefix("2001:db8::1/128");
  ASSERT_TRUE(full6.ok());
  EXPECT_EQ(full6->len, 128);
}

TEST(ParsePrefix, DefaultIsTheZeroPrefixOfTheRequestedFamily) {
  auto d4 = ParsePrefix("default");
  ASSERT_TRUE(d4.ok());
  EXPECT_EQ(d4->addr.family, 4);
  EXPECT_EQ(d4->len, 0);
  EXPECT_EQ(d4->ToString(), "0.0.0.0/0");
  auto d6 = ParsePrefix("default", 6);
  ASSERT_TRUE(d6.ok());
  EXPECT_EQ(d6->addr.family, 6);
  EXPECT_EQ(d6->len, 0);
  EXPECT_EQ(d6->ToString(), "::/0");
}

TEST(ParsePrefix, RejectsLength33ForIpv4) {
  ExpectError(ParsePrefix("10.0.0.0/33").status(),
              "bad prefix length in \"10.0.0.0/33\" (IPv4 takes 0..32)");
}

TEST(ParsePrefix, RejectsLength129ForIpv6) {
  ExpectError(ParsePrefix("2001:db8::/129").status(),
              "bad prefix length in \"2001:db8::/129\" (IPv6 takes 0..128)");
}

TEST(ParsePrefix, RejectsEmptyNegativeAndNonNumericLengths) {
  ExpectError(ParsePrefix("10.0.0.0/").status(),
              "bad prefix length in \"10.0.0.0/\" (IPv4 takes 0..32)");
  ExpectError(ParsePrefix("10.0.0.0/-1").status(),
              "bad prefix length in \"10.0.0.0/-1\" (IPv4 takes 0..32)");
  ExpectError(ParsePrefix("10.0.0.0/x").status(),
              "bad prefix length in \"10.0.0.0/x\" (IPv4 takes 0..32)");
  ExpectError(ParsePrefix("10.0.0.0/8/9").status(),
              "bad prefix length in \"10.0.0.0/8/9\" (IPv4 takes 0..32)");
}

TEST(ParsePrefix, RejectsABadAddressNamingTheWholeToken) {
  ExpectError(ParsePrefix("10.0.0.300/24").status(), "bad prefix \"10.0.0.300/24\"");
  ExpectError(ParsePrefix("tun1").status(), "bad prefix \"tun1\"");
}

TEST(IpPrefix, MaskedClearsExactlyTheHostBits) {
  auto p = ParsePrefix("10.255.255.255/9");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Masked().addr.ToString(), "10.128.0.0");
  auto q = ParsePrefix("2001:db8:ffff:ffff::1/35");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->Masked().addr.ToString(), "2001:db8:e000::");
  auto z = ParsePrefix("255.255.255.255/0");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->Masked().addr.ToString(), "0.0.0.0");
}

TEST(IpPrefix, ContainsChecksFamilyAndNetwork) {
  auto p = ParsePrefix("192.0.2.0/24");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->Contains(*ParseIp("192.0.2.255")));
  EXPECT_FALSE(p->Contains(*ParseIp("192.0.3.0")));
  EXPECT_FALSE(p->Contains(*ParseIp("::ffff:192.0.2.1")));
  auto host = ParsePrefix("192.0.2.7/32");
  EXPECT_TRUE(host->Contains(*ParseIp("192.0.2.7")));
  EXPECT_FALSE(host->Contains(*ParseIp("192.0.2.6")));
}

// ---- ParseMac ----

TEST(ParseMac, ColonHexEitherCase) {
  auto m = ParseMac("52:54:00:41:84:BC");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(*m, (std::array<uint8_t, 6>{0x52, 0x54, 0x00, 0x41, 0x84, 0xbc}));
  EXPECT_EQ(MacToString(*m), "52:54:00:41:84:bc");
}

TEST(ParseMac, RejectsWrongLengthSeparatorsAndDigits) {
  ExpectError(ParseMac("52:54:00:41:84").status(), "bad MAC address \"52:54:00:41:84\"");
  ExpectError(ParseMac("52:54:00:41:84:bc:01").status(),
              "bad MAC address \"52:54:00:41:84:bc:01\"");
  ExpectError(ParseMac("52-54-00-41-84-bc").status(), "bad MAC address \"52-54-00-41-84-bc\"");
  ExpectError(ParseMac("52:54:00:41:84:bg").status(), "bad MAC address \"52:54:00:41:84:bg\"");
  ExpectError(ParseMac("5:254:00:41:84:bc").status(), "bad MAC address \"5:254:00:41:84:bc\"");
  ExpectError(ParseMac("+2:54:00:41:84:bc").status(), "bad MAC address \"+2:54:00:41:84:bc\"");
}

// ---- ParseUint ----

TEST(ParseUint, DecimalAndHexWithinBounds) {
  EXPECT_EQ(*ParseUint("64", 0, 255, "ttl"), 64u);
  EXPECT_EQ(*ParseUint("0x28", 0, 255, "tos"), 40u);
  EXPECT_EQ(*ParseUint("0XfF", 0, 255, "tos"), 255u);
  EXPECT_EQ(*ParseUint("68", 68, 65535, "mtu"), 68u);
  EXPECT_EQ(*ParseUint("65535", 68, 65535, "mtu"), 65535u);
  EXPECT_EQ(*ParseUint("0", 0, 255, "ttl"), 0u);
}

TEST(ParseUint, RejectsOutOfRangeNamingWhatTokenAndRange) {
  ExpectError(ParseUint("256", 0, 255, "ttl").status(), "bad ttl \"256\" (0..255)");
  ExpectError(ParseUint("67", 68, 65535, "mtu").status(), "bad mtu \"67\" (68..65535)");
  ExpectError(ParseUint("0x100", 0, 255, "tos").status(), "bad tos \"0x100\" (0..255)");
}

TEST(ParseUint, RejectsSignsEmptyBareHexPrefixAndOverflow) {
  ExpectError(ParseUint("-1", 0, 255, "ttl").status(), "bad ttl \"-1\" (0..255)");
  ExpectError(ParseUint("+1", 0, 255, "ttl").status(), "bad ttl \"+1\" (0..255)");
  ExpectError(ParseUint("", 0, 255, "ttl").status(), "bad ttl \"\" (0..255)");
  ExpectError(ParseUint("0x", 0, 255, "ttl").status(), "bad ttl \"0x\" (0..255)");
  ExpectError(ParseUint("12abc", 0, 255, "ttl").status(), "bad ttl \"12abc\" (0..255)");
  ExpectError(ParseUint("4294967296", 0, 0xffffffffu, "n").status(),
              "bad n \"4294967296\" (0..4294967295)");
}

}  // namespace
}  // namespace gw::ctl
