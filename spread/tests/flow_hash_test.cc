// spread/datapath/flow_hash: which packets are spread and by what. Frames are built byte by byte
// (tests/dataplane/packets.h); the properties asserted are the ones per-flow order and the
// reassembly tables depend on: a tunnel packet goes by its inner flow whatever the outer header,
// all fragments of a datagram hash alike, and a frame too short or not IP stays where it came.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "spread/datapath/flow_hash.h"
#include "tests/dataplane/packets.h"

namespace gw::testing {
namespace {

using spread::FlowHash;
using spread::kLocal;
using spread::SpreadMode;

constexpr Mac kGw = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
constexpr Mac kPeer = {0x52, 0x54, 0x00, 0x00, 0x00, 0x88};

Bytes Ports(uint16_t sport, uint16_t dport, size_t more = 16) {
  Bytes b;
  Put16(b, sport);
  Put16(b, dport);
  Bytes p = Payload(more);
  b.insert(b.end(), p.begin(), p.end());
  return b;
}

Ip4 Inner4(uint16_t sport, uint16_t dport = 80, uint8_t proto = 6) {
  return Ip4{.src = "10.10.200.5", .dst = "10.10.100.2", .proto = proto,
             .payload = Ports(sport, dport)};
}
Ip6 Inner6(uint16_t sport, uint16_t dport = 443, uint8_t next = 17) {
  return Ip6{.src = "2001:db8:200::5", .dst = "2001:db8:100::2", .next = next,
             .payload = Ports(sport, dport)};
}
Bytes Over4(const Bytes& inner, uint8_t proto, const char* remote = "10.65.132.188",
            uint16_t flags_frag = 0) {
  return Eth(kGw, kPeer, kEthIpv4,
             Ip4{.src = remote, .dst = "10.65.132.187", .proto = proto, .flags_frag = flags_frag,
                 .payload = inner}
                 .Build());
}
// An ip6tnl packet; with `encaplimit`, the destination option (RFC 2473 4.1.1) in front.
Bytes Over6(const Bytes& inner, uint8_t next, bool encaplimit,
            const char* remote = "2001:db8:ffff::188") {
  Bytes payload;
  uint8_t nh = next;
  if (encaplimit) {
    payload = {next, 0, 4, 1, 4, 1, 1, 0};  // next, length 0, tunnel encap limit 4, PadN
    nh = 60;
  }
  payload.insert(payload.end(), inner.begin(), inner.end());
  return Eth(kGw, kPeer, kEthIpv6,
             Ip6{.src = remote, .dst = "2001:db8:ffff::187", .next = nh, .payload = payload}
                 .Build());
}

class FlowHashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_ = rte_pktmbuf_pool_create("gwunit_fh", 63, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                    SOCKET_ID_ANY);
    ASSERT_NE(pool_, nullptr);
  }
  void TearDown() override { rte_mempool_free(pool_); }

  // The hash of a frame, twice: from a heap block of exactly its size (so that the ASan build
  // catches any read past the frame) and from an mbuf as a worker gets it; both must agree.
  uint64_t Hash(const Bytes& frame, SpreadMode mode) {
    std::unique_ptr<uint8_t[]> exact(new uint8_t[frame.size()]);
    if (!frame.empty()) std::memcpy(exact.get(), frame.data(), frame.size());  // (no null src)
    const uint64_t h =
        spread::FlowHashFrame(exact.get(), static_cast<uint32_t>(frame.size()), mode);
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    EXPECT_NE(m, nullptr);
    uint8_t* data = reinterpret_cast<uint8_t*>(
        rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())));
    if (!frame.empty()) std::memcpy(data, frame.data(), frame.size());
    EXPECT_EQ(FlowHash(m, mode), h);
    rte_pktmbuf_free(m);
    return h;
  }

  rte_mempool* pool_ = nullptr;
};

TEST_F(FlowHashTest, TunnelPacketGoesByItsInnerFlowWhateverTheOuter) {
  const Bytes in = Inner4(1000).Build();
  const uint64_t h = Hash(Over4(in, 4), SpreadMode::kTunnel);
  ASSERT_NE(h, kLocal);
  EXPECT_EQ(Hash(Over4(in, 4, "10.65.132.189"), SpreadMode::kTunnel), h);  // another remote
  EXPECT_EQ(Hash(Over6(in, 4, false), SpreadMode::kTunnel), h);            // 4in6
  EXPECT_EQ(Hash(Over6(in, 4, true), SpreadMode::kTunnel), h);             // with encaplimit
  EXPECT_EQ(Hash(Over4(in, 4), SpreadMode::kAll), h);
  const Bytes in6 = Inner6(5000).Build();
  const uint64_t h6 = Hash(Over4(in6, 41), SpreadMode::kTunnel);
  ASSERT_NE(h6, kLocal);
  EXPECT_EQ(Hash(Over6(in6, 41, true), SpreadMode::kTunnel), h6);
  EXPECT_NE(h6, h);
}

TEST_F(FlowHashTest, InnerPortsSeparateFlowsOfOneHostPair) {
  std::set<uint64_t> seen;
  for (uint16_t sport = 1000; sport < 1064; ++sport)
    seen.insert(Hash(Over4(Inner4(sport).Build(), 4), SpreadMode::kTunnel));
  EXPECT_EQ(seen.size(), 64u);
  seen.clear();
  for (uint16_t sport = 1000; sport < 1064; ++sport)
    seen.insert(Hash(Over4(Inner6(sport).Build(), 41), SpreadMode::kTunnel));
  EXPECT_EQ(seen.size(), 64u);
  // ICMP has no ports: one flow per host pair and protocol.
  EXPECT_EQ(Hash(Over4(Inner4(1, 2, 1).Build(), 4), SpreadMode::kTunnel),
            Hash(Over4(Inner4(3, 4, 1).Build(), 4), SpreadMode::kTunnel));
  EXPECT_NE(Hash(Over4(Inner4(1, 2, 1).Build(), 4), SpreadMode::kTunnel),
            Hash(Over4(Inner4(1, 2, 6).Build(), 4), SpreadMode::kTunnel));
}

TEST_F(FlowHashTest, FragmentsOfADatagramHashAlike) {
  Ip4 first = Inner4(1000);
  first.flags_frag = 0x2000;  // MF, offset 0: the ports are there but not used
  Ip4 later = Inner4(7777);   // a later fragment: what sits where ports would be is data
  later.flags_frag = 0x0003;
  const uint64_t h = Hash(Over4(first.Build(), 4), SpreadMode::kTunnel);
  EXPECT_EQ(Hash(Over4(later.Build(), 4), SpreadMode::kTunnel), h);
  EXPECT_NE(h, kLocal);
  // IPv6: a fragment header (44) in front of the ports: hashed by addresses and 44.
  Ip6 f1 = Inner6(1, 2, 44), f2 = Inner6(9, 9, 44);
  EXPECT_EQ(Hash(Over4(f1.Build(), 41), SpreadMode::kTunnel),
            Hash(Over4(f2.Build(), 41), SpreadMode::kTunnel));
  // Outer fragments: reassembled where they arrived (kTunnel), or by outer 3-tuple (kAll).
  const Bytes in = Inner4(1000).Build();
  EXPECT_EQ(Hash(Over4(in, 4, "10.65.132.188", 0x2000), SpreadMode::kTunnel), kLocal);
  const uint64_t o1 = Hash(Over4(in, 4, "10.65.132.188", 0x2000), SpreadMode::kAll);
  EXPECT_NE(o1, kLocal);
  EXPECT_EQ(Hash(Over4(Payload(24), 4, "10.65.132.188", 0x0005), SpreadMode::kAll), o1);
}

TEST_F(FlowHashTest, OtherPacketsOnlyInModeAll) {
  const Bytes plain = Eth(kGw, kPeer, kEthIpv4, Inner4(1000).Build());
  EXPECT_EQ(Hash(plain, SpreadMode::kTunnel), kLocal);
  const uint64_t h = Hash(plain, SpreadMode::kAll);
  EXPECT_NE(h, kLocal);
  // The same flow inside a tunnel hashes the same: one worker whichever way it travels.
  EXPECT_EQ(Hash(Over4(Inner4(1000).Build(), 4), SpreadMode::kAll), h);
  const Bytes plain6 = Eth(kGw, kPeer, kEthIpv6, Inner6(1000).Build());
  EXPECT_EQ(Hash(plain6, SpreadMode::kTunnel), kLocal);
  EXPECT_EQ(Hash(plain6, SpreadMode::kAll), Hash(Over6(Inner6(1000).Build(), 41, true),
                                                 SpreadMode::kAll));
  const Bytes arp = Eth(kBroadcast, kPeer, kEthArp, Payload(28));
  EXPECT_EQ(Hash(arp, SpreadMode::kAll), kLocal);
}

TEST_F(FlowHashTest, ShortOrBadFramesStayLocalAndAreNotReadPast) {
  const Bytes good = Over4(Inner4(1000).Build(), 4);
  // Every truncation: never a read past the frame; a tunnel packet cut inside its inner header
  // is not a tunnel packet any more.
  for (size_t n = 0; n < good.size(); ++n) {
    const Bytes cut(good.begin(), good.begin() + static_cast<ptrdiff_t>(n));
    const uint64_t t = Hash(cut, SpreadMode::kTunnel);
    if (n < 14 + 20 + 20) {
      EXPECT_EQ(t, kLocal) << n;
    }
    Hash(cut, SpreadMode::kAll);
  }
  const Bytes good6 = Over6(Inner6(1000).Build(), 41, true);
  for (size_t n = 0; n < good6.size(); ++n) {
    const Bytes cut(good6.begin(), good6.begin() + static_cast<ptrdiff_t>(n));
    if (n < 14 + 40 + 8 + 40) {
      EXPECT_EQ(Hash(cut, SpreadMode::kTunnel), kLocal) << n;
    }
    Hash(cut, SpreadMode::kAll);
  }
  // A destination option claiming more than the frame holds.
  Bytes huge = good6;
  huge[14 + 40 + 1] = 255;
  EXPECT_EQ(Hash(huge, SpreadMode::kTunnel), kLocal);
  // Wrong IP versions.
  Bytes v = Over4(Inner4(1000).Build(), 4);
  v[14] = 0x65;
  EXPECT_EQ(Hash(v, SpreadMode::kAll), kLocal);
  Bytes inner_v = Over4(Inner4(1000).Build(), 4);
  inner_v[14 + 20] = 0x55;
  EXPECT_EQ(Hash(inner_v, SpreadMode::kTunnel), kLocal);
  EXPECT_NE(Hash(inner_v, SpreadMode::kAll), kLocal);  // (then as a plain packet)
}

TEST(WorkerOfTest, EvenOverAnyCount) {
  for (uint16_t n : {2, 3, 5, 16}) {
    std::vector<uint32_t> count(n);
    uint32_t x = 12345;
    for (int i = 0; i < 60000; ++i) {
      x = x * 1664525u + 1013904223u;
      const uint16_t w = spread::WorkerOf(x, n);
      ASSERT_LT(w, n);
      ++count[w];
    }
    for (uint16_t w = 0; w < n; ++w)
      EXPECT_NEAR(count[w], 60000.0 / n, 60000.0 / n * 0.05) << "n " << n << " worker " << w;
  }
}

// Flows that differ only in the low bits of one field (destination ports 5000-5007 from one
// source, the way one client opens connections to a service range; or destinations .0-.7 of one
// subnet without ports) must not all land on one worker: the hash is linear, WorkerOf mixes it.
TEST_F(FlowHashTest, LowBitsOfOneFieldStillSpread) {
  for (uint16_t n : {2, 4}) {
    std::set<uint16_t> by_port, by_addr;
    for (uint16_t d = 0; d < 8; ++d) {
      by_port.insert(spread::WorkerOf(
          static_cast<uint32_t>(Hash(Over4(Inner4(40000, 5000 + d).Build(), 4),
                                     SpreadMode::kTunnel)), n));
      const std::string dst = "10.10.100." + std::to_string(d);
      const Ip4 icmp{.src = "10.10.200.5", .dst = dst.c_str(), .proto = 1,
                     .payload = Payload(16)};
      by_addr.insert(spread::WorkerOf(
          static_cast<uint32_t>(Hash(Over4(icmp.Build(), 4), SpreadMode::kTunnel)), n));
    }
    EXPECT_GE(by_port.size(), 2u) << n << " workers";
    EXPECT_GE(by_addr.size(), 2u) << n << " workers";
  }
}

}  // namespace
}  // namespace gw::testing
