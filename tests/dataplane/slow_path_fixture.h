// A walk fixture with a worker's slow-path state (reassembly table, fragment pools, an ICMP
// bucket that never runs dry, captured sends) over the seed configuration plus an `any` tunnel and
// IPv6, and valid frames of every kind the gateway serves (Seeds, IPv4 and IPv6 fragments to the
// gateway included) to start from. The robustness
// and vector-walk tests build on it.
#pragma once

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {

class SlowPathFixture : public WalkFixture {
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
      dp::FreeDeathRow(*counters_, io_store_.death_row);  // (booked as the worker does)
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
    // An ICMPv6 echo request to the gateway in two fragments (RFC 8200 4.5: the fragment header
    // right after the IPv6 header): reassembled, answered.
    Bytes echo6 = {128, 0, 0, 0, 0x12, 0x34, 0, 1};
    const Bytes data6 = Payload(72);
    echo6.insert(echo6.end(), data6.begin(), data6.end());
    Bytes pseudo;  // source, destination, length, next header 58
    PutAddr6(pseudo, "2001:db8:1::2");
    PutAddr6(pseudo, "2001:db8:1::1");
    pseudo.insert(pseudo.end(), {0, 0, 0, static_cast<uint8_t>(echo6.size()), 0, 0, 0, 58});
    pseudo.insert(pseudo.end(), echo6.begin(), echo6.end());
    const uint16_t c6 = InetChecksum(pseudo.data(), pseudo.size());
    echo6[2] = static_cast<uint8_t>(c6 >> 8);
    echo6[3] = static_cast<uint8_t>(c6);
    auto frag6 = [&](uint16_t at, uint16_t len, bool more) {
      Bytes p = {58, 0, static_cast<uint8_t>(at >> 8), static_cast<uint8_t>((at & 0xf8) | more),
                 0x0a, 0x0b, 0x0c, 0x0d};
      p.insert(p.end(), echo6.begin() + at, echo6.begin() + at + len);
      const Ip6 f{.src = "2001:db8:1::2", .dst = "2001:db8:1::1", .next = 44, .payload = p};
      return std::make_pair(uint16_t{1}, Eth(kP1, kHostAMac, kEthIpv6, f.Build()));
    };
    s.push_back(frag6(0, 48, true));
    s.push_back(frag6(48, 32, false));
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

// One mutation of a valid frame, as an attacker or a broken link would make it: cut anywhere, a
// length / id / offset field rewritten, a few bits flipped, or (one time in four) unchanged.
template <typename Rng>
Bytes Mutate(Bytes f, Rng& rng) {
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
  return f;
}

}  // namespace gw::testing
