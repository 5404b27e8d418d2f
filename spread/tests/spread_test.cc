// spread/datapath/spread: SpreadBurst hands each packet of another worker's flow to that
// worker's ring, in the order received, keeps its own (in order) and books every packet: handed
// over (spread_out), or, when the ring is full, received and dropped (spread_full).
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "dataplane/books.h"
#include "spread/datapath/spread.h"
#include "tests/dataplane/packets.h"

namespace gw::testing {
namespace {

using spread::SpreadMode;

constexpr Mac kGw = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
constexpr Mac kPeer = {0x52, 0x54, 0x00, 0x00, 0x00, 0x88};
constexpr uint16_t kWorkers = 3;

// A decap packet of inner UDP flow `flow`, packet `seq` of it (in the payload).
Bytes Decap(uint16_t flow, uint8_t seq) {
  Bytes udp;
  Put16(udp, static_cast<uint16_t>(10000 + flow));
  Put16(udp, 53);
  Put16(udp, 12);
  Put16(udp, 0);
  udp.push_back(seq);
  udp.push_back(0);
  udp.push_back(0);
  udp.push_back(0);
  const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .proto = 17, .payload = udp};
  const Ip4 outer{.src = "10.65.132.188", .dst = "10.65.132.187", .proto = 4,
                  .payload = inner.Build()};
  return Eth(kGw, kPeer, kEthIpv4, outer.Build());
}

class SpreadBurstTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = rte_pktmbuf_pool_create("gwunit_sp", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                    SOCKET_ID_ANY);
    ASSERT_NE(pool_, nullptr);
    for (uint16_t i = 0; i < kWorkers; ++i) {
      rings_[i] = rte_ring_create(("gwunit_sp" + std::to_string(i)).c_str(), 64, SOCKET_ID_ANY,
                                  RING_F_SC_DEQ);
      ASSERT_NE(rings_[i], nullptr);
    }
  }
  void TearDown() override {
    for (rte_ring* r : rings_) {
      void* m;
      while (rte_ring_dequeue(r, &m) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
      rte_ring_free(r);
    }
    EXPECT_EQ(rte_mempool_in_use_count(pool_), 0u);  // nothing leaked
    rte_mempool_free(pool_);
  }

  rte_mbuf* Mbuf(const Bytes& frame) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())), frame.data(),
                frame.size());
    m->port = 9;  // not the port the burst came in on: SpreadBurst must set it
    return m;
  }
  static uint16_t WorkerOfFrame(rte_mbuf* m) {
    return spread::WorkerOf(static_cast<uint32_t>(spread::FlowHash(m, SpreadMode::kTunnel)),
                            kWorkers);
  }
  // (flow, seq) of a frame Decap built.
  static std::pair<uint16_t, uint8_t> Id(rte_mbuf* m) {
    const auto* p = rte_pktmbuf_mtod(m, const uint8_t*);
    return {static_cast<uint16_t>(((p[14 + 20 + 20] << 8) | p[14 + 20 + 21]) - 10000),
            p[14 + 20 + 20 + 8]};
  }

  rte_mempool* pool_ = nullptr;
  rte_ring* rings_[kWorkers] = {};
  dp::LcoreCounters c_;
};

TEST_F(SpreadBurstTest, EachFlowToItsWorkerInOrder) {
  // 8 flows × 4 packets, interleaved: flow f's packet s at position 8s + f.
  std::vector<rte_mbuf*> burst;
  for (uint8_t s = 0; s < 4; ++s)
    for (uint16_t f = 0; f < 8; ++f) burst.push_back(Mbuf(Decap(f, s)));
  std::map<uint16_t, uint16_t> worker_of_flow;
  for (rte_mbuf* m : burst) worker_of_flow[Id(m).first] = WorkerOfFrame(m);
  std::map<uint16_t, int> flows_per_worker;
  for (auto [f, w] : worker_of_flow) ++flows_per_worker[w];
  ASSERT_GE(flows_per_worker.size(), 2u) << "the flows chosen all land on one worker";

  const spread::SpreadPlan plan{rings_, kWorkers, 1};
  dp::BooksOpen(c_);
  const uint16_t kept = spread::SpreadBurst(plan, SpreadMode::kTunnel, c_, 3, burst.data(),
                                            static_cast<uint16_t>(burst.size()));
  dp::BooksClose(c_);

  // What stayed: worker 1's flows, in the order received, ingress port set.
  std::vector<std::pair<uint16_t, uint8_t>> want_kept, got_kept;
  for (uint8_t s = 0; s < 4; ++s)
    for (uint16_t f = 0; f < 8; ++f)
      if (worker_of_flow[f] == 1) want_kept.push_back({f, s});
  for (uint16_t i = 0; i < kept; ++i) {
    got_kept.push_back(Id(burst[i]));
    EXPECT_EQ(burst[i]->port, 3);
  }
  EXPECT_EQ(got_kept, want_kept);
  // Each other worker's ring: its flows, in the order received, ingress port set.
  uint64_t handed = 0;
  for (uint16_t w = 0; w < kWorkers; ++w) {
    if (w == 1) {
      EXPECT_EQ(rte_ring_count(rings_[w]), 0u);
      continue;
    }
    std::vector<std::pair<uint16_t, uint8_t>> want, got;
    for (uint8_t s = 0; s < 4; ++s)
      for (uint16_t f = 0; f < 8; ++f)
        if (worker_of_flow[f] == w) want.push_back({f, s});
    void* m;
    while (rte_ring_dequeue(rings_[w], &m) == 0) {
      auto* mb = static_cast<rte_mbuf*>(m);
      got.push_back(Id(mb));
      EXPECT_EQ(mb->port, 3);
      rte_pktmbuf_free(mb);
      ++handed;
    }
    EXPECT_EQ(got, want) << "worker " << w;
  }
  EXPECT_EQ(kept + handed, burst.size());
  EXPECT_EQ(c_.event(dp::Event::spread_out), handed);
  EXPECT_EQ(dp::Read(c_.processed), 0u);  // (the caller counts what it walks)
  for (uint16_t i = 0; i < kept; ++i) rte_pktmbuf_free(burst[i]);
}

TEST_F(SpreadBurstTest, NothingMovesInModeTunnelForPlainPackets) {
  std::vector<rte_mbuf*> burst;
  for (uint16_t f = 0; f < 16; ++f)
    burst.push_back(Mbuf(Eth(kGw, kPeer, kEthIpv4,
                             Ip4{.src = "10.10.100.2", .dst = "10.10.200.5", .proto = 17,
                                 .payload = Payload(8 + f)}
                                 .Build())));
  const spread::SpreadPlan plan{rings_, kWorkers, 0};
  EXPECT_EQ(spread::SpreadBurst(plan, SpreadMode::kTunnel, c_, 0, burst.data(), 16), 16);
  for (rte_ring* r : rings_) EXPECT_EQ(rte_ring_count(r), 0u);
  EXPECT_EQ(c_.event(dp::Event::spread_out), 0u);
  rte_pktmbuf_free_bulk(burst.data(), 16);
}

TEST_F(SpreadBurstTest, FullRingDropsAndBooksBalance) {
  // Rings of 64 (63 usable); 80 packets of flows that all belong to one other worker.
  std::vector<rte_mbuf*> burst;
  uint16_t target = kWorkers;
  for (uint16_t f = 0; burst.size() < 80 && f < 2000; ++f) {
    rte_mbuf* m = Mbuf(Decap(f, 0));
    const uint16_t w = WorkerOfFrame(m);
    if (w == 0 || (target != kWorkers && w != target)) {
      rte_pktmbuf_free(m);
      continue;
    }
    target = w;
    burst.push_back(m);
  }
  ASSERT_EQ(burst.size(), 80u);
  const spread::SpreadPlan plan{rings_, kWorkers, 0};
  dp::BooksOpen(c_);
  EXPECT_EQ(spread::SpreadBurst(plan, SpreadMode::kTunnel, c_, 0, burst.data(), 80), 0);
  dp::BooksClose(c_);
  EXPECT_EQ(rte_ring_count(rings_[target]), 63u);
  EXPECT_EQ(c_.event(dp::Event::spread_out), 63u);
  EXPECT_EQ(c_.drop(dp::Drop::spread_full), 17u);
  // The sender's books: what it received and dropped balances (17 in, 17 dropped); what it
  // handed over is the receiver's to count.
  const dp::WalkBooks b = dp::WalkBooksOf(c_);
  EXPECT_EQ(b.received, 17u);
  EXPECT_EQ(b.dropped, 17u);
  EXPECT_EQ(b.off(), 0);
  EXPECT_EQ(b.spread_out, 63u);
  EXPECT_EQ(rte_mempool_in_use_count(pool_), 63u);  // the ring's; the dropped ones freed
}

}  // namespace
}  // namespace gw::testing
