// dataplane/burst: the burst stage decides nothing. Whatever it looked up ahead (the route of the
// destination, of an IPIP packet's inner destination, the peer), the walk gives the same frame,
// egress port and counters as without it, on every kind of packet.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

class BurstStageTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({"tunnel add sit1 mode sit remote 10.65.132.189 local 10.65.132.187",
                        "link set sit1 up", "addr add 2001:db8:1::1/64 dev port1",
                        "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1"}));
  }

  struct Case {
    const char* what;
    uint16_t in_port;
    Bytes frame;
  };

  static std::vector<Case> Cases() {
    const Ip4 to_tunnel{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 64, .proto = 17,
                        .payload = Payload(32)};
    const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                    .payload = Payload(40)};
    const Ip6 inner6{.src = "2001:db8:99::1", .dst = "2001:db8:1::2", .next = 17, .hop = 64,
                     .payload = Payload(16)};
    auto from_node = [](const Bytes& in, uint8_t proto, const char* src, const char* dst) {
      const Ip4 o{.src = src, .dst = dst, .ttl = 64, .proto = proto, .payload = in};
      return Eth(kP0, kNode2Mac, kEthIpv4, o.Build());
    };
    const Ip4 plain{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 64, .proto = 17,
                    .payload = Payload(16)};
    const Ip4 no_route{.src = "10.10.100.2", .dst = "8.8.8.8", .ttl = 64, .proto = 17,
                       .payload = Payload(16)};
    const Ip4 ttl1{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 1, .proto = 17,
                   .payload = Payload(16)};
    return {
        {"encap", 1, Eth(kP1, kHostAMac, kEthIpv4, to_tunnel.Build())},
        {"decap 4in4", 0, from_node(inner.Build(), 4, "10.65.132.188", "10.65.132.187")},
        {"decap 6in4", 0, from_node(inner6.Build(), 41, "10.65.132.189", "10.65.132.187")},
        {"unknown peer", 0, from_node(inner.Build(), 4, "10.65.132.200", "10.65.132.187")},
        {"IPIP in transit", 1, from_node(inner.Build(), 4, "10.10.100.2", "10.65.132.188")},
        {"plain route", 1, Eth(kP1, kHostAMac, kEthIpv4, plain.Build())},
        {"no route", 1, Eth(kP1, kHostAMac, kEthIpv4, no_route.Build())},
        {"ttl 1", 1, Eth(kP1, kHostAMac, kEthIpv4, ttl1.Build())},
        {"truncated", 1, Bytes(20, 0x45)},
    };
  }

  struct Result {
    std::vector<Out> outs;
    std::string drops;
    uint64_t encap = 0;
    uint64_t decap = 0;
  };

  Result RunAll(Stage stage) {
    stage_ = stage;
    Result r;
    for (const Case& c : Cases()) r.outs.push_back(Walk(c.in_port, c.frame));
    r.drops = Drops();
    for (uint32_t id = 0; id < 4; ++id) {
      r.encap += Tc(id).encap_packets;
      r.decap += Tc(id).decap_packets;
    }
    ResetCounters();
    ip_id_ = 0;
    return r;
  }

  void ExpectSameAsWithout(Stage stage) {
    const Result without = RunAll(Stage::kNone);
    const Result with = RunAll(stage);
    const std::vector<Case> cases = Cases();
    ASSERT_EQ(without.outs.size(), with.outs.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(with.outs[i].port, without.outs[i].port) << cases[i].what;
      EXPECT_FRAME(with.outs[i].frame, without.outs[i].frame) << cases[i].what;
    }
    EXPECT_EQ(with.drops, without.drops);
    EXPECT_EQ(with.encap, without.encap);
    EXPECT_EQ(with.decap, without.decap);
    EXPECT_NE(without.drops, "");  // (the cases do include drops)
    EXPECT_EQ(without.encap, 1u);
    EXPECT_EQ(without.decap, 2u);
  }
};

TEST_F(BurstStageTest, BulkLookupChangesNothing) { ExpectSameAsWithout(Stage::kLookup); }

TEST_F(BurstStageTest, PrefetchChangesNothing) { ExpectSameAsWithout(Stage::kPrefetch); }

TEST_F(BurstStageTest, PrefetchChangesNothingWithTheWorkerCaches) {
  UseWorkerCaches();
  ExpectSameAsWithout(Stage::kPrefetch);
  ExpectSameAsWithout(Stage::kPrefetch);  // (now from the caches the first round filled)
}

// Encap reuses how the burst's last packet into the same tunnel left (TunnelMemo), decap the last
// peer's answers (PeerMemo). Packets that must not take those shortcuts (another family, too big,
// TTL 1, `remote any`, another peer, a protocol the tunnel does not carry) and the ones that may,
// walked as one burst, leave exactly as each walked alone.
TEST_F(BurstStageTest, TheTunnelMemoChangesNothing) {
  ASSERT_TRUE(Config({"route add 2001:db8:77::/48 dev tun1",
                      "tunnel add any0 mode ipip remote any local 10.65.132.187",
                      "link set any0 up", "route add 10.20.1.0/24 dev any0 via 10.65.132.188",
                      "route add 10.20.2.0/24 dev any0 via 10.65.132.199",
                      "neigh add 10.65.132.199 lladdr 52:54:00:41:84:c7 dev port0"}));
  auto ip4 = [](const char* dst, uint8_t ttl, size_t payload, bool df) {
    const Ip4 p{.src = "10.10.100.2", .dst = dst, .ttl = ttl, .proto = 17,
                .flags_frag = static_cast<uint16_t>(df ? 0x4000 : 0), .payload = Payload(payload)};
    return std::make_pair(uint16_t{1}, Eth(kP1, kHostAMac, kEthIpv4, p.Build()));
  };
  const Ip6 v6{.src = "2001:db8:1::2", .dst = "2001:db8:77::1", .next = 17, .hop = 64,
               .payload = Payload(16)};
  const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                  .payload = Payload(40)};
  const Ip4 outer{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                  .payload = inner.Build()};
  const Ip4 inner2{.src = "10.10.200.9", .dst = "10.10.100.2", .ttl = 9, .proto = 17,
                   .payload = Payload(12)};
  const Ip4 outer2{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                   .payload = inner2.Build()};
  const Ip6 in6{.src = "2001:db8:99::1", .dst = "2001:db8:1::2", .next = 17, .hop = 64,
                .payload = Payload(16)};
  const Ip4 six_in_ipip{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 41,
                        .payload = in6.Build()};
  const Ip4 six_in_sit{.src = "10.65.132.189", .dst = "10.65.132.187", .ttl = 64, .proto = 41,
                       .payload = in6.Build()};
  const Ip4 stranger{.src = "10.65.132.200", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                     .payload = inner.Build()};
  auto from_node = [](const Ip4& o) {
    return std::make_pair(uint16_t{0}, Eth(kP0, kNode2Mac, kEthIpv4, o.Build()));
  };
  const std::vector<std::pair<uint16_t, Bytes>> burst = {
      ip4("10.10.200.5", 64, 32, true),     // resolves tun1
      ip4("10.10.200.6", 64, 100, false),   // the same tunnel: reused
      {1, Eth(kP1, kHostAMac, kEthIpv6, v6.Build())},  // tun1 is ipip: mode_mismatch
      ip4("10.10.200.5", 64, 1480, true),   // over the tunnel MTU: fragmentation needed
      ip4("10.10.200.5", 1, 32, true),      // TTL 1: time exceeded
      from_node(outer),        // decap in between: resolves the peer
      from_node(outer2),       // the same peer: reused
      from_node(six_in_ipip),  // the same peer, protocol 41 on an IPIP tunnel: mode_mismatch
      from_node(six_in_sit),   // another peer (sit1)
      from_node(stranger),     // no tunnel of its own: the wildcard peer (any, local), any0
      from_node(outer),
      ip4("10.10.200.7", 7, 20, false),     // tun1 again
      ip4("10.20.1.1", 64, 32, true),       // remote any: outer dst from each route
      ip4("10.20.2.1", 64, 32, true),
      ip4("10.20.1.2", 64, 32, true),
  };
  auto run = [&](bool one_burst) {
    ResetCounters();
    ip_id_ = 0;
    dp::TunnelMemo memo;
    burst_memo_ = one_burst ? &memo : nullptr;
    burst_peer_memo_ = dp::PeerMemo{};
    std::vector<Out> outs;
    for (const auto& [port, frame] : burst) outs.push_back(Walk(port, frame));
    burst_memo_ = nullptr;
    return std::make_tuple(outs, Drops(), memo.id, burst_peer_memo_.id);
  };
  const auto [alone, alone_drops, unused, unused_peer] = run(false);
  const auto [together, together_drops, memo_id, peer_memo_id] = run(true);
  ASSERT_EQ(alone.size(), together.size());
  for (size_t i = 0; i < alone.size(); ++i) {
    EXPECT_EQ(together[i].port, alone[i].port) << "packet " << i;
    EXPECT_FRAME(together[i].frame, alone[i].frame) << "packet " << i;
  }
  EXPECT_EQ(together_drops, alone_drops);
  EXPECT_EQ(alone_drops, "ttl_exceeded=1 mtu_exceeded=1 mode_mismatch=2");
  EXPECT_EQ(memo_id, GwTunnel("tun1")->id);  // (the memos were made, and any0 never replaced it)
  EXPECT_EQ(peer_memo_id, GwTunnel("tun1")->id);
  EXPECT_EQ(alone[1].port, 0);
  EXPECT_EQ(alone[6].port, 1);   // the reused peer
  EXPECT_EQ(alone[8].port, 1);   // sit1
  EXPECT_EQ(alone[9].port, 1);   // any0
  EXPECT_EQ(alone[12].port, 0);  // remote any
}

}  // namespace
}  // namespace gw::testing
