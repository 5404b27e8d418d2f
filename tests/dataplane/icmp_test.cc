// dataplane/icmp.h and io.h: ICMP errors built in place (checked byte for byte against a message
// assembled here from RFC 792's layout), the per-lcore token bucket, and cutting an mbuf chain.
#include <gtest/gtest.h>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

using dp::Drop;

class IcmpTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    io_store_.icmp.Init(1000, 50);
    io_ = &io_store_;
  }
  // Host A to node 2 with TTL 1: expires here.
  static Bytes Expiring() {
    return Ip4{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 1, .proto = 17,
               .payload = Payload(20)}
        .Build();
  }
  // RFC 792: type, code, checksum, 4 unused bytes (RFC 1191: the next-hop MTU in the low 16),
  // then the quoted datagram.
  static Bytes IcmpMessage(uint8_t type, uint8_t code, uint16_t mtu, const Bytes& quoted) {
    Bytes b = {type, code, 0, 0, 0, 0, static_cast<uint8_t>(mtu >> 8), static_cast<uint8_t>(mtu)};
    b.insert(b.end(), quoted.begin(), quoted.end());
    const uint16_t c = InetChecksum(b.data(), b.size());
    b[2] = static_cast<uint8_t>(c >> 8);
    b[3] = static_cast<uint8_t>(c);
    return b;
  }
  dp::WorkerIo io_store_;
};

TEST_F(IcmpTest, TimeExceededQuotesThePacketAndGoesBackToItsSource) {
  const Out o = Walk(1, Eth(kP1, kHostAMac, kEthIpv4, Expiring()));
  ASSERT_EQ(o.port, 1);
  // From port1's address, TOS 0xc0, TTL 64, id from the worker's counter (0 first), no DF.
  const Bytes ip = Ip4{.src = "10.10.100.1", .dst = "10.10.100.2", .tos = 0xc0, .ttl = 64,
                       .proto = 1, .id = 0, .payload = IcmpMessage(11, 0, 0, Expiring())}
                       .Build();
  EXPECT_FRAME(o.frame, Eth(kHostAMac, kP1, kEthIpv4, ip));
  EXPECT_EQ(Drops(), "ttl_exceeded=1");
  EXPECT_EQ(counters_->events[static_cast<size_t>(dp::Event::icmp_errors)], 1u);
}

TEST_F(IcmpTest, TheQuoteStopsAt576Bytes) {
  const Bytes big = Ip4{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 1, .proto = 17,
                        .payload = Payload(1000)}
                        .Build();
  const Out o = Walk(1, Eth(kP1, kHostAMac, kEthIpv4, big));
  ASSERT_EQ(o.port, 1);
  const Bytes quoted(big.begin(), big.begin() + (576 - 28));
  const Bytes ip = Ip4{.src = "10.10.100.1", .dst = "10.10.100.2", .tos = 0xc0, .ttl = 64,
                       .proto = 1, .id = 0, .payload = IcmpMessage(11, 0, 0, quoted)}
                       .Build();
  EXPECT_EQ(o.frame.size(), 14u + 576u);
  EXPECT_FRAME(o.frame, Eth(kHostAMac, kP1, kEthIpv4, ip));
}

TEST_F(IcmpTest, NoErrorAboutAnErrorOrFromABroadcastSource) {
  const Bytes about_error = Ip4{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 1,
                                .proto = 1, .payload = IcmpMessage(3, 1, 0, Payload(28))}
                                .Build();
  ExpectDrop(1, Eth(kP1, kHostAMac, kEthIpv4, about_error), Drop::ttl_exceeded);
  const Bytes from_mcast = Ip4{.src = "224.0.0.1", .dst = "10.65.132.188", .ttl = 1,
                               .payload = Payload(8)}
                               .Build();
  ExpectDrop(1, Eth(kP1, kHostAMac, kEthIpv4, from_mcast), Drop::ttl_exceeded);
  EXPECT_EQ(counters_->events[static_cast<size_t>(dp::Event::icmp_errors)], 0u);
}

TEST_F(IcmpTest, TheTokenBucketSuppressesErrorsBeyondItsDepth) {
  io_store_.icmp.Init(1, 2);  // one per second, two at once
  EXPECT_EQ(Walk(1, Eth(kP1, kHostAMac, kEthIpv4, Expiring())).port, 1);
  EXPECT_EQ(Walk(1, Eth(kP1, kHostAMac, kEthIpv4, Expiring())).port, 1);
  ExpectDrop(1, Eth(kP1, kHostAMac, kEthIpv4, Expiring()), Drop::ttl_exceeded);
  EXPECT_EQ(counters_->events[static_cast<size_t>(dp::Event::icmp_ratelimited)], 1u);
  EXPECT_EQ(Drops(), "ttl_exceeded=3");
}

TEST(TokenBucket, ZeroRateLetsNothingThrough) {
  dp::TokenBucket b;
  b.Init(0, 50);
  EXPECT_FALSE(b.Take());
}

class TrimTest : public WalkFixture {};

TEST_F(TrimTest, CuttingAChainFreesTheSegmentsPastTheCut) {
  rte_mbuf* segs[3];
  for (rte_mbuf*& s : segs) {
    s = rte_pktmbuf_alloc(pool_);
    ASSERT_NE(s, nullptr);
    ASSERT_NE(rte_pktmbuf_append(s, 100), nullptr);
  }
  ASSERT_EQ(rte_pktmbuf_chain(segs[0], segs[1]), 0);
  ASSERT_EQ(rte_pktmbuf_chain(segs[0], segs[2]), 0);
  ASSERT_EQ(segs[0]->pkt_len, 300u);
  const unsigned before = rte_mempool_in_use_count(pool_);
  dp::TrimTo(segs[0], 150);
  EXPECT_EQ(segs[0]->pkt_len, 150u);
  EXPECT_EQ(segs[0]->nb_segs, 2);
  EXPECT_EQ(segs[1]->data_len, 50);
  EXPECT_EQ(segs[1]->next, nullptr);
  EXPECT_EQ(rte_mempool_in_use_count(pool_), before - 1);
  dp::TrimTo(segs[0], 400);  // longer than the packet: nothing changes
  EXPECT_EQ(segs[0]->pkt_len, 150u);
  rte_pktmbuf_free(segs[0]);
}

}  // namespace
}  // namespace gw::testing
