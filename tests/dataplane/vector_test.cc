// dataplane/vector: the vector walk changes nothing. The same bursts — valid frames of every kind
// the gateway serves, and mutations of them — are walked through ProcessBurst with the fast stages
// (as a worker does) and with every packet on the scalar walk (--fast_path=off), each from the
// same fresh state; every packet's fate and bytes, every frame the slow paths sent, every drop
// and event counter, every tunnel counter and the outer IPv4 ids must agree, and the books
// (dataplane/books.h) balance both ways. And the fast stages must actually take the common cases
// (else this would compare the scalar walk with itself).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "dataplane/books.h"
#include "dataplane/vector.h"
#include "tests/dataplane/slow_path_fixture.h"

namespace gw::testing {
namespace {

class VectorWalkTest : public SlowPathFixture {
 protected:
  // What one packet became: its egress port (or kDropped / kConsumed) and, if sent, its bytes.
  struct Fate {
    uint16_t out;
    Bytes frame;
    friend bool operator==(const Fate&, const Fate&) = default;
  };
  struct Run {
    std::vector<Fate> fates;        // every packet, in order
    std::vector<Bytes> sent;        // what the slow paths sent (fragments, reassembled packets)
    std::string drops;
    std::vector<uint64_t> events;
    std::vector<dp::TunnelCounters> tunnels;
    uint16_t ip_id;
    dp::WalkBooks books;
  };

  // More frames the fast stages take, or must leave to the scalar walk, on top of Seeds().
  std::vector<std::pair<uint16_t, Bytes>> FastSeeds() const {
    std::vector<std::pair<uint16_t, Bytes>> s = Seeds();
    const Ip4 to_node{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 64, .proto = 17,
                      .payload = Payload(26)};  // plain routing out of port0
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, to_node.Build())});
    const Ip4 tos{.src = "10.10.100.2", .dst = "10.10.200.9", .tos = 0x03, .ttl = 3,
                  .proto = 6, .payload = Payload(20)};  // ECN CE into the tunnel
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, tos.Build())});
    Bytes padded = Eth(kP1, kHostAMac, kEthIpv4, Ip4{.src = "10.10.100.2", .dst = "10.10.200.5",
                                                      .ttl = 64, .proto = 17,
                                                      .payload = Payload(2)}
                                                      .Build());
    padded.resize(60, 0);  // Ethernet padding: the scalar walk trims it
    s.push_back({1, padded});
    const Ip4 any{.src = "10.10.100.2", .dst = "10.10.201.7", .ttl = 64, .proto = 17,
                  .payload = Payload(10)};  // into t6: no neighbour for its remote
    s.push_back({1, Eth(kP1, kHostAMac, kEthIpv4, any.Build())});
    auto decap = [](const Ip4& inner, uint8_t outer_tos, const char* remote) {
      const Ip4 o{.src = remote, .dst = "10.65.132.187", .tos = outer_tos, .ttl = 64,
                  .proto = 4, .payload = inner.Build()};
      return std::make_pair(uint16_t{0}, Eth(kP0, kNode2Mac, kEthIpv4, o.Build()));
    };
    const Ip4 in{.src = "10.10.200.5", .dst = "10.10.100.2", .tos = 0x01, .ttl = 9, .proto = 17,
                 .payload = Payload(33)};
    s.push_back(decap(in, 0x00, "10.65.132.188"));
    s.push_back(decap(in, 0x03, "10.65.132.188"));  // outer CE over ECT(1): marked by the scalar
    s.push_back(decap(in, 0x00, "10.65.132.200"));  // unknown peer
    Ip4 hairpin = in;
    hairpin.dst = "10.10.200.77";  // decapsulated, then back into tun1
    s.push_back(decap(hairpin, 0, "10.65.132.188"));
    Ip4 dying = in;
    dying.ttl = 1;
    s.push_back(decap(dying, 0, "10.65.132.188"));
    Ip4 to_us = in;
    to_us.dst = "10.10.100.1";
    s.push_back(decap(to_us, 0, "10.65.132.188"));
    return s;
  }

  Run WalkAll(const std::vector<std::vector<std::pair<uint16_t, Bytes>>>& bursts, bool fast) {
    // A fresh state for each way: counters, ids, caches, the reassembly table.
    ResetCounters();
    ip_id_ = 0;
    if (io_store_.frag_tbl != nullptr) rte_ip_frag_table_destroy(io_store_.frag_tbl);
    io_store_.frag_tbl =
        rte_ip_frag_table_create(64, 8, 512, rte_get_tsc_hz() * 2, SOCKET_ID_ANY);
    EXPECT_NE(io_store_.frag_tbl, nullptr);
    std::vector<dp::NeighCacheEntry> neigh(size_t{1} << dp::kNeighCacheBits);
    dp::FeatureCaches caches;
    dp::Ctx ctx(*tables_, counters_.get(), 0);
    ctx.neigh_cache = neigh.data();
    ctx.UseCaches(caches);
    ctx.io = &io_store_;
    Run r;
    auto hints = std::make_unique<dp::BurstHints>();
    for (const auto& burst : bursts) {
      const uint16_t port = burst.front().first;  // (a burst comes from one port)
      std::vector<rte_mbuf*> pkts;
      for (const auto& [p, f] : burst) {
        rte_mbuf* m = rte_pktmbuf_alloc(big_);
        EXPECT_NE(m, nullptr);
        if (m == nullptr) return r;
        char* d = rte_pktmbuf_append(m, static_cast<uint16_t>(f.size()));
        if (!f.empty()) std::memcpy(d, f.data(), f.size());
        m->port = port;
        pkts.push_back(m);
      }
      ctx.NewBurst();
      dp::ProcessBurst(ctx, pkts.data(), static_cast<uint16_t>(pkts.size()),
                       tables_->ports[port], hints.get(), /*prefetch=*/true, fast,
                       [&r, &ctx](uint16_t, rte_mbuf* m, uint16_t out) {
                         Fate f{out, {}};
                         if (out < dp::kConsumed) {
                           const auto* d = rte_pktmbuf_mtod(m, const uint8_t*);
                           f.frame.assign(d, d + m->data_len);
                           rte_pktmbuf_free(m);
                         } else {
                           dp::EndWalk(ctx, m, out);  // (as Worker::Run: books it, frees a drop)
                         }
                         r.fates.push_back(std::move(f));
                       });
      dp::Bump(counters_->processed, pkts.size());
      for (uint16_t i = 0; i < n_captured_; ++i) {
        const auto* d = rte_pktmbuf_mtod(captured_[i], const uint8_t*);
        r.sent.emplace_back(d, d + captured_[i]->data_len);
      }
      FreeCaptured();
      if (io_store_.death_row->cnt != 0) dp::FreeDeathRow(*counters_, io_store_.death_row);
    }
    // What is still being reassembled given up, as a worker does on its way out: the books close.
    do {
      rte_ip_frag_table_del_expired_entries(io_store_.frag_tbl, io_store_.death_row, UINT64_MAX);
      dp::FreeDeathRow(*counters_, io_store_.death_row);
    } while (io_store_.death_row->cnt != 0);
    r.books = dp::WalkBooksOf(*counters_);
    r.drops = Drops();
    r.events.assign(counters_->events.begin(), counters_->events.end());
    for (uint32_t id = 0; id < 8; ++id) r.tunnels.push_back(Tc(id));
    r.ip_id = ctx.ip_id;
    return r;
  }
};

TEST_F(VectorWalkTest, ChangesNothing) {
  const auto seeds = FastSeeds();
  std::mt19937 rng(20261202);
  std::vector<std::vector<std::pair<uint16_t, Bytes>>> bursts;
  for (int b = 0; b < 600; ++b) {
    const uint16_t port = static_cast<uint16_t>(rng() % 2);
    std::vector<std::pair<uint16_t, Bytes>> burst;
    const size_t n = 1 + rng() % 32;
    while (burst.size() < n) {
      const auto& [p, seed] = seeds[rng() % seeds.size()];
      if (p != port) continue;
      burst.push_back({port, rng() % 2 == 0 ? seed : Mutate(seed, rng)});
    }
    bursts.push_back(std::move(burst));
  }
  const Run fast = WalkAll(bursts, true);
  const Run scalar = WalkAll(bursts, false);
  ASSERT_EQ(fast.fates.size(), scalar.fates.size());
  size_t sent = 0;
  for (size_t i = 0; i < fast.fates.size(); ++i) {
    EXPECT_EQ(fast.fates[i].out, scalar.fates[i].out) << "packet " << i;
    EXPECT_FRAME(fast.fates[i].frame, scalar.fates[i].frame) << "packet " << i;
    sent += scalar.fates[i].out < dp::kConsumed;
  }
  EXPECT_EQ(fast.sent, scalar.sent);
  EXPECT_EQ(fast.drops, scalar.drops);
  EXPECT_EQ(fast.events, scalar.events);
  for (uint32_t id = 0; id < fast.tunnels.size(); ++id) {
    EXPECT_EQ(fast.tunnels[id].encap_packets, scalar.tunnels[id].encap_packets) << "tunnel " << id;
    EXPECT_EQ(fast.tunnels[id].encap_bytes, scalar.tunnels[id].encap_bytes) << "tunnel " << id;
    EXPECT_EQ(fast.tunnels[id].decap_packets, scalar.tunnels[id].decap_packets) << "tunnel " << id;
    EXPECT_EQ(fast.tunnels[id].decap_bytes, scalar.tunnels[id].decap_bytes) << "tunnel " << id;
  }
  EXPECT_EQ(fast.ip_id, scalar.ip_id);
  // Every packet of both walks ends in the books (dataplane/books.h), the fast stages' included.
  for (const Run* run : {&fast, &scalar}) {
    EXPECT_EQ(run->books.received, fast.fates.size());
    EXPECT_EQ(run->books.off(), 0) << (run == &fast ? "fast" : "scalar");
    EXPECT_EQ(run->books.reasm_waiting(), 0) << (run == &fast ? "fast" : "scalar");
  }
  EXPECT_GT(fast.books.to_reassembly, 0u);
  // Something of everything was walked: sent, dropped, handed off.
  EXPECT_GT(sent, 2000u);
  EXPECT_NE(scalar.drops, "");
  EXPECT_GT(fast.tunnels[GwTunnel("tun1")->id].encap_packets, 1000u);
  EXPECT_GT(fast.tunnels[GwTunnel("tun1")->id].decap_packets, 1000u);
}

// The fast stages take the common cases: encap into tun1, decap from its peer, plain routing
// each leave with the fast stages doing the work (the scalar walk never runs for them), which a
// ctx without slow-path state shows: the scalar walk's drops and ICMP need none, but a packet the
// fast stages took bumps no drop and leaves no hint used.
TEST_F(VectorWalkTest, TheFastStagesTakeTheCommonCases) {
  const Ip4 lan{.src = "10.10.100.2", .dst = "10.10.200.5", .ttl = 64, .proto = 17,
                .payload = Payload(40)};
  const Ip4 inner{.src = "10.10.200.5", .dst = "10.10.100.2", .ttl = 64, .proto = 17,
                  .payload = Payload(60)};
  const Ip4 outer{.src = "10.65.132.188", .dst = "10.65.132.187", .ttl = 64, .proto = 4,
                  .payload = inner.Build()};
  const Ip4 plain{.src = "10.10.100.2", .dst = "10.65.132.188", .ttl = 64, .proto = 17,
                  .payload = Payload(26)};
  const std::vector<std::pair<uint16_t, Bytes>> frames = {
      {1, Eth(kP1, kHostAMac, kEthIpv4, lan.Build())},
      {0, Eth(kP0, kNode2Mac, kEthIpv4, outer.Build())},
      {1, Eth(kP1, kHostAMac, kEthIpv4, plain.Build())},
  };
  dp::Ctx ctx(*tables_, counters_.get(), 0);
  for (const auto& [port, f] : frames) {
    rte_mbuf* m = rte_pktmbuf_alloc(big_);
    ASSERT_NE(m, nullptr);
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(f.size())), f.data(), f.size());
    auto hints = std::make_unique<dp::BurstHints>();
    ctx.NewBurst();
    ctx.hint = &dp::kNoRouteHint;
    uint16_t got = dp::kDropped;
    dp::ProcessBurst(ctx, &m, 1, tables_->ports[port], hints.get(), false, true,
                     [&got](uint16_t, rte_mbuf*, uint16_t out) { got = out; });
    EXPECT_LT(got, dp::kConsumed) << "frame from port" << port;
    // The scalar walk points ctx.hint at the packet's hint before it walks it: still unset here.
    EXPECT_EQ(ctx.hint, &dp::kNoRouteHint) << "the scalar walk ran for the frame from port"
                                           << port;
    rte_pktmbuf_free(m);
  }
  EXPECT_EQ(Drops(), "");
}

}  // namespace
}  // namespace gw::testing
