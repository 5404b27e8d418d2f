// The walk under malformed input: valid frames of every kind the gateway serves (plain, IPIP and
// SIT, fragments to the gateway, ICMP echo, ARP, Neighbour Discovery, too big for the tunnel) are
// mutated at random (bytes flipped, length fields rewritten, frames cut) and walked with a
// worker's slow-path state (reassembly table, fragment pools, ICMP bucket, captured sends). Every
// frame must come back as a port, a drop or a hand-off, nothing may crash (the ASan+UBSan build
// runs this too), the books (dataplane/books.h) must balance after every frame, and at the end
// every mbuf must be back in its pool.
#include <gtest/gtest.h>

#include <random>

#include "dataplane/books.h"
#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

class RobustnessTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1",
                        "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:02 dev port1",
                        "tunnel add t6 mode any remote 10.65.132.189 local 10.65.132.187",
                        "link set t6 up", "route add 2001:db8:9::/48 dev t6",
                        "route add 10.10.201.0/24 dev t6"}));
    big_ = rte_pktmbuf_pool_create("gwunit_big", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                   SOCKET_ID_ANY);
    indirect_ = rte_pktmbuf_pool_create("gwunit_ind", 1023, 0, 0, 0, SOCKET_ID_ANY);
    ASSERT_NE(big_, nullptr);
    ASSERT_NE(indirect_, nullptr);
    io_store_.frag_tbl =
        rte_ip_frag_table_create(64, 8, 512, rte_get_tsc_hz() * 2, SOCKET_ID_ANY);
    io_store_.death_row = static_cast<rte_ip_frag_death_row*>(
        rte_zmalloc("gwunit_dr", sizeof(rte_ip_frag_death_row), 0));
    ASSERT_NE(io_store_.frag_tbl, nullptr);
    ASSERT_NE(io_store_.death_row, nullptr);
    io_store_.direct = big_;
    io_store_.indirect = indirect_;
    io_store_.icmp.Init(1000000, 1000000);
    io_store_.capture = captured_;
    io_store_.captured = &n_captured_;
    io_store_.capture_max = 128;
  }
  void TearDown() override {
    if (io_store_.frag_tbl != nullptr) rte_ip_frag_table_destroy(io_store_.frag_tbl);
    if (io_store_.death_row != nullptr) {
      dp::FreeDeathRow(*counters_, io_store_.death_row);
      rte_free(io_store_.death_row);
    }
    if (big_ != nullptr) {
      EXPECT_EQ(rte_mempool_in_use_count(big_), 0u) << "mbufs leaked";
      rte_mempool_free(big_);
    }
    if (indirect_ != nullptr) {
      EXPECT_EQ(rte_mempool_in_use_count(indirect_), 0u) << "indirect mbufs leaked";
      rte_mempool_free(indirect_);
    }
    WalkFixture::TearDown();
  }

  // Valid frames, each received on the port given with it.
  std::vector<std::pair<uint16_t, Bytes>> Seeds() const {
    std::vector<std::pair<uint16_t, Bytes>> s;
    const Ip4 lan{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 64, .proto = 17,
                  .payload = Payload(40)};
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, lan.Build())});
    Ip4 big = lan;  // over the tunnel's 1480 without DF: fragmented, each fragment encapsulated
    big.payload = Payload(1700);
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, big.Build())});
    big.flags_frag = 0x4000;  // with DF: fragmentation needed
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, big.Build())});
    const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                    .payload = Payload(60)};
    const Ip4 outer{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                    .payload = inner.Build()};
    s.push_back({0, Eth(kP0, kNode2Mac, kEthIpv4, outer.Build())});
    // The same IPIP packet in two outer fragments (offsets in 8-byte units).
    const Bytes whole = outer.Build();
    const Bytes pay(whole.begin() + 20, whole.end());
    Ip4 f1 = outer;
    f1.flags_frag = 0x2000;
    f1.payload = Bytes(pay.begin(), pay.begin() + 48);
    Ip4 f2 = outer;
    f2.flags_frag = 6;
    f2.payload = Bytes(pay.begin() + 48, pay.end());
    s.push_back({0, Eth(kP0, kNode2Mac, kEthIpv4, f1.Build())});
    s.push_back({0, Eth(kP0, kNode2Mac, kEthIpv4, f2.Build())});
    Bytes echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1};
    const Bytes data = Payload(56);
    echo.insert(echo.end(), data.begin(), data.end());
    const uint16_t c = InetChecksum(echo.data(), echo.size());
    echo[2] = static_cast<uint8_t>(c >> 8);
    echo[3] = static_cast<uint8_t>(c);
    const Ip4 ping{.src = "10.10.100.2", .dst = "10.10.100.1", .ttl = 64, .proto = 1,
                   .payload = echo};
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, ping.Build())});
    const Ip4 ttl1{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 1, .proto = 17,
                   .payload = Payload(30)};
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, ttl1.Build())});
    Bytes arp = {0, 1, 8, 0, 6, 4, 0, 1, 0x52, 0x54, 0, 0x0a, 0x64, 2, 10, 10, 100, 2,
                 0, 0, 0, 0, 0, 0, 10, 10, 100, 1};
    s.push_back({1, Eth(kBroadcast, kHostAMac, kEthArp, arp)});
    Bytes ns(32, 0);  // a Neighbour Solicitation for 2001:db8:1::1 (checksum left wrong)
    ns[0] = 135;
    const Ip6 nd{.src = "2001:db8:1::2", .dst = "ff02::1:ff00:1", .next = 58, .hop = 255,
                 .payload = ns};
    s.push_back({1, Eth({0x33, 0x33, 0xff, 0, 0, 1}, kHostAMac, kEthIpv6, nd.Build())});
    const Ip6 v6{.src = "2001:db8:1::2", .dst = "2001:db8:9::5", .next = 17, .hop = 2,
                 .payload = Payload(1500)};
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv6, v6.Build())});
    const Ip4 sit{.src = "10.65.132.189", .dst = "10.65.132.187", .ttl = 64, .proto = 41,
                  .payload = Ip6{.src = "2001:db8:9::5", .dst = "2001:db8:1::2", .next = 17,
                                 .hop = 9, .payload = Payload(20)}
                                 .Build()};
    s.push_back({0, Eth(kP0, kNode2Mac, kEthIpv4, sit.Build())});
    return s;
  }

  void FreeCaptured() {
    for (uint16_t i = 0; i < n_captured_; ++i) rte_pktmbuf_free(captured_[i]);
    n_captured_ = 0;
  }

  rte_mempool* big_ = nullptr;
  rte_mempool* indirect_ = nullptr;
  dp::WorkerIo io_store_;
  rte_mbuf* captured_[128];
  uint16_t n_captured_ = 0;
};

TEST_F(RobustnessTest, MutatedFramesNeverCrashOrLeak) {
  const auto seeds = Seeds();
  std::mt19937 rng(20261126);
  dp::Ctx ctx(*tables_, counters_.get(), 0);
  ctx.NewBurst();
  ctx.io = &io_store_;
  uint64_t outcomes[3] = {};  // sent, dropped, handed off
  constexpr int kFrames = 30000;
  for (int i = 0; i < kFrames; ++i) {
    const auto& [port, seed] = seeds[rng() % seeds.size()];
    Bytes f = seed;
    const uint32_t kind = rng() % 8;
    if (kind == 0) {
      f.resize(rng() % (f.size() + 1));  // cut anywhere
    } else if (kind == 1 && f.size() > 18) {
      const size_t at = 14 + (rng() % 4) * 2;  // an IP length / id / offset field
      f[at] = static_cast<uint8_t>(rng());
      f[at + 1] = static_cast<uint8_t>(rng());
    } else if (kind <= 5) {
      for (uint32_t n = 1 + rng() % 4; n > 0; --n)
        if (!f.empty()) f[rng() % f.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }  // else: unchanged
    rte_mbuf* m = rte_pktmbuf_alloc(big_);
    ASSERT_NE(m, nullptr) << "pool exhausted after " << i << " frames: a leak";
    char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(f.size()));
    ASSERT_NE(p, nullptr);
    if (!f.empty()) std::memcpy(p, f.data(), f.size());
    m->port = port;
    const uint16_t out = dp::Process(ctx, m, tables_->ports[port]);
    dp::Bump(counters_->processed);
    if (out >= dp::kConsumed) dp::EndWalk(ctx, m, out);  // (as Worker::Run)
    if (out < dp::kConsumed) {
      ASSERT_TRUE(out == 0 || out == 1) << "egress port " << out;
      ASSERT_GE(rte_pktmbuf_headroom(m), 0u);
      ASSERT_EQ(rte_pktmbuf_pkt_len(m), [&] {
        uint32_t n = 0;
        for (rte_mbuf* s = m; s != nullptr; s = s->next) n += s->data_len;
        return n;
      }()) << "pkt_len disagrees with its segments";
      rte_pktmbuf_free(m);
      ++outcomes[0];
    } else if (out == dp::kDropped) {
      ++outcomes[1];
    } else {
      ++outcomes[2];
    }
    FreeCaptured();
    if (io_store_.death_row->cnt != 0) dp::FreeDeathRow(*counters_, io_store_.death_row);
    const dp::WalkBooks b = dp::WalkBooksOf(*counters_);
    ASSERT_EQ(b.off(), 0) << "books off after frame " << i << " (" << Hex(f) << ")";
    ASSERT_GE(b.reasm_waiting(), 0) << "after frame " << i;
  }
  // Every datagram still being reassembled given up: the table's books close at zero.
  rte_ip_frag_table_del_expired_entries(io_store_.frag_tbl, io_store_.death_row, UINT64_MAX);
  dp::FreeDeathRow(*counters_, io_store_.death_row);
  const dp::WalkBooks b = dp::WalkBooksOf(*counters_);
  EXPECT_EQ(b.off(), 0);
  EXPECT_EQ(b.reasm_waiting(), 0);
  EXPECT_EQ(b.received, static_cast<uint64_t>(kFrames));
  EXPECT_GT(b.to_reassembly, 100u);
  EXPECT_GT(b.reasm_used, 0u);
  EXPECT_GT(b.answered_in_place, 100u);
  EXPECT_GT(b.fragments_made, 100u);
  // Something of each: the seeds are valid, the mutations are not.
  EXPECT_GT(outcomes[0], 1000u);
  EXPECT_GT(outcomes[1], 1000u);
  EXPECT_GT(outcomes[2], 100u);
  uint64_t drops = 0;
  for (uint64_t d : counters_->drops) drops += d;
  EXPECT_GE(drops, outcomes[1]) << "a dropped frame was not counted";
}

}  // namespace
}  // namespace gw::testing
