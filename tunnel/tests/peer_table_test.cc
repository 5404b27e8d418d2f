// tunnel/datapath/peer_table: (remote, local) → tunnel id in bucket lines for the walk, kept
// equal to the authoritative LfHash; keys past a full home bucket; readers racing the writer.
#include "tunnel/datapath/peer_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace gw::dp {

// A bucket as the writer leaves it in the middle of a change.
struct PeerTablePeek {
  static void Scribble(PeerTable& t, uint64_t key, uint32_t id, bool writing) {
    PeerTable::Bucket& b = t.buckets_[t.Home(key)];
    for (uint32_t w = 0; w < PeerTable::kWays; ++w)
      if (b.key[w] == key) b.id[w] = id;
    b.seq.store(b.seq.load() + (writing ? 1 : 2));
  }
};

namespace {

// Lines and hash give the same answer for `k`; returns it (nullopt: absent).
std::optional<uint32_t> Both(const PeerTable& t, const PeerKey& k) {
  uint32_t id = 0;
  const bool in_lines = t.Lookup(PeerTable::Key(k), &id);
  uint64_t v = 0;
  const bool in_hash = t.hash().Lookup(&k, &v);
  EXPECT_EQ(in_lines, in_hash) << k.remote_be << "/" << k.local_be;
  if (!in_lines || !in_hash) return std::nullopt;
  EXPECT_EQ(id, v);
  return id;
}

// `n` keys with the same home bucket as PeerKey{1, local}.
std::vector<PeerKey> SameHome(const PeerTable& t, uint32_t local, size_t n) {
  std::vector<PeerKey> keys{{1, local}};
  const uint32_t home = t.Home(PeerTable::Key(keys[0]));
  for (uint32_t r = 2; keys.size() < n; ++r)
    if (t.Home(PeerTable::Key(r, local)) == home) keys.push_back({r, local});
  return keys;
}

TEST(PeerTable, SetReplaceDelete) {
  Rcu rcu(RTE_MAX_LCORE);
  PeerTable t(rcu, "gwut_peers1", 64);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.buckets(), 32u);  // twice 64 entries, four per bucket
  const PeerKey a{0x0a000001, 0x0a0000fe};
  const PeerKey any{0, 0x0a0000fe};
  EXPECT_EQ(Both(t, a), std::nullopt);
  ASSERT_TRUE(t.Set(a, 7).ok());
  ASSERT_TRUE(t.Set(any, 0).ok());  // id 0 is an id like any other
  EXPECT_EQ(Both(t, a), 7u);
  EXPECT_EQ(Both(t, any), 0u);
  EXPECT_EQ(Both(t, PeerKey{0x0a0000fe, 0x0a000001}), std::nullopt);  // the reverse pair
  ASSERT_TRUE(t.Set(a, 9).ok());
  EXPECT_EQ(Both(t, a), 9u);
  EXPECT_EQ(t.size(), 2u);
  ASSERT_TRUE(t.Delete(a).ok());
  EXPECT_EQ(Both(t, a), std::nullopt);
  EXPECT_EQ(Both(t, any), 0u);
  EXPECT_EQ(t.Delete(a).code(), absl::StatusCode::kNotFound);
}

// A bucket being written (odd counter) is not trusted: the lookup asks the hash. Once the write
// is over (even counter), the bucket's words are the answer.
TEST(PeerTable, ABucketUnderAWriteIsNotRead) {
  Rcu rcu(RTE_MAX_LCORE);
  PeerTable t(rcu, "gwut_peers5", 64);
  const PeerKey k{0x0a000001, 0x0a0000fe};
  ASSERT_TRUE(t.Set(k, 5).ok());
  PeerTablePeek::Scribble(t, PeerTable::Key(k), 99, /*writing=*/true);
  uint32_t id = 0;
  ASSERT_TRUE(t.Lookup(PeerTable::Key(k), &id));
  EXPECT_EQ(id, 5u);
  PeerTablePeek::Scribble(t, PeerTable::Key(k), 99, /*writing=*/true);  // odd + 1: even again
  ASSERT_TRUE(t.Lookup(PeerTable::Key(k), &id));
  EXPECT_EQ(id, 99u);
}

// Eleven keys of one home bucket fill it and spill into the next two; deleting the ones at home
// must not hide those stored past it, and their entries are reused.
TEST(PeerTable, KeysPastAFullHomeBucketStayFound) {
  Rcu rcu(RTE_MAX_LCORE);
  PeerTable t(rcu, "gwut_peers2", 64);
  const std::vector<PeerKey> keys = SameHome(t, 0x0a0000fe, 11);
  for (uint32_t i = 0; i < keys.size(); ++i) ASSERT_TRUE(t.Set(keys[i], 100 + i).ok()) << i;
  for (uint32_t i = 0; i < keys.size(); ++i) EXPECT_EQ(Both(t, keys[i]), 100 + i) << i;
  // A key of the same home that is absent is looked for through all three buckets.
  EXPECT_EQ(Both(t, SameHome(t, 0x0a0000fe, 12).back()), std::nullopt);
  for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(t.Delete(keys[i]).ok());  // the home bucket's
  for (uint32_t i = 4; i < keys.size(); ++i) EXPECT_EQ(Both(t, keys[i]), 100 + i) << i;
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(Both(t, keys[i]), std::nullopt) << i;
  for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(t.Set(keys[i], 200 + i).ok());
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(Both(t, keys[i]), 200 + i) << i;
  for (uint32_t i = 4; i < keys.size(); ++i) ASSERT_TRUE(t.Delete(keys[i]).ok());
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(Both(t, keys[i]), 200 + i) << i;
  for (uint32_t i = 4; i < keys.size(); ++i) EXPECT_EQ(Both(t, keys[i]), std::nullopt) << i;
}

// Set until it is refused: a refused key is in neither copy, every accepted one in both.
TEST(PeerTable, FullIsRefusedWholeAndLeavesTheRest) {
  Rcu rcu(RTE_MAX_LCORE);
  PeerTable t(rcu, "gwut_peers3", 8);
  std::vector<PeerKey> added;
  absl::Status s;
  for (uint32_t r = 1; r < 100000; ++r) {
    const PeerKey k{r, 0x0a0000fe};
    s = t.Set(k, r);
    if (!s.ok()) {
      EXPECT_EQ(Both(t, k), std::nullopt);
      break;
    }
    added.push_back(k);
  }
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_GE(added.size(), 8u);
  for (const PeerKey& k : added) EXPECT_EQ(Both(t, k), k.remote_be);
}

// Readers racing the writer see each stable key with its id at every moment, a key being
// re-pointed with its old or its new id, and a key being deleted and re-added either absent or
// with its own id, never another's: the writer keeps deleting and re-adding keys of one home
// bucket, each round in another order (so an entry holds one key, then another, and the buckets'
// `passing` counts change), for half a second.
TEST(PeerTable, LookupsDuringChangesNeverMissOrMix) {
  Rcu rcu(RTE_MAX_LCORE);
  PeerTable t(rcu, "gwut_peers4", 64);
  const std::vector<PeerKey> keys = SameHome(t, 0x0a0000fe, 12);
  // keys[0..3]: churned; keys[4..9]: stable, stored past the home bucket; keys[10]: re-pointed.
  for (uint32_t i = 0; i < 11; ++i) ASSERT_TRUE(t.Set(keys[i], 1000 + i).ok());
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> bad{0};
  ASSERT_EQ(rte_rcu_qsbr_thread_register(rcu.qsbr(), 0), 0);
  std::thread reader([&] {
    rte_rcu_qsbr_thread_online(rcu.qsbr(), 0);
    uint64_t n = 0;
    uint64_t wrong = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (uint32_t i = 4; i < 10; ++i) {
        uint32_t id = 0;
        if (!t.Lookup(PeerTable::Key(keys[i]), &id) || id != 1000 + i) ++wrong;
      }
      uint32_t id = 0;
      if (!t.Lookup(PeerTable::Key(keys[10]), &id) || (id != 1010 && id != 2010)) ++wrong;
      for (uint32_t i = 0; i < 4; ++i)  // churned: present or not, but never with another's id
        if (t.Lookup(PeerTable::Key(keys[i]), &id) && id != 1000 + i) ++wrong;
      ++n;
      rte_rcu_qsbr_quiescent(rcu.qsbr(), 0);
    }
    rte_rcu_qsbr_thread_offline(rcu.qsbr(), 0);
    reads = n;
    bad = wrong;
  });
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  uint64_t changes = 0;
  while (std::chrono::steady_clock::now() < end) {
    for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(t.Delete(keys[i]).ok());
    ASSERT_TRUE(t.Set(keys[10], changes % 2 ? 1010 : 2010).ok());
    for (uint32_t i = 0; i < 4; ++i) {  // each round in another order: an entry changes key
      const uint32_t k = static_cast<uint32_t>((i + changes) % 4);
      ASSERT_TRUE(t.Set(keys[k], 1000 + k).ok());
    }
    ++changes;
  }
  stop = true;
  reader.join();
  rte_rcu_qsbr_thread_unregister(rcu.qsbr(), 0);
  EXPECT_EQ(bad.load(), 0u) << "of " << reads.load() << " rounds of reads, " << changes
                            << " rounds of changes";
  EXPECT_GE(reads.load(), 1000u);
}

}  // namespace
}  // namespace gw::dp
