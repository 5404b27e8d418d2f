// tunnel/datapath/encap.h (EncapPathMtu), fast.h and icmp_error.h: what a worker does with a path
// MTU the control thread learned (the limit, the outer DF when locked or too small for IPv6, per
// remote for `remote any`; the vector walk's fast stage leaves such tunnels to the scalar walk),
// and with the ICMP errors it receives about its own outer packets (refused, handed to the
// control thread, relayed to the inner source). Frames are written out in full.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

inline constexpr Mac kRouterMac = {0x52, 0x54, 0x00, 0x00, 0x00, 0x01};  // 10.65.132.1, port0
inline constexpr Mac kNode90Mac = {0x52, 0x54, 0x00, 0x00, 0x00, 0x90};
inline constexpr Mac kNode91Mac = {0x52, 0x54, 0x00, 0x00, 0x00, 0x91};

class PmtuWalkTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());  // tun1: ipip 10.65.132.187 -> .188, 10.10.200.0/24 through it
    io_store_.icmp.Init(1000, 50);
    io_ = &io_store_;
  }
  void TearDown() override {
    if (punt_ != nullptr) {
      void* m;
      while (rte_ring_dequeue(punt_, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
      rte_ring_free(punt_);
    }
    WalkFixture::TearDown();
  }
  bool Learn(const char* tunnel, const char* remote, uint16_t mtu) {
    return gw_->mutable_tunnel_config().LearnPathMtu(tunnel, Be4(remote), mtu, 1500);
  }
  // Host A's UDP packet of `size` bytes to `dst`, DF as given.
  static Ip4 Udp(size_t size, bool df, const char* dst = "10.10.200.5", uint8_t ttl = 64) {
    return Ip4{.src = "10.10.100.2",
               .dst = dst,
               .ttl = ttl,
               .proto = 17,
               .id = 0x4242,
               .flags_frag = static_cast<uint16_t>(df ? 0x4000 : 0),
               .payload = Payload(size - 20)};
  }
  static Bytes FromHostA(const Bytes& ip, uint16_t type = kEthIpv4) {
    return Eth(kP1, kHostAMac, type, ip);
  }
  // Outer header toward `remote` around `inner` (already routed), as tun1 writes it.
  static Bytes Outer(const Bytes& inner, uint8_t ttl, uint16_t flags, uint16_t id,
                     const char* remote = "10.65.132.188", uint8_t proto = 4) {
    return Ip4{.src = "10.65.132.187",
               .dst = remote,
               .ttl = ttl,
               .proto = proto,
               .id = id,
               .flags_frag = flags,
               .payload = inner}
        .Build();
  }
  // RFC 792 / 1191 message: type, code, checksum, MTU in the low 16 of the second word, quote.
  static Bytes IcmpMessage(uint8_t type, uint8_t code, uint16_t mtu, const Bytes& quoted) {
    Bytes b = {type, code, 0, 0, 0, 0, static_cast<uint8_t>(mtu >> 8), static_cast<uint8_t>(mtu)};
    b.insert(b.end(), quoted.begin(), quoted.end());
    const uint16_t c = InetChecksum(b.data(), b.size());
    b[2] = static_cast<uint8_t>(c >> 8);
    b[3] = static_cast<uint8_t>(c);
    return b;
  }
  // The underlay router's ICMP error to `to`, quoting the first `cut` bytes of `quoted`.
  static Bytes FromRouter(uint8_t type, uint8_t code, uint16_t mtu, const Bytes& quoted,
                          size_t cut = 548, const char* to = "10.65.132.187") {
    const Bytes q(quoted.begin(), quoted.begin() + std::min(cut, quoted.size()));
    return Eth(kP0, kRouterMac, kEthIpv4,
               Ip4{.src = "10.65.132.1",
                   .dst = to,
                   .tos = 0xc0,
                   .proto = 1,
                   .id = 7,
                   .payload = IcmpMessage(type, code, mtu, q)}
                   .Build());
  }
  // What host A gets back from the gateway's port1 address: ICMP type/code about `quoted`.
  static Bytes ToHostA(uint8_t type, uint8_t code, uint16_t mtu, const Bytes& quoted,
                       uint16_t id = 0) {
    const Bytes q(quoted.begin(), quoted.begin() + std::min<size_t>(548, quoted.size()));
    return Eth(kHostAMac, kP1, kEthIpv4,
               Ip4{.src = "10.10.100.1",
                   .dst = "10.10.100.2",
                   .tos = 0xc0,
                   .ttl = 64,
                   .proto = 1,
                   .id = id,
                   .payload = IcmpMessage(type, code, mtu, q)}
                   .Build());
  }
  void UsePuntRing() {
    ASSERT_GE(dp::RegisterPuntMeta(), 0);
    punt_ = rte_ring_create("gwunit_pmtu_punt", 2048, SOCKET_ID_ANY, RING_F_SC_DEQ);
    ASSERT_NE(punt_, nullptr);
    io_store_.punt = punt_;
  }
  uint64_t Event(dp::Event e) const { return counters_->events[static_cast<size_t>(e)]; }

  dp::WorkerIo io_store_;
  rte_ring* punt_ = nullptr;
};

TEST_F(PmtuWalkTest, AFixedRemotesPathMtuIsTheLimit) {
  ASSERT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  const Out fits = Walk(1, FromHostA(Udp(1380, true).Build()));
  ASSERT_EQ(fits.port, 0);
  EXPECT_FRAME(fits.frame, Eth(kNode2Mac, kP0, kEthIpv4,
                               Outer(Udp(1380, true, "10.10.200.5", 63).Build(), 63, 0x4000, 0)));
  const Out big = Walk(1, FromHostA(Udp(1381, true).Build()));
  ASSERT_EQ(big.port, 1);
  EXPECT_FRAME(big.frame, ToHostA(3, 4, 1380, Udp(1381, true).Build()));
  EXPECT_EQ(Drops(), "mtu_exceeded=1");
}

TEST_F(PmtuWalkTest, ALockedPathMtuClearsTheOuterDf) {
  ASSERT_TRUE(Learn("tun1", "10.65.132.188", 100));  // below 552: 552, locked
  ip_id_ = 0x0100;
  const Out fits = Walk(1, FromHostA(Udp(532, true).Build()));
  ASSERT_EQ(fits.port, 0);
  // No DF (Linux: ip_mtu_locked), so the id is the worker's counter.
  EXPECT_FRAME(fits.frame, Eth(kNode2Mac, kP0, kEthIpv4,
                               Outer(Udp(532, true, "10.10.200.5", 63).Build(), 63, 0, 0x0100)));
  // The same through one burst's memo: still not remembered as fast.
  dp::TunnelMemo memo;
  burst_memo_ = &memo;
  const Out again = Walk(1, FromHostA(Udp(100, true).Build()));
  ASSERT_EQ(again.port, 0);
  EXPECT_EQ(memo.id, dp::kNoMemo);
  EXPECT_EQ(again.frame[14 + 6], 0x00);  // flags: no DF
  burst_memo_ = nullptr;
  const Out big = Walk(1, FromHostA(Udp(533, true).Build()));
  ASSERT_EQ(big.port, 1);
  // (The error has no DF either: the next id of the worker's counter.)
  EXPECT_FRAME(big.frame, ToHostA(3, 4, 532, Udp(533, true).Build(), 0x0102));
  EXPECT_EQ(Drops(), "mtu_exceeded=1");
}

TEST_F(PmtuWalkTest, AnIpv6InnerGets1280AndNoDfWhenThePathIsSmaller) {
  ASSERT_TRUE(Config({"tunnel change tun1 mode any", "route add 2001:db8:98::/48 dev tun1",
                      "addr add 2001:db8:1::1/64 dev port1",
                      "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:06 dev port1"}));
  ASSERT_TRUE(Learn("tun1", "10.65.132.188", 1200));
  const Mac host6 = {0x52, 0x54, 0x00, 0x0a, 0x64, 0x06};
  auto v6 = [](size_t size, uint8_t hop = 64) {
    return Ip6{.src = "2001:db8:1::2",
               .dst = "2001:db8:98::7",
               .next = 17,
               .hop = hop,
               .payload = Payload(size - 40)};
  };
  ip_id_ = 7;
  const Out fits = Walk(1, Eth(kP1, host6, kEthIpv6, v6(1280).Build()));
  ASSERT_EQ(fits.port, 0);
  EXPECT_FRAME(fits.frame, Eth(kNode2Mac, kP0, kEthIpv4,
                               Outer(v6(1280, 63).Build(), 63, 0, 7, "10.65.132.188", 41)));
  const Out big = Walk(1, Eth(kP1, host6, kEthIpv6, v6(1281).Build()));
  ASSERT_EQ(big.port, 1);
  ASSERT_GE(big.frame.size(), 62u);
  EXPECT_EQ(big.frame[54], 2);  // packet too big
  EXPECT_EQ((big.frame[58] << 24 | big.frame[59] << 16 | big.frame[60] << 8 | big.frame[61]), 1280);
  // IPv4 keeps the path's limit, and DF.
  const Out v4 = Walk(1, FromHostA(Udp(1180, true).Build()));
  ASSERT_EQ(v4.port, 0);
  EXPECT_FRAME(v4.frame, Eth(kNode2Mac, kP0, kEthIpv4,
                             Outer(Udp(1180, true, "10.10.200.5", 63).Build(), 63, 0x4000, 0)));
  EXPECT_EQ(Walk(1, FromHostA(Udp(1181, true).Build())).port, 1);
  EXPECT_EQ(Drops(), "mtu_exceeded=2");
}

TEST_F(PmtuWalkTest, RemoteAnyAsksForThePathMtuOfThePacketsRemote) {
  ASSERT_TRUE(
      Config({"tunnel add tunl0 mode ipip remote any local 10.65.132.187", "link set tunl0 up",
              "neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0",
              "neigh add 10.65.132.191 lladdr 52:54:00:00:00:91 dev port0",
              "route add 10.244.5.0/24 via 10.65.132.190 dev tunl0 onlink",
              "route add 10.244.6.0/24 via 10.65.132.191 dev tunl0 onlink"}));
  ASSERT_TRUE(Learn("tunl0", "10.65.132.190", 1400));
  const Out big5 = Walk(1, FromHostA(Udp(1381, true, "10.244.5.7").Build()));
  ASSERT_EQ(big5.port, 1);
  EXPECT_FRAME(big5.frame, ToHostA(3, 4, 1380, Udp(1381, true, "10.244.5.7").Build()));
  const Out big6 = Walk(1, FromHostA(Udp(1381, true, "10.244.6.9").Build()));
  ASSERT_EQ(big6.port, 0);
  EXPECT_FRAME(big6.frame, Eth(kNode91Mac, kP0, kEthIpv4,
                               Outer(Udp(1381, true, "10.244.6.9", 63).Build(), 63, 0x4000, 0,
                                     "10.65.132.191")));
  const Out fits5 = Walk(1, FromHostA(Udp(1380, true, "10.244.5.7").Build()));
  ASSERT_EQ(fits5.port, 0);
  EXPECT_FRAME(fits5.frame, Eth(kNode90Mac, kP0, kEthIpv4,
                                Outer(Udp(1380, true, "10.244.5.7", 63).Build(), 63, 0x4000, 0,
                                      "10.65.132.190")));
  EXPECT_EQ(Drops(), "mtu_exceeded=1");
}

TEST_F(PmtuWalkTest, TheFastStageLeavesSlowTunnelsToTheScalarWalk) {
  dp::Ctx ctx(*tables_, counters_.get(), 0);
  ctx.NewBurst();
  dp::EncapPlan plan;
  dp::TunnelFastPath::PlanEncap(ctx, 0, &plan);
  EXPECT_TRUE(plan.ok);
  EXPECT_EQ(plan.limit, 1480);
  ASSERT_TRUE(Learn("tun1", "10.65.132.188", 1400));
  ctx.NewBurst();
  dp::TunnelFastPath::PlanEncap(ctx, 0, &plan);
  EXPECT_TRUE(plan.ok);  // a lower limit is all it takes
  EXPECT_EQ(plan.limit, 1380);
  ASSERT_TRUE(Learn("tun1", "10.65.132.188", 300));  // locked: DF clear, not the fast stage's
  ctx.NewBurst();
  dp::TunnelFastPath::PlanEncap(ctx, 0, &plan);
  EXPECT_FALSE(plan.ok);
}

// ---- ICMP errors received ----

TEST_F(PmtuWalkTest, FragNeededAboutOursGoesToTheControlThread) {
  UsePuntRing();
  const Bytes ours = Outer(Udp(1480, true, "10.10.200.5", 63).Build(), 63, 0x4000, 0);
  const Out o = Walk(0, FromRouter(3, 4, 1400, ours));
  EXPECT_EQ(o.port, dp::kConsumed);
  EXPECT_EQ(Drops(), "");
  EXPECT_EQ(Event(dp::Event::punted), 1u);
  void* p;
  ASSERT_EQ(rte_ring_dequeue(punt_, &p), 0);
  auto* m = static_cast<rte_mbuf*>(p);
  EXPECT_EQ(dp::Meta(m)->kind, dp::PuntKind::kPmtu);
  EXPECT_EQ(dp::Meta(m)->port, 0);
  EXPECT_EQ(*rte_pktmbuf_mtod(m, const uint8_t*), 0x45);  // at the ICMP's IPv4 header
  // As the control thread takes it.
  gw_->mutable_tunnel_config().PathMtuMessage(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len,
                                              1500, *counters_);
  rte_pktmbuf_free(m);
  EXPECT_EQ(Event(dp::Event::pmtu_learned), 1u);
  EXPECT_EQ(gw_->tunnel_config().Find("tun1")->pmtu.at(Be4("10.65.132.188")).mtu, 1400);
  // Known now: a higher MTU is not the control thread's business; a lower one is.
  EXPECT_EQ(Walk(0, FromRouter(3, 4, 1450, ours)).port, dp::kDropped);
  EXPECT_EQ(Drops(), "icmp_handled=1");
  EXPECT_EQ(Walk(0, FromRouter(3, 4, 1300, ours)).port, dp::kConsumed);
  EXPECT_EQ(rte_ring_count(punt_), 1u);
}

TEST_F(PmtuWalkTest, ErrorsNotAboutOursAreRefused) {
  UsePuntRing();
  const Bytes inner = Udp(100, true, "10.10.200.5", 63).Build();
  struct Case {
    const char* what;
    Bytes frame;
  } cases[] = {
      {"quoted source not ours",
       FromRouter(
           3, 4, 1400,
           Ip4{.src = "10.65.132.50", .dst = "10.65.132.188", .proto = 4, .payload = inner}.Build(),
           548, "10.65.132.187")},
      {"sent to another address of ours",
       FromRouter(3, 4, 1400, Outer(inner, 63, 0x4000, 0), 548, "10.10.100.1")},
      {"no tunnel to that remote",
       FromRouter(3, 4, 1400, Outer(inner, 63, 0x4000, 0, "10.65.132.199"))},
      {"remote not unicast",
       FromRouter(3, 4, 1400, Outer(inner, 63, 0x4000, 0, "255.255.255.255"))},
      {"protocol the tunnel does not carry",
       FromRouter(11, 0, 0, Outer(inner, 63, 0x4000, 0, "10.65.132.188", 41))},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    ExpectDrop(0, c.frame, Drop::icmp_refused);
  }
  EXPECT_EQ(rte_ring_count(punt_), 0u);
  // Not a tunnel's: the core's answer.
  ExpectDrop(
      0,
      FromRouter(
          3, 4, 1400,
          Ip4{.src = "10.65.132.187", .dst = "10.65.132.188", .proto = 17, .payload = Payload(8)}
              .Build()),
      Drop::local_unsupported);
  Bytes broken = Outer(inner, 63, 0x4000, 0);
  broken[0] = 0x46;  // IHL 6: more header than the 20 bytes quoted
  ExpectDrop(0, FromRouter(3, 4, 1400, broken, 20), Drop::local_unsupported);
}

TEST_F(PmtuWalkTest, OtherErrorsAreRelayedToTheInnerSourceAsRfc2003Says) {
  const Bytes inner = Udp(600, false, "10.10.200.5", 63).Build();
  const Bytes ours = Outer(inner, 63, 0x4000, 0);
  const Bytes quoted_inner(ours.begin() + 20, ours.begin() + 548);
  ip_id_ = 0x30;
  const Out te = Walk(0, FromRouter(11, 0, 0, ours));
  ASSERT_EQ(te.port, 1);
  EXPECT_FRAME(te.frame, ToHostA(3, 1, 0, quoted_inner, 0x30));  // RFC 2003 4.4
  const Out hu = Walk(0, FromRouter(3, 10, 0, ours));            // host administratively prohibited
  ASSERT_EQ(hu.port, 1);
  EXPECT_FRAME(hu.frame, ToHostA(3, 1, 0, quoted_inner, 0x31));
  EXPECT_EQ(Event(dp::Event::icmp_relayed), 2u);
  // Not relayed: port unreachable (RFC 2003 4.1), source route failed, an 8-byte quote.
  EXPECT_EQ(Walk(0, FromRouter(3, 3, 0, ours)).port, dp::kDropped);
  EXPECT_EQ(Walk(0, FromRouter(3, 5, 0, ours)).port, dp::kDropped);
  EXPECT_EQ(Walk(0, FromRouter(11, 0, 0, ours, 28)).port, dp::kDropped);
  EXPECT_EQ(Event(dp::Event::icmp_relayed), 2u);
  EXPECT_EQ(Drops(), "icmp_handled=5");
  // The rate limit of the worker's ICMP errors holds for relays too.
  io_store_.icmp.Init(0, 0);
  EXPECT_EQ(Walk(0, FromRouter(11, 0, 0, ours)).port, dp::kDropped);
  EXPECT_EQ(Event(dp::Event::icmp_ratelimited), 1u);
  EXPECT_EQ(Event(dp::Event::icmp_relayed), 2u);
}

}  // namespace
}  // namespace gw::testing
