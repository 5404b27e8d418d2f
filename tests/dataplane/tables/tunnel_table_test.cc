// dataplane/tables/tunnel_table: records published whole by pointer, and the outer header
// template each one carries.
#include "dataplane/tables/tunnel_table.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>

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
  TunnelTable t(rcu, 16);
  EXPECT_EQ(t.capacity(), 16u);
  for (uint32_t i = 0; i < 16; ++i) EXPECT_EQ(t.Get(i), nullptr) << i;
}

TEST(TunnelTable, PublishReplacesAndRemoveEmpties) {
  Rcu rcu(RTE_MAX_LCORE);
  TunnelTable t(rcu, 16);
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
    EXPECT_EQ(r.tmpl_words[i], w) << i;
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
