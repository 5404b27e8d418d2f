// dataplane/tables/route_table: the left-right LPM tables. A batch is published whole, reaches
// both copies, and a batch that does not fit leaves both as they were.
#include "dataplane/tables/route_table.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace gw::dp {
namespace {

uint32_t H(const char* a) {
  in_addr x{};
  EXPECT_EQ(inet_pton(AF_INET, a, &x), 1) << a;
  return ntohl(x.s_addr);
}
std::array<uint8_t, 16> H6(const char* a) {
  std::array<uint8_t, 16> b{};
  EXPECT_EQ(inet_pton(AF_INET6, a, b.data()), 1) << a;
  return b;
}

uint64_t Get(rte_fib* f, const char* a) {
  uint32_t ip = H(a);
  uint64_t nh = 0xdead;
  rte_fib_lookup_bulk(f, &ip, &nh, 1);
  return nh;
}
uint64_t Get6(rte_fib6* f, const char* a) {
  uint8_t ip[1][16];
  const auto b = H6(a);
  std::memcpy(ip[0], b.data(), 16);
  uint64_t nh = 0xdead;
  rte_fib6_lookup_bulk(f, ip, &nh, 1);
  return nh;
}

class RouteTableTest : public ::testing::Test {
 protected:
  Rcu rcu_{RTE_MAX_LCORE};
};

TEST_F(RouteTableTest, ABatchIsVisibleWholeAfterApply) {
  Route4Table t(rcu_, "gwut_r4", 64, 16);
  ASSERT_TRUE(t.ok());
  const std::vector<Route4Table::Op> ops = {{H("10.0.0.0"), 8, 5, 0}, {H("10.1.0.0"), 16, 6, 0}};
  ASSERT_TRUE(t.Apply(ops).ok());
  EXPECT_EQ(Get(t.Reader(), "10.1.2.3"), 6u);
  EXPECT_EQ(Get(t.Reader(), "10.2.0.0"), 5u);
  EXPECT_EQ(Get(t.Reader(), "11.0.0.1"), 0u);
}

TEST_F(RouteTableTest, EveryBatchReachesBothCopies) {
  Route4Table t(rcu_, "gwut_r4", 64, 16);
  ASSERT_TRUE(t.ok());
  const std::vector<Route4Table::Op> a = {{H("10.0.0.0"), 8, 5, 0}};
  const std::vector<Route4Table::Op> b = {{H("192.0.2.7"), 32, 7, 0}};
  const std::vector<Route4Table::Op> c = {{H("10.0.0.0"), 8, 0, 5}};  // delete
  ASSERT_TRUE(t.Apply(a).ok());
  rte_fib* first = t.Reader();
  ASSERT_TRUE(t.Apply(b).ok());
  rte_fib* second = t.Reader();
  EXPECT_NE(first, second);  // the other copy was published
  EXPECT_EQ(Get(second, "10.9.9.9"), 5u);
  EXPECT_EQ(Get(second, "192.0.2.7"), 7u);
  ASSERT_TRUE(t.Apply(c).ok());
  EXPECT_EQ(t.Reader(), first);
  EXPECT_EQ(Get(t.Reader(), "10.9.9.9"), 0u);
  EXPECT_EQ(Get(t.Reader(), "192.0.2.7"), 7u);
  ASSERT_TRUE(t.Apply(a).ok());
  EXPECT_EQ(t.Reader(), second);
  EXPECT_EQ(Get(t.Reader(), "10.9.9.9"), 5u);
  EXPECT_EQ(Get(t.Reader(), "192.0.2.7"), 7u);
}

TEST_F(RouteTableTest, AnEmptyBatchPublishesNothing) {
  Route4Table t(rcu_, "gwut_r4", 64, 16);
  ASSERT_TRUE(t.ok());
  rte_fib* before = t.Reader();
  ASSERT_TRUE(t.Apply({}).ok());
  EXPECT_EQ(t.Reader(), before);
}

TEST_F(RouteTableTest, ABatchThatDoesNotFitLeavesBothCopiesAsTheyWere) {
  // rte_fib rounds tbl8 groups up to a multiple of 64.
  Route4Table t(rcu_, "gwut_r4", 1024, 64);
  ASSERT_TRUE(t.ok());
  // Each /32 in its own /24 takes a tbl8 group; find where they run out.
  int fitted = 0;
  for (; fitted < 1000; ++fitted) {
    const std::vector<Route4Table::Op> op = {
        {(H("10.0.0.1") + (static_cast<uint32_t>(fitted) << 8)), 32, 9, 0}};
    if (!t.Apply(op).ok()) break;
  }
  EXPECT_EQ(fitted, 64);
  rte_fib* before = t.Reader();
  // The /16 fits, the /32 after it does not: neither may stay, in either copy.
  const std::vector<Route4Table::Op> batch = {{H("172.16.0.0"), 16, 7, 0},
                                              {H("172.17.0.1"), 32, 8, 0}};
  const absl::Status s = t.Apply(batch);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "route table full (raise --routes/--routes6 or the tbl8 flags)");
  EXPECT_EQ(t.Reader(), before);
  EXPECT_EQ(Get(t.Reader(), "172.16.1.1"), 0u);
  // Flip to the other copy with a change that fits: it must not have the failed batch either.
  const std::vector<Route4Table::Op> ok = {{H("10.0.0.0"), 8, 3, 0}};
  ASSERT_TRUE(t.Apply(ok).ok());
  EXPECT_NE(t.Reader(), before);
  EXPECT_EQ(Get(t.Reader(), "172.16.1.1"), 0u);
  EXPECT_EQ(Get(t.Reader(), "172.17.0.1"), 0u);
  EXPECT_EQ(Get(t.Reader(), "10.0.0.1"), 9u);
  EXPECT_EQ(Get(t.Reader(), "10.200.0.1"), 3u);
}

// DPDK 22.11's DIR-24-8 does not count a route longer than /24 whose next hop is its parent's
// when it is added, but uncounts it when it is deleted: without Fib4Backend::Add's detour, one
// such route added and deleted leaves every later route longer than /24 refused (ENOSPC), e.g.
// `route add 10.0.0.5/32 dev port0` under port0's connected 10.0.0.0/24, then `route del`.
TEST_F(RouteTableTest, AHostRouteWithItsParentsNextHopComesAndGoesWithoutUsingUpTheTable) {
  Route4Table t(rcu_, "gwut_r4", 1024, 64);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(t.Apply(std::vector<Route4Table::Op>{{H("10.0.0.0"), 24, 5, 0}, {H("0.0.0.0"), 0, 6, 0}}).ok());
  for (int i = 0; i < 3; ++i) {
    // under the /24, and under the default route
    ASSERT_TRUE(t.Apply(std::vector<Route4Table::Op>{{H("10.0.0.7"), 32, 5, 0}, {H("10.9.0.7"), 32, 6, 0}}).ok());
    EXPECT_EQ(Get(t.Reader(), "10.0.0.7"), 5u);
    EXPECT_EQ(Get(t.Reader(), "10.9.0.7"), 6u);
    ASSERT_TRUE(t.Apply(std::vector<Route4Table::Op>{{H("10.0.0.7"), 32, 0, 5}, {H("10.9.0.7"), 32, 0, 6}}).ok());
  }
  // Every tbl8 group is still there: 64 routes in 64 different /24s fit.
  for (uint32_t i = 0; i < 64; ++i)
    ASSERT_TRUE(t.Apply(std::vector<Route4Table::Op>{{H("172.16.0.1") + (i << 8), 32, 9, 0}}).ok()) << i;
  EXPECT_EQ(Get(t.Reader(), "10.0.0.7"), 5u);
  EXPECT_EQ(Get(t.Reader(), "172.16.63.1"), 9u);
}

TEST_F(RouteTableTest, Ipv6BatchesReachBothCopies) {
  Route6Table t(rcu_, "gwut_r6", 64, 64);
  ASSERT_TRUE(t.ok());
  const std::vector<Route6Table::Op> a = {{H6("2001:db8::"), 32, 4, 0}};
  const std::vector<Route6Table::Op> b = {{H6("2001:db8:1::"), 48, 6, 0}};
  ASSERT_TRUE(t.Apply(a).ok());
  ASSERT_TRUE(t.Apply(b).ok());
  EXPECT_EQ(Get6(t.Reader(), "2001:db8:1::1"), 6u);
  EXPECT_EQ(Get6(t.Reader(), "2001:db8:2::1"), 4u);
  EXPECT_EQ(Get6(t.Reader(), "2001:db9::1"), 0u);
  const std::vector<Route6Table::Op> del = {{H6("2001:db8:1::"), 48, 0, 6}};
  ASSERT_TRUE(t.Apply(del).ok());
  EXPECT_EQ(Get6(t.Reader(), "2001:db8:1::1"), 4u);
}

}  // namespace
}  // namespace gw::dp
