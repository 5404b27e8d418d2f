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
#include "tests/dataplane/slow_path_fixture.h"

namespace gw::testing {
namespace {

class RobustnessTest : public SlowPathFixture {};

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
    const Bytes f = Mutate(seed, rng);
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
