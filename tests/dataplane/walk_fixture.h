// The per-packet walk (dataplane/forward.h) run on mbufs built in the test, over tables configured
// through Gateway::Apply with real commands. Each test gets its own small mempool (no per-lcore
// cache, so the in-use count is exact) and must give back every mbuf.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "dataplane/burst.h"
#include "dataplane/forward.h"
#include "tests/control/gateway_fixture.h"
#include "tests/dataplane/packets.h"

namespace gw::testing {

// The seed article's neighbours (conf/gateway.conf).
inline constexpr Mac kNode2Mac = {0x52, 0x54, 0x00, 0x41, 0x84, 0xbc};  // 10.65.132.188, port0
inline constexpr Mac kHostAMac = {0x52, 0x54, 0x00, 0x0a, 0x64, 0x02};  // 10.10.100.2, port1
inline constexpr Mac kP0 = kPort0Mac;
inline constexpr Mac kP1 = kPort1Mac;

class WalkFixture : public GatewayFixture {
 protected:
  struct Out {
    uint16_t port;  // egress port, or dp::kDropped
    Bytes frame;    // the mbuf's data after the walk
  };

  void SetUp() override {
    GatewayFixture::SetUp();
    if (HasFatalFailure()) return;
    pool_ = rte_pktmbuf_pool_create("gwunit_pool", 63, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                    SOCKET_ID_ANY);
    ASSERT_NE(pool_, nullptr) << rte_strerror(rte_errno);
    counters_ = std::make_unique<dp::LcoreCounters>();
  }

  void TearDown() override {
    if (pool_ != nullptr) {
      EXPECT_EQ(rte_mempool_in_use_count(pool_), 0u) << "mbufs leaked";
      rte_mempool_free(pool_);
    }
    counters_.reset();
    GatewayFixture::TearDown();
  }

  // One frame received on `in_port`, walked, copied out, freed. `headroom` places the frame in
  // its buffer (the default is what a PMD gives).
  Out Walk(uint16_t in_port, const Bytes& frame, uint16_t headroom = RTE_PKTMBUF_HEADROOM) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (m == nullptr) {
      ADD_FAILURE() << "mempool empty";
      return {dp::kDropped, {}};
    }
    m->data_off = headroom;
    m->port = in_port;  // (as the PMD sets it)
    char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
    if (p == nullptr) {
      ADD_FAILURE() << "frame does not fit an mbuf";
      rte_pktmbuf_free(m);
      return {dp::kDropped, {}};
    }
    if (!frame.empty()) std::memcpy(p, frame.data(), frame.size());  // (an empty vector's data() may be null)
    // As a worker's poll loop: the tables as they are now and, if the test asked for them, its
    // caches, valid for the generations read at the loop's start.
    dp::Ctx ctx(*tables_, counters_.get(), 0);
    ctx.ip_id = ip_id_;
    if (feature_caches_ != nullptr) {
      ctx.neigh_cache = neigh_cache_.data();
      ctx.UseCaches(*feature_caches_);
    }
    ctx.NewBurst();
    ctx.io = io_;
    // As Worker::Run: the burst stage (here a burst of one) before the walk.
    auto hints = std::make_unique<dp::BurstHints>();
    if (stage_ != Stage::kNone) {
      dp::StageBurst(ctx, &m, 1, hints.get(), stage_ == Stage::kPrefetch);
      ctx.hint = &hints->route[0];
    }
    if (burst_memo_ != nullptr) {  // (as the burst's last packet left them)
      ctx.tunnel.tunnel_memo = *burst_memo_;
      ctx.tunnel.peer_memo = burst_peer_memo_;
    }
    const uint16_t out = dp::Process(ctx, m, tables_->ports[in_port]);
    if (burst_memo_ != nullptr) {
      *burst_memo_ = ctx.tunnel.tunnel_memo;
      burst_peer_memo_ = ctx.tunnel.peer_memo;
    }
    ip_id_ = ctx.ip_id;
    EXPECT_EQ(m->nb_segs, 1);
    EXPECT_EQ(m->pkt_len, m->data_len);
    const auto* d = rte_pktmbuf_mtod(m, const uint8_t*);
    Out o{out, Bytes(d, d + m->data_len)};
    rte_pktmbuf_free(m);  // the caller frees drops; a sent frame we free after reading it
    return o;
  }

  // Every non-zero drop counter, "name=count" in list order: "" when nothing was dropped.
  std::string Drops() const {
    std::string s;
    for (size_t i = 0; i < dp::kDropCount; ++i) {
      if (counters_->drops[i] == 0) continue;
      absl::StrAppend(&s, s.empty() ? "" : " ",
                      absl::string_view(dp::kDropNames[i].data(), dp::kDropNames[i].size()), "=",
                      counters_->drops[i]);
    }
    return s;
  }

  // A frame must be dropped, counted under `reason` and nothing else.
  void ExpectDrop(uint16_t in_port, const Bytes& frame, dp::Drop reason,
                  uint16_t headroom = RTE_PKTMBUF_HEADROOM) {
    const std::string before = Drops();
    const uint64_t n = counters_->drops[static_cast<size_t>(reason)];
    const uint64_t total = TotalDrops();
    const Out o = Walk(in_port, frame, headroom);
    EXPECT_EQ(o.port, dp::kDropped) << "expected drop " << dp::DropName(reason);
    EXPECT_EQ(counters_->drops[static_cast<size_t>(reason)], n + 1)
        << "expected " << dp::DropName(reason) << "; drops before: " << before
        << "; after: " << Drops();
    EXPECT_EQ(TotalDrops(), total + 1) << "drops: " << Drops();
  }

  uint64_t TotalDrops() const {
    uint64_t total = 0;
    for (uint64_t c : counters_->drops) total += c;
    return total;
  }

  // The walk's counters of tunnel `id` (it walks as worker 0).
  dp::TunnelCounters Tc(uint32_t id) const { return tables_->tunnels.Counters(0, id); }
  // Every counter back to zero, the tunnels' included.
  void ResetCounters() {
    counters_ = std::make_unique<dp::LcoreCounters>();
    for (uint32_t id = 0; id < tables_->tunnels.capacity(); ++id)
      tables_->tunnels.Lines(0)[id].c = dp::TunnelCounters{};
  }

  // Walk with a worker's neighbour and peer caches from now on.
  void UseWorkerCaches() {
    neigh_cache_.assign(size_t{1} << dp::kNeighCacheBits, dp::NeighCacheEntry{});
    feature_caches_ = std::make_unique<dp::FeatureCaches>();
  }

  // How Walk runs the burst stage (dataplane/burst.h): by default as a worker with large tables
  // does, prefetching (a superset of the default sizes' bulk lookup alone).
  enum class Stage { kNone, kLookup, kPrefetch };
  Stage stage_ = Stage::kPrefetch;
  // Non-null: successive Walks are packets of one burst, sharing Encap's TunnelMemo.
  dp::TunnelMemo* burst_memo_ = nullptr;
  dp::PeerMemo burst_peer_memo_;

  rte_mempool* pool_ = nullptr;
  std::unique_ptr<dp::LcoreCounters> counters_;
  uint16_t ip_id_ = 0;
  dp::WorkerIo* io_ = nullptr;  // a worker's slow-path state, when a test gives one
  std::vector<dp::NeighCacheEntry> neigh_cache_;  // (with feature_caches_)
  std::unique_ptr<dp::FeatureCaches> feature_caches_;  // null: no caches, every lookup to the tables
};

// Frame equality shown as grouped hex.
#define EXPECT_FRAME(actual, expected) EXPECT_EQ(Hex(actual), Hex(expected))

}  // namespace gw::testing
