// dataplane/tables/lf_hash: a lock-free hash of 64-bit values, the peer and neighbour tables.
#include "dataplane/tables/lf_hash.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace gw::dp {
namespace {

struct Key {
  uint32_t a;
  uint32_t b;
};

TEST(LfHash, SetLookupOverwriteDelete) {
  Rcu rcu(RTE_MAX_LCORE);
  LfHash h(rcu, "gwut_hash", 64, sizeof(Key));
  ASSERT_TRUE(h.ok());
  const Key k{1, 2};
  uint64_t v = 0;
  EXPECT_FALSE(h.Lookup(&k, &v));
  ASSERT_TRUE(h.Set(&k, 0x0000524541bc8400ull).ok());
  ASSERT_TRUE(h.Lookup(&k, &v));
  EXPECT_EQ(v, 0x0000524541bc8400ull);
  EXPECT_EQ(h.size(), 1u);
  ASSERT_TRUE(h.Set(&k, 0).ok());  // zero is a value like any other
  ASSERT_TRUE(h.Lookup(&k, &v));
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(h.size(), 1u);
  const Key other{2, 1};
  EXPECT_FALSE(h.Lookup(&other, &v));
  ASSERT_TRUE(h.Delete(&k).ok());
  EXPECT_FALSE(h.Lookup(&k, &v));
  const absl::Status again = h.Delete(&k);
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(again.message(), "no such entry");
}

TEST(LfHash, FullIsResourceExhaustedAndDeletedSlotsComeBack) {
  Rcu rcu(RTE_MAX_LCORE);
  LfHash h(rcu, "gwut_hash", 64, sizeof(Key));
  ASSERT_TRUE(h.ok());
  uint32_t n = 0;
  absl::Status s;
  for (; n < 200; ++n) {
    const Key k{n, 7};
    s = h.Set(&k, n);
    if (!s.ok()) break;
  }
  EXPECT_EQ(n, 64u);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "table full");
  for (uint32_t i = 0; i < 64; ++i) {
    const Key k{i, 7};
    ASSERT_TRUE(h.Delete(&k).ok()) << i;
  }
  for (uint32_t i = 100; i < 164; ++i) {
    const Key k{i, 7};
    ASSERT_TRUE(h.Set(&k, i).ok()) << i;
  }
  uint64_t v;
  const Key last{163, 7};
  ASSERT_TRUE(h.Lookup(&last, &v));
  EXPECT_EQ(v, 163u);
}

}  // namespace
}  // namespace gw::dp
