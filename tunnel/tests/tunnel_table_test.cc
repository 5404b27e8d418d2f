// tunnel/datapath/tunnel_table: records published whole by pointer, and the outer header
// template each one carries.
#include "tunnel/datapath/tunnel_table.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "dataplane/packet/checksum.h"

namespace gw::dp {
namespace {

uint32_t Be(const char* a) {
  in_addr x{};
  EXPECT_EQ(inet_pton(AF_INET, a, &x), 1) << a;
  return x.s_addr;
}

std::array<uint8_t, 20> Bytes(const TunnelRec& r) {
  std::array<uint8_t, 20> b;
  std::memcpy(b.data(), &r.tmpl, 20);
  return b;
}

TEST(TunnelTable, AFreshTableHasNoRecords) {
  Rcu rcu(RTE_MAX_LCORE);
  TunnelTable t(rcu, 16, 1);
  EXPECT_EQ(t.capacity(), 16u);
  for (uint32_t i = 0; i < 16; ++i) EXPECT_EQ(t.Get(i), nullptr) << i;
}

TEST(TunnelTable, ReadCopiesTheFastFieldsOfThePublishedRecord) {
  Rcu rcu(RTE_MAX_LCORE);
  TunnelTable t(rcu, 16, 1);
  const TunnelLine* lines = t.Lines(0);
  TunnelView f;
  EXPECT_FALSE(t.Read(lines, 5, &f));  // free
  auto a = std::make_unique<TunnelRec>();
  a->id = 5;
  a->mtu = 1400;
  a->ttl = 17;
  a->carries = kCarryIpv6;
  a->bound_port = 2;
  a->up = true;
  a->remote_any = true;
  a->tos_inherit = true;
  a->pmtudisc = false;
  a->src4_be = Be("192.0.2.1");
  a->BuildTemplate(Be("10.65.132.187"), Be("10.65.132.188"), 0);
  const TunnelRec expect = *a;
  t.Publish(std::move(a));
  ASSERT_TRUE(t.Read(lines, 5, &f));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(f.TmplWord(i), expect.TmplWord(i)) << i;
  EXPECT_EQ(f.version_ihl(), 0x45);
  EXPECT_EQ(f.tmpl_tos(), expect.tmpl.type_of_service);
  EXPECT_EQ(f.tmpl_ttl(), 17);
  EXPECT_EQ(f.src_be(), Be("10.65.132.187"));
  EXPECT_EQ(f.dst_be(), Be("10.65.132.188"));
  // The sum is folded, plus five 0xffff (zero to a one's complement sum), so that EncapBuild
  // can take five template words out of it without going below zero.
  EXPECT_EQ(FoldSum(f.tmpl_sum()), FoldSum(expect.tmpl_sum));
  EXPECT_GE(f.tmpl_sum(), 5u * 0xffff);
  EXPECT_EQ(f.mtu(), 1400);
  EXPECT_EQ(f.ttl(), 17);
  EXPECT_EQ(f.carries(), kCarryIpv6);
  EXPECT_EQ(f.bound_port(), 2);
  EXPECT_TRUE(f.up());
  EXPECT_TRUE(f.remote_any());
  EXPECT_TRUE(f.tos_inherit());
  EXPECT_FALSE(f.pmtudisc());
  EXPECT_FALSE(t.Read(lines, 4, &f));

  // Every flag the other way, and the largest values.
  auto b = std::make_unique<TunnelRec>();
  b->id = 5;
  b->mtu = 65535;
  b->ttl = 0;
  b->carries = kCarryIpv4 | kCarryIpv6;
  b->bound_port = kNoPort;
  b->up = false;
  b->remote_any = false;
  b->tos_inherit = false;
  b->pmtudisc = true;
  b->BuildTemplate(Be("255.255.255.254"), Be("255.255.255.253"), 0xfc);
  t.Publish(std::move(b));
  ASSERT_TRUE(t.Read(lines, 5, &f));
  EXPECT_EQ(f.tmpl_tos(), 0xfc);
  EXPECT_EQ(f.src_be(), Be("255.255.255.254"));
  EXPECT_EQ(f.dst_be(), Be("255.255.255.253"));
  EXPECT_EQ(f.mtu(), 65535);
  EXPECT_EQ(f.ttl(), 0);
  EXPECT_EQ(f.carries(), kCarryIpv4 | kCarryIpv6);
  EXPECT_EQ(f.bound_port(), kNoPort);
  EXPECT_FALSE(f.up());
  EXPECT_FALSE(f.remote_any());
  EXPECT_FALSE(f.tos_inherit());
  EXPECT_TRUE(f.pmtudisc());
  t.Remove(5);
  EXPECT_FALSE(t.Read(lines, 5, &f));
  t.Barrier();
}

// Each worker reads its own line of a tunnel, with the same fields, and counts in it alone; a
// change of the tunnel rewrites the fields of every line and leaves the counters (the gateway
// subtracts an id's earlier counts when it reuses the id).
TEST(TunnelTable, EachWorkerHasItsOwnLineAndCounters) {
  Rcu rcu(RTE_MAX_LCORE);
  TunnelTable t(rcu, 8, 3);
  EXPECT_EQ(t.workers(), 3u);
  auto make = [](uint16_t mtu) {
    auto r = std::make_unique<TunnelRec>();
    r->id = 6;
    r->mtu = mtu;
    r->up = true;
    r->carries = kCarryIpv4;
    r->BuildTemplate(Be("10.65.132.187"), Be("10.65.132.188"), 0);
    return r;
  };
  t.Publish(make(1400));
  for (uint32_t w = 0; w < 3; ++w) {
    TunnelView f;
    ASSERT_TRUE(t.Read(t.Lines(w), 6, &f)) << w;
    EXPECT_EQ(f.mtu(), 1400) << w;
    EXPECT_EQ(f.dst_be(), Be("10.65.132.188")) << w;
    EXPECT_NE(&t.Lines(w)[6], &t.Lines((w + 1) % 3)[6]);
  }
  TunnelCounters& c1 = t.Lines(1)[6].c;
  c1.encap_packets = 3;
  c1.encap_bytes = 300;
  c1.decap_packets = 2;
  c1.decap_bytes = 140;
  t.Publish(make(1300));
  const TunnelCounters got = t.Counters(1, 6);
  EXPECT_EQ(got.encap_packets, 3u);
  EXPECT_EQ(got.encap_bytes, 300u);
  EXPECT_EQ(got.decap_packets, 2u);
  EXPECT_EQ(got.decap_bytes, 140u);
  EXPECT_EQ(t.Counters(0, 6).encap_packets, 0u);
  EXPECT_EQ(t.Counters(2, 6).encap_packets, 0u);
  TunnelView f;
  ASSERT_TRUE(t.Read(t.Lines(2), 6, &f));
  EXPECT_EQ(f.mtu(), 1300);
  t.Remove(6);
  EXPECT_FALSE(t.Read(t.Lines(1), 6, &f));
  EXPECT_EQ(t.Counters(1, 6).encap_packets, 3u);
  t.Barrier();
}

// A reader racing the writer gets one published version whole, never a mix. Version n has
// mtu n, TTL n and remote 10.x.y.z made of n, so a copy with words of two versions shows. The
// reader is a registered RCU thread reading the second worker's line (its fallback reads the
// published record), the writer publishes for a second and reclaims as it goes.
TEST(TunnelTable, ReadDuringChangesSeesOneVersionWhole) {
  Rcu rcu(RTE_MAX_LCORE);
  TunnelTable t(rcu, 4, 2);
  auto make = [](uint32_t n) {
    auto r = std::make_unique<TunnelRec>();
    r->id = 1;
    r->mtu = static_cast<uint16_t>(n);
    r->ttl = static_cast<uint8_t>(n);
    r->up = true;
    r->carries = kCarryIpv4;
    r->BuildTemplate(Be("10.65.132.187"), htonl(0x0a000000 | (n & 0xffff)), 0);
    return r;
  };
  t.Publish(make(1));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> mixed{0};
  ASSERT_EQ(rte_rcu_qsbr_thread_register(rcu.qsbr(), 0), 0);
  std::thread reader([&] {
    rte_rcu_qsbr_thread_online(rcu.qsbr(), 0);
    TunnelView f;
    uint64_t n = 0;
    uint64_t bad = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      if (!t.Read(t.Lines(1), 1, &f) || f.ttl() != static_cast<uint8_t>(f.mtu()) ||
          f.dst_be() != htonl(0x0a000000 | f.mtu()))
        ++bad;
      ++n;
      rte_rcu_qsbr_quiescent(rcu.qsbr(), 0);
    }
    rte_rcu_qsbr_thread_offline(rcu.qsbr(), 0);
    reads = n;
    mixed = bad;
  });
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  uint64_t writes = 0;
  for (uint32_t n = 2; std::chrono::steady_clock::now() < end; n = n % 60000 + 1) {
    t.Publish(make(n));
    if (++writes % 256 == 0) t.Reclaim();
  }
  stop = true;
  reader.join();
  rte_rcu_qsbr_thread_unregister(rcu.qsbr(), 0);
  t.Barrier();
  EXPECT_EQ(mixed.load(), 0u) << "of " << reads.load() << " reads, " << writes << " writes";
  EXPECT_GE(reads.load(), 1000u);
}

TEST(TunnelTable, PublishReplacesAndRemoveEmpties) {
  Rcu rcu(RTE_MAX_LCORE);
  TunnelTable t(rcu, 16, 1);
  auto a = std::make_unique<TunnelRec>();
  a->id = 3;
  a->mtu = 1400;
  const TunnelRec* pa = a.get();
  t.Publish(std::move(a));
  EXPECT_EQ(t.Get(3), pa);
  EXPECT_EQ(t.Get(3)->mtu, 1400);
  EXPECT_EQ(t.Get(2), nullptr);
  auto b = std::make_unique<TunnelRec>();
  b->id = 3;
  b->mtu = 1300;
  const TunnelRec* pb = b.get();
  t.Publish(std::move(b));
  EXPECT_EQ(t.Get(3), pb);
  EXPECT_EQ(t.Get(3)->mtu, 1300);
  t.Reclaim();
  EXPECT_EQ(t.Get(3), pb);
  t.Remove(3);
  EXPECT_EQ(t.Get(3), nullptr);
  t.Reclaim();
}

TEST(TunnelRec, TemplateHoldsTheFixedFieldsOnly) {
  TunnelRec r;
  r.ttl = 64;
  r.pmtudisc = true;
  r.BuildTemplate(Be("10.65.132.187"), Be("10.65.132.188"), 0xbb);
  EXPECT_EQ(Bytes(r), (std::array<uint8_t, 20>{0x45, 0xb8, 0, 0, 0, 0, 0x40, 0, 64, 0, 0, 0, 10, 65,
                                               132, 187, 10, 65, 132, 188}));
  uint32_t sum = 0;
  for (int i = 0; i < 10; ++i) {
    uint16_t w;
    std::memcpy(&w, reinterpret_cast<const uint8_t*>(&r.tmpl) + 2 * i, 2);
    EXPECT_EQ(r.TmplWord(i), w) << i;
    sum += w;
  }
  EXPECT_EQ(r.tmpl_sum, sum);
}

TEST(TunnelRec, InheritAndNopmtudiscLeaveTosAndDfToThePacket) {
  TunnelRec r;
  r.ttl = 0;
  r.pmtudisc = false;
  r.tos_inherit = true;
  r.BuildTemplate(Be("192.0.2.1"), 0, 0x28);
  EXPECT_EQ(Bytes(r), (std::array<uint8_t, 20>{0x45, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2,
                                               1, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace gw::dp
