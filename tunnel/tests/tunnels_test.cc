// tunnel/control: `tunnel add|change|del` and `link set` on a tunnel through Gateway::Apply, against
// real dataplane tables: each behaviour is checked where a worker would see it (the tunnel record
// and its template, the peer entries, the routes through the tunnel), and every refused command
// is checked to leave all of that unchanged. (Moved from tests/control/gateway_test.cc.)
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "control/gateway.h"
#include "tests/control/gateway_fixture.h"

namespace gw::testing {
namespace {

using absl::StatusCode;
using dp::kNhLocal;
using dp::kNhNone;
using dp::NhKind;

class TunnelsTest : public GatewayFixture {
 protected:
  // The template bytes a tunnel record should hold, written out by hand.
  static std::array<uint8_t, 20> Template(uint8_t tos, bool df, uint8_t ttl, const char* local,
                                          const char* remote) {
    std::array<uint8_t, 20> b{};
    b[0] = 0x45;
    b[1] = tos;
    b[6] = df ? 0x40 : 0x00;
    b[8] = ttl;
    const uint32_t l = Be4(local);
    const uint32_t r = remote == nullptr ? 0 : Be4(remote);
    std::memcpy(&b[12], &l, 4);
    std::memcpy(&b[16], &r, 4);
    return b;
  }
  static std::array<uint8_t, 20> TemplateOf(const dp::TunnelRec& r) {
    std::array<uint8_t, 20> b;
    std::memcpy(b.data(), &r.tmpl, 20);
    return b;
  }
};

// ---- tunnels ----

TEST_F(TunnelsTest, TunnelAddPublishesItsRecordAndPeerEntry) {
  ASSERT_TRUE(Config({"ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, 0u);
  EXPECT_EQ(r->mtu, 1480);
  EXPECT_EQ(r->bound_port, dp::kNoPort);
  EXPECT_EQ(r->carries, dp::kCarryIpv4);
  EXPECT_EQ(r->ttl, 0);
  EXPECT_FALSE(r->tos_inherit);
  EXPECT_TRUE(r->pmtudisc);
  EXPECT_FALSE(r->up);  // as in Linux, a new tunnel is down until `link set up`
  EXPECT_FALSE(r->remote_any);
  EXPECT_EQ(TemplateOf(*r), Template(0, true, 0, "10.65.132.187", "10.65.132.188"));
  EXPECT_EQ(Peer(Be4("10.65.132.188"), Be4("10.65.132.187")), 0u);
  EXPECT_EQ(Peer(0, Be4("10.65.132.187")), std::nullopt);
  EXPECT_EQ(tables_->tunnels.Get(1), nullptr);
  const ctl::Gateway::Tunnel* t = GwTunnel("tun1");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->mode, ctl::TunnelMode::kIpip);
  EXPECT_EQ(t->mtu, 1480);
  EXPECT_FALSE(t->up);
}

TEST_F(TunnelsTest, TemplateSumIsTheOnesComplementSumOfTheTemplate) {
  ASSERT_TRUE(Config({"tunnel add tun1 remote 10.65.132.188 local 10.65.132.187 ttl 64 tos 0xb8"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  // Big-endian words of the bytes we expect, summed and folded by hand.
  const auto b = Template(0xb8, true, 64, "10.65.132.187", "10.65.132.188");
  uint32_t be_sum = 0;
  for (int i = 0; i < 20; i += 2) be_sum += (b[i] << 8) | b[i + 1];
  while (be_sum >> 16) be_sum = (be_sum & 0xffff) + (be_sum >> 16);
  // tmpl_sum is kept in host word order; one's complement sums differ only by a byte swap.
  uint32_t s = r->tmpl_sum;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  const uint16_t host_folded = static_cast<uint16_t>(s);
  uint8_t bytes[2];
  std::memcpy(bytes, &host_folded, 2);
  EXPECT_EQ((bytes[0] << 8) | bytes[1], static_cast<int>(be_sum));
  // A finished header: the template plus total length 84, TTL 64, protocol 4, summed the way
  // the encap does (template sum + the words it fills in) must check out.
  uint8_t hdr[20];
  std::memcpy(hdr, b.data(), 20);
  hdr[2] = 0;
  hdr[3] = 84;
  hdr[9] = 4;
  uint16_t w1, w4, t4;
  std::memcpy(&w1, &hdr[2], 2);
  std::memcpy(&w4, &hdr[8], 2);
  std::memcpy(&t4, &b[8], 2);
  int64_t full = static_cast<int64_t>(r->tmpl_sum) + w1 + w4 - t4;
  while (full >> 16) full = (full & 0xffff) + (full >> 16);
  const uint16_t csum = static_cast<uint16_t>(~full);
  std::memcpy(&hdr[10], &csum, 2);
  uint32_t check = 0;
  for (int i = 0; i < 20; i += 2) check += (hdr[i] << 8) | hdr[i + 1];
  while (check >> 16) check = (check & 0xffff) + (check >> 16);
  EXPECT_EQ(check, 0xffffu);
}

TEST_F(TunnelsTest, TunnelOptionsReachTheRecord) {
  ASSERT_TRUE(Config({
      "link set port1 mtu 9000",
      "tunnel add t2 mode sit remote 192.0.2.2 local 192.0.2.1 ttl 64 tos 0x2a dev port1",
  }));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->carries, dp::kCarryIpv6);
  EXPECT_EQ(r->ttl, 64);
  EXPECT_FALSE(r->tos_inherit);
  EXPECT_EQ(r->bound_port, 1);
  EXPECT_EQ(r->mtu, 8980);  // the underlay's MTU less the outer header
  // The ECN bits of a fixed TOS are the packet's own: the template keeps only the DSCP.
  EXPECT_EQ(TemplateOf(*r), Template(0x28, true, 64, "192.0.2.1", "192.0.2.2"));
  EXPECT_EQ(Peer(Be4("192.0.2.2"), Be4("192.0.2.1")), 0u);
  EXPECT_EQ(GwTunnel("t2")->mtu, 8980);
  EXPECT_EQ(GwTunnel("t2")->dev, 1);
}

TEST_F(TunnelsTest, ModeAnyCarriesBothFamilies) {
  ASSERT_TRUE(Config({"tunnel add t3 mode any remote 192.0.2.2 local 192.0.2.1"}));
  EXPECT_EQ(tables_->tunnels.Get(0)->carries, dp::kCarryIpv4 | dp::kCarryIpv6);
}

TEST_F(TunnelsTest, TosInheritLeavesTheTemplateTosZero) {
  ASSERT_TRUE(Config({"tunnel add t3 remote 192.0.2.2 local 192.0.2.1 tos inherit"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  EXPECT_TRUE(r->tos_inherit);
  EXPECT_EQ(TemplateOf(*r), Template(0, true, 0, "192.0.2.1", "192.0.2.2"));
  EXPECT_EQ(GwTunnel("t3")->tos, -1);
}

TEST_F(TunnelsTest, NopmtudiscWithInheritedTtlClearsDf) {
  ASSERT_TRUE(Config({"tunnel add t3 remote 192.0.2.2 local 192.0.2.1 nopmtudisc"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  EXPECT_FALSE(r->pmtudisc);
  EXPECT_EQ(TemplateOf(*r), Template(0, false, 0, "192.0.2.1", "192.0.2.2"));
}

TEST_F(TunnelsTest, RemoteAnyIsTheWildcardPeer) {
  ASSERT_TRUE(Config({"tunnel add nbma mode ipip local 10.65.132.187"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  EXPECT_TRUE(r->remote_any);
  EXPECT_EQ(TemplateOf(*r), Template(0, true, 0, "10.65.132.187", nullptr));
  EXPECT_EQ(Peer(0, Be4("10.65.132.187")), 0u);
  EXPECT_TRUE(GwTunnel("nbma")->remote.is_any());
}

TEST_F(TunnelsTest, TunnelIdsAreHandedOutInOrder) {
  ASSERT_TRUE(Config({
      "tunnel add a remote 192.0.2.2 local 192.0.2.1",
      "tunnel add b remote 192.0.2.3 local 192.0.2.1",
      "tunnel add c remote 192.0.2.9 local 192.0.2.1",
  }));
  EXPECT_EQ(GwTunnel("a")->id, 0u);
  EXPECT_EQ(GwTunnel("b")->id, 1u);
  EXPECT_EQ(GwTunnel("c")->id, 2u);
  EXPECT_EQ(Peer(Be4("192.0.2.3"), Be4("192.0.2.1")), 1u);
  EXPECT_EQ(Peer(Be4("192.0.2.9"), Be4("192.0.2.1")), 2u);
}

TEST_F(TunnelsTest, TunnelAddRefusals) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"tunnel add nbma local 10.65.132.187"}));
  EXPECT_REFUSED("tunnel add t2 remote 192.0.2.2 local 192.0.2.1 ttl 64 nopmtudisc",
                 StatusCode::kInvalidArgument, "\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
  EXPECT_REFUSED("tunnel add tun1 remote 192.0.2.2 local 192.0.2.1", StatusCode::kAlreadyExists,
                 "tunnel \"tun1\" already exists");
  EXPECT_REFUSED("tunnel add tun2 mode sit remote 10.65.132.188 local 10.65.132.187",
                 StatusCode::kAlreadyExists,
                 "tunnel \"tun1\" already has remote 10.65.132.188 local 10.65.132.187");
  EXPECT_REFUSED("tunnel add nbma2 mode any local 10.65.132.187", StatusCode::kAlreadyExists,
                 "tunnel \"nbma\" already has remote any local 10.65.132.187");
  EXPECT_REFUSED("tunnel add port0 remote 192.0.2.2 local 192.0.2.1", StatusCode::kAlreadyExists,
                 "name \"port0\" is a port");
  EXPECT_REFUSED("tunnel add t2 remote 192.0.2.2", StatusCode::kInvalidArgument,
                 "tunnel needs \"local ADDRESS\" (IPv4)");
  EXPECT_REFUSED("tunnel add t2 remote 192.0.2.2 local 192.0.2.1 dev port7",
                 StatusCode::kNotFound, "unknown device \"port7\"");
  EXPECT_REFUSED("tunnel add t2 remote 192.0.2.2 local 192.0.2.1 dev tun1",
                 StatusCode::kInvalidArgument, "tunnel dev needs a port, \"tun1\" is a tunnel");
}

TEST_F(TunnelsTest, TunnelChangeKeepsTheIdAndSwapsTheRecord) {
  ASSERT_TRUE(SeedConfig());
  const dp::TunnelRec* before = tables_->tunnels.Get(0);
  ASSERT_NE(before, nullptr);
  const uint32_t route_nh = NhId4("10.10.200.77");
  ASSERT_TRUE(Config({"tunnel change tun1 ttl 64 tos 0x10 mode any"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r, before);  // a new record, published whole
  EXPECT_EQ(r->id, 0u);
  EXPECT_EQ(r->ttl, 64);
  EXPECT_EQ(r->carries, dp::kCarryIpv4 | dp::kCarryIpv6);
  EXPECT_TRUE(r->up);      // kept from `link set tun1 up`
  EXPECT_EQ(r->mtu, 1480);  // kept
  EXPECT_EQ(TemplateOf(*r), Template(0x10, true, 64, "10.65.132.187", "10.65.132.188"));
  EXPECT_EQ(Peer(Be4("10.65.132.188"), Be4("10.65.132.187")), 0u);
  EXPECT_EQ(GwTunnel("tun1")->id, 0u);
  EXPECT_EQ(GwTunnel("tun1")->ttl, 64);
  // Routes into the tunnel are untouched: they name the id, not the record.
  EXPECT_EQ(NhId4("10.10.200.77"), route_nh);
  EXPECT_EQ(Nh4("10.10.200.77").tunnel, 0u);
}

TEST_F(TunnelsTest, TunnelChangeOfAnEndpointRekeysThePeerTable) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"tunnel change tun1 remote 10.65.132.189"}));
  EXPECT_EQ(Peer(Be4("10.65.132.188"), Be4("10.65.132.187")), std::nullopt);
  EXPECT_EQ(Peer(Be4("10.65.132.189"), Be4("10.65.132.187")), 0u);
  EXPECT_EQ(TemplateOf(*tables_->tunnels.Get(0)),
            Template(0, true, 0, "10.65.132.187", "10.65.132.189"));
  ASSERT_TRUE(Config({"tunnel change tun1 local 10.65.132.190"}));
  EXPECT_EQ(Peer(Be4("10.65.132.189"), Be4("10.65.132.187")), std::nullopt);
  EXPECT_EQ(Peer(Be4("10.65.132.189"), Be4("10.65.132.190")), 0u);
  ASSERT_TRUE(Config({"tunnel change tun1 remote any"}));
  EXPECT_EQ(Peer(Be4("10.65.132.189"), Be4("10.65.132.190")), std::nullopt);
  EXPECT_EQ(Peer(0, Be4("10.65.132.190")), 0u);
  EXPECT_TRUE(tables_->tunnels.Get(0)->remote_any);
}

TEST_F(TunnelsTest, ANewUnderlayGivesANewDefaultMtuUnlessOneWasSet) {
  ASSERT_TRUE(Config({"link set port1 mtu 9000", "tunnel add tun1 remote 192.0.2.2 local 192.0.2.1"}));
  EXPECT_EQ(tables_->tunnels.Get(0)->mtu, 1480);
  ASSERT_TRUE(Config({"tunnel change tun1 dev port1"}));
  EXPECT_EQ(tables_->tunnels.Get(0)->mtu, 8980);  // as Linux's ip_tunnel_bind_dev
  EXPECT_EQ(tables_->tunnels.Get(0)->bound_port, 1);
  ASSERT_TRUE(Config({"link set tun1 mtu 1400", "tunnel change tun1 dev port0"}));
  EXPECT_EQ(tables_->tunnels.Get(0)->mtu, 1400);  // set by hand: kept
  EXPECT_EQ(tables_->tunnels.Get(0)->bound_port, 0);
  EXPECT_EQ(GwTunnel("tun1")->mtu, 1400);
}

TEST_F(TunnelsTest, TunnelChangeRefusals) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({"tunnel add tun2 remote 10.65.132.189 local 10.65.132.187"}));
  EXPECT_REFUSED("tunnel change tun9 ttl 3", StatusCode::kNotFound, "unknown tunnel \"tun9\"");
  EXPECT_REFUSED("tunnel change tun2 remote 10.65.132.188", StatusCode::kAlreadyExists,
                 "tunnel \"tun1\" already has remote 10.65.132.188 local 10.65.132.187");
  EXPECT_REFUSED("tunnel change tun1 nopmtudisc ttl 64", StatusCode::kInvalidArgument,
                 "\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
  EXPECT_REFUSED("tunnel change tun1 dev port7", StatusCode::kNotFound,
                 "unknown device \"port7\"");
  EXPECT_REFUSED("tunnel change tun1 dev tun2", StatusCode::kInvalidArgument,
                 "tunnel dev needs a port, \"tun2\" is a tunnel");
  ASSERT_TRUE(Config({"tunnel change tun2 nopmtudisc"}));
  EXPECT_REFUSED("tunnel change tun2 ttl 64", StatusCode::kInvalidArgument,
                 "\"nopmtudisc\" needs \"ttl inherit\" (as in Linux)");
}

TEST_F(TunnelsTest, TunnelDelTakesItsRoutesAndAddressesWithIt) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_EQ(gw_->route_count(), 4u);
  ASSERT_TRUE(Config({"tunnel del tun1"}));
  EXPECT_EQ(tables_->tunnels.Get(0), nullptr);
  EXPECT_EQ(Peer(Be4("10.65.132.188"), Be4("10.65.132.187")), std::nullopt);
  EXPECT_EQ(GwTunnel("tun1"), nullptr);
  EXPECT_EQ(NhId4("10.10.200.10"), kNhNone);  // the peer route
  EXPECT_EQ(NhId4("10.10.200.77"), kNhNone);  // route add ... dev tun1
  // 10.10.100.10 is no longer ours: it falls back to port1's network.
  const dp::NextHop& a = Nh4("10.10.100.10");
  EXPECT_EQ(a.kind, NhKind::kPort);
  EXPECT_EQ(a.port, 1);
  // The ports' addresses and routes stay.
  EXPECT_EQ(NhId4("10.65.132.187"), kNhLocal);
  EXPECT_EQ(Nh4("10.65.132.188").port, 0);
  EXPECT_EQ(NhId4("10.10.100.1"), kNhLocal);
  EXPECT_EQ(gw_->route_count(), 2u);
  // The address is free to be given again.
  ASSERT_TRUE(Config({"addr add 10.10.100.10/32 dev port1"}));
  EXPECT_EQ(NhId4("10.10.100.10"), kNhLocal);
}

TEST_F(TunnelsTest, TunnelDelLeavesOtherTunnelsAlone) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({
      "tunnel add tun2 remote 10.65.132.189 local 10.65.132.187",
      "route add 10.20.0.0/16 dev tun2",
      "addr add 10.30.0.1/32 dev tun2",
      "tunnel del tun1",
  }));
  const dp::NextHop& n = Nh4("10.20.1.5");
  EXPECT_EQ(n.kind, NhKind::kTunnel);
  EXPECT_EQ(n.tunnel, 1u);
  EXPECT_EQ(NhId4("10.30.0.1"), kNhLocal);
  EXPECT_EQ(Peer(Be4("10.65.132.189"), Be4("10.65.132.187")), 1u);
  ASSERT_NE(tables_->tunnels.Get(1), nullptr);
}

TEST_F(TunnelsTest, TunnelDelFreesTheIdForTheNextTunnel) {
  ASSERT_TRUE(SeedConfig());
  ASSERT_TRUE(Config({
      "tunnel add tun2 remote 10.65.132.189 local 10.65.132.187",
      "tunnel del tun1",
      "tunnel add tun3 remote 10.65.132.190 local 10.65.132.187",
  }));
  EXPECT_EQ(GwTunnel("tun3")->id, 0u);
  EXPECT_EQ(Peer(Be4("10.65.132.190"), Be4("10.65.132.187")), 0u);
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(TemplateOf(*r), Template(0, true, 0, "10.65.132.187", "10.65.132.190"));
  EXPECT_FALSE(r->up);
}

TEST_F(TunnelsTest, TunnelsCanComeAndGoMoreTimesThanTheTableHoldsThem) {
  for (int i = 0; i < 1100; ++i) {
    ASSERT_TRUE(Config({"tunnel add churn remote 192.0.2.2 local 192.0.2.1",
                        "route add 10.20.0.0/16 dev churn", "addr add 10.30.0.1 dev churn",
                        "tunnel del churn"}))
        << "round " << i;
  }
  EXPECT_EQ(NhId4("10.20.1.5"), kNhNone);
  EXPECT_EQ(NhId4("10.30.0.1"), kNhNone);
  EXPECT_EQ(gw_->route_count(), 0u);
}

TEST_F(TunnelsTest, TunnelDelOfAnUnknownTunnelIsRefused) {
  ASSERT_TRUE(SeedConfig());
  EXPECT_REFUSED("tunnel del tun9", StatusCode::kNotFound, "unknown tunnel \"tun9\"");
  EXPECT_REFUSED("tunnel del port0", StatusCode::kNotFound, "unknown tunnel \"port0\"");
}

// ---- link ----

TEST_F(TunnelsTest, LinkSetOnATunnelPublishesUpAndMtu) {
  ASSERT_TRUE(Config({"tunnel add tun1 remote 10.65.132.188 local 10.65.132.187",
                      "link set tun1 up mtu 1400"}));
  const dp::TunnelRec* r = tables_->tunnels.Get(0);
  EXPECT_TRUE(r->up);
  EXPECT_EQ(r->mtu, 1400);
  EXPECT_TRUE(GwTunnel("tun1")->up);
  EXPECT_EQ(GwTunnel("tun1")->mtu, 1400);
  EXPECT_TRUE(mtu_calls_.empty());  // a tunnel's MTU is ours, no port is told
  ASSERT_TRUE(Config({"link set tun1 down"}));
  EXPECT_FALSE(tables_->tunnels.Get(0)->up);
  EXPECT_EQ(tables_->tunnels.Get(0)->mtu, 1400);
  ASSERT_TRUE(Config({"link set tun1 mtu 65515"}));
  EXPECT_EQ(tables_->tunnels.Get(0)->mtu, 65515);
}

// ---- full tables: refused, and the refusal changes nothing ----

class TunnelsFullTest : public GatewayFixture {};

TEST_F(TunnelsFullTest, TheTunnelTableHoldsItsCapacity) {
  for (uint32_t i = 0; i < 1024; ++i) {
    const std::string line = absl::StrCat("tunnel add t", i, " remote 192.0.", 2 + i / 256, ".",
                                          i % 256, " local 192.0.2.1");
    ASSERT_TRUE(Run(line).ok()) << line;
  }
  EXPECT_EQ(GwTunnel("t1023")->id, 1023u);
  EXPECT_REFUSED("tunnel add one_more remote 192.0.9.9 local 192.0.2.1",
                 absl::StatusCode::kResourceExhausted,
                 "tunnel table full (1024; raise --tunnels)");
  EXPECT_EQ(Peer(Be4("192.0.9.9"), Be4("192.0.2.1")), std::nullopt);
  // Deleting one makes room again, under the freed id.
  ASSERT_TRUE(Config({"tunnel del t7", "tunnel add one_more remote 192.0.9.9 local 192.0.2.1"}));
  EXPECT_EQ(GwTunnel("one_more")->id, 7u);
  EXPECT_EQ(Peer(Be4("192.0.9.9"), Be4("192.0.2.1")), 7u);
}

// The peer buckets reach 65 buckets (260 entries) from a key's home: the 261st tunnel whose peer
// key has that home is refused although the tables have room, and the refusal leaves no trace.
TEST_F(TunnelsFullTest, APeerKeyWithNoFreeEntryNearItsHomeIsRefused) {
  const dp::PeerTable& peers = tables_->peers;
  const uint32_t local = Be4("192.0.2.1");
  std::vector<std::string> remotes;
  uint32_t home = ~0u;
  for (uint32_t r = 0x0a000001; remotes.size() < 261; ++r) {
    const uint32_t h = peers.Home(dp::PeerTable::Key(htonl(r), local));
    if (home == ~0u) home = h;
    if (h != home) continue;
    in_addr a{htonl(r)};
    remotes.push_back(inet_ntoa(a));
  }
  for (size_t i = 0; i < 260; ++i) {
    const std::string line = absl::StrCat("tunnel add p", i, " remote ", remotes[i], " local 192.0.2.1");
    ASSERT_TRUE(Run(line).ok()) << line;
  }
  EXPECT_REFUSED(absl::StrCat("tunnel add p260 remote ", remotes[260], " local 192.0.2.1"),
                 absl::StatusCode::kResourceExhausted, "peer table full (1024; raise --tunnels)");
  EXPECT_EQ(Peer(Be4(remotes[260].c_str()), local), std::nullopt);
  EXPECT_EQ(Peer(Be4(remotes[259].c_str()), local), 259u);
  // The refused add took no tunnel id: the next tunnel gets 260.
  ASSERT_TRUE(Run("tunnel add other remote 192.0.9.9 local 192.0.2.1").ok());
  EXPECT_EQ(GwTunnel("other")->id, 260u);
}

}  // namespace
}  // namespace gw::testing
