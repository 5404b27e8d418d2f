// The books (dataplane/books.h): each way a received packet can end, walked as Worker::Run walks
// it (Process, then EndWalk for what is not an egress port), with a worker's slow-path state, and
// every term of the books checked by value: they must balance for the right reason, not by luck.
#include <gtest/gtest.h>

#include "dataplane/books.h"
#include "tests/dataplane/walk_fixture.h"

namespace gw::testing {
namespace {

class BooksTest : public WalkFixture {
 protected:
  void SetUp() override {
    WalkFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(SeedConfig());
    ASSERT_TRUE(Config(
        {"link set port1 mtu 600", "route add 198.51.100.0/24 via 10.10.100.9 dev port1"}));
    big_ = rte_pktmbuf_pool_create("gwunit_bk", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                   SOCKET_ID_ANY);
    indirect_ = rte_pktmbuf_pool_create("gwunit_bki", 255, 0, 0, 0, SOCKET_ID_ANY);
    punt_ = rte_ring_create("gwunit_bkp", 2048, SOCKET_ID_ANY, RING_F_SC_DEQ);  // (> kPuntReserve)
    ASSERT_NE(big_, nullptr);
    ASSERT_NE(indirect_, nullptr);
    ASSERT_NE(punt_, nullptr);
    io_store_.frag_tbl = rte_ip_frag_table_create(16, 8, 128, rte_get_tsc_hz(), SOCKET_ID_ANY);
    io_store_.death_row = static_cast<rte_ip_frag_death_row*>(
        rte_zmalloc("gwunit_bkdr", sizeof(rte_ip_frag_death_row), 0));
    ASSERT_NE(io_store_.frag_tbl, nullptr);
    io_store_.direct = big_;
    io_store_.indirect = indirect_;
    io_store_.punt = punt_;
    io_store_.icmp.Init(1000000, 1000000);
    io_store_.capture = captured_;
    io_store_.captured = &n_captured_;
    io_store_.capture_max = 64;
    io_store_.now = 1;
  }
  void TearDown() override {
    FreeAll();
    if (io_store_.frag_tbl != nullptr) rte_ip_frag_table_destroy(io_store_.frag_tbl);
    if (io_store_.death_row != nullptr) rte_free(io_store_.death_row);
    if (punt_ != nullptr) rte_ring_free(punt_);
    if (big_ != nullptr) {
      EXPECT_EQ(rte_mempool_in_use_count(big_), 0u) << "mbufs leaked";
      rte_mempool_free(big_);
    }
    if (indirect_ != nullptr) rte_mempool_free(indirect_);
    WalkFixture::TearDown();
  }

  // One frame received on `port` as Worker::Run handles it; returns the walk's answer (a sent
  // frame is freed here, as the port would).
  uint16_t Receive(uint16_t port, const Bytes& f) {
    rte_mbuf* m = rte_pktmbuf_alloc(big_);
    EXPECT_NE(m, nullptr);
    std::memcpy(rte_pktmbuf_append(m, static_cast<uint16_t>(f.size())), f.data(), f.size());
    m->port = port;
    dp::Ctx ctx(*tables_, counters_.get(), 0);
    ctx.NewBurst();
    ctx.io = &io_store_;
    const uint16_t out = dp::Process(ctx, m, tables_->ports[port]);
    dp::Bump(counters_->processed);
    if (out >= dp::kConsumed)
      dp::EndWalk(ctx, m, out);
    else
      rte_pktmbuf_free(m);
    return out;
  }
  void FreeAll() {
    for (uint16_t i = 0; i < n_captured_; ++i) rte_pktmbuf_free(captured_[i]);
    n_captured_ = 0;
    void* m;
    while (punt_ != nullptr && rte_ring_sc_dequeue(punt_, &m) == 0)
      rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
  }
  dp::WalkBooks Books() const { return dp::WalkBooksOf(*counters_); }

  Bytes Lan(const char* dst, size_t payload, uint16_t flags = 0, uint8_t ttl = 64) const {
    Ip4 ip{.src = "10.10.100.2", .dst = dst, .ttl = ttl, .proto = 17, .flags_frag = flags,
           .payload = Payload(payload)};
    return Eth(kP1, kHostAMac, kEthIpv4, ip.Build());
  }

  rte_mempool* big_ = nullptr;
  rte_mempool* indirect_ = nullptr;
  rte_ring* punt_ = nullptr;
  dp::WorkerIo io_store_;
  rte_mbuf* captured_[64];
  uint16_t n_captured_ = 0;
};

TEST_F(BooksTest, AForwardedPacketIsSent) {
  EXPECT_EQ(Receive(1, Lan("10.10.200.5", 40)), 0);
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.received, 1u);
  EXPECT_EQ(b.sent, 1u);
  EXPECT_EQ(b.dropped, 0u);
  EXPECT_EQ(b.handed_off(), 0u);
  EXPECT_EQ(b.made(), 0u);
  EXPECT_EQ(b.off(), 0);
}

TEST_F(BooksTest, ADropIsDroppedOnce) {
  // TTL 1: time exceeded, answered in place; the error goes back out of port1.
  EXPECT_EQ(Receive(1, Lan("10.10.200.5", 40, 0, 1)), 1);
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.received, 1u);
  EXPECT_EQ(b.dropped, 1u);           // ttl_exceeded
  EXPECT_EQ(b.answered_in_place, 1u);  // the error, in the packet's own mbuf
  EXPECT_EQ(b.sent, 1u);              // ... which left
  EXPECT_EQ(b.off(), 0);
  Bytes bad = Lan("10.10.200.5", 40);
  bad[14 + 10] ^= 1;  // checksum
  EXPECT_EQ(Receive(1, bad), dp::kDropped);
  EXPECT_EQ(Books().dropped, 2u);
  EXPECT_EQ(Books().sent, 1u);
  EXPECT_EQ(Books().off(), 0);
}

TEST_F(BooksTest, AnUnanswerableDropIsDroppedOnce) {
  // No route back to the sender (192.0.2.9 is nowhere): no error is built.
  Ip4 ip{.src = "192.0.2.9", .dst = "10.10.200.5", .ttl = 1, .proto = 17, .payload = Payload(8)};
  EXPECT_EQ(Receive(1, Eth(kP1, kHostAMac, kEthIpv4, ip.Build())), dp::kDropped);
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.dropped, 1u);
  EXPECT_EQ(b.answered_in_place, 0u);  // (IcmpError4 found no route before building it)
  EXPECT_EQ(b.off(), 0);
}

TEST_F(BooksTest, AnErrorThatCannotLeaveIsDroppedAgain) {
  // The error is built in the packet's mbuf (made), then its own way out is down: two reasons
  // for two packets, one mbuf freed.
  ASSERT_TRUE(Config({"link set port1 down"}));
  EXPECT_EQ(Receive(1, Lan("10.10.200.5", 40, 0, 1)), dp::kDropped);
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.answered_in_place, 1u);
  EXPECT_EQ(b.dropped, 2u);  // ttl_exceeded, link_down
  EXPECT_EQ(b.sent, 0u);
  EXPECT_EQ(b.off(), 0);
}

TEST_F(BooksTest, FragmentsAreMadeAndSentByTheSlowPath) {
  EXPECT_EQ(Receive(1, Lan("198.51.100.7", 700)), dp::kConsumed);  // DF clear, port1 MTU 600
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.received, 1u);
  EXPECT_EQ(b.fragmented, 1u);
  EXPECT_EQ(b.fragments_made, 2u);
  // 198.51.100.0/24 is via 10.10.100.9, which has no neighbour: both fragments are held.
  EXPECT_EQ(b.punted, 2u);
  EXPECT_EQ(b.sent, 0u);
  EXPECT_EQ(b.off(), 0);
  EXPECT_EQ(rte_ring_count(punt_), 2u);
}

TEST_F(BooksTest, ReassemblyTakesFragmentsAndMakesOnePacket) {
  // An echo request to the gateway in two fragments: the reply leaves from the slow path.
  Bytes echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1};
  const Bytes data = Payload(56);
  echo.insert(echo.end(), data.begin(), data.end());
  const uint16_t c = InetChecksum(echo.data(), echo.size());
  echo[2] = static_cast<uint8_t>(c >> 8);
  echo[3] = static_cast<uint8_t>(c);
  Ip4 f1{.src = "10.10.100.2", .dst = "10.10.100.1", .proto = 1, .flags_frag = 0x2000,
         .payload = Bytes(echo.begin(), echo.begin() + 32)};
  Ip4 f2{.src = "10.10.100.2", .dst = "10.10.100.1", .proto = 1, .flags_frag = 4,
         .payload = Bytes(echo.begin() + 32, echo.end())};
  EXPECT_EQ(Receive(1, Eth(kP1, kHostAMac, kEthIpv4, f1.Build())), dp::kConsumed);
  EXPECT_EQ(Books().to_reassembly, 1u);
  EXPECT_EQ(Books().reasm_waiting(), 1);
  EXPECT_EQ(Books().off(), 0);
  EXPECT_EQ(Receive(1, Eth(kP1, kHostAMac, kEthIpv4, f2.Build())), dp::kConsumed);
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.received, 2u);
  EXPECT_EQ(b.to_reassembly, 2u);
  EXPECT_EQ(b.reassembled, 1u);
  EXPECT_EQ(b.reasm_used, 2u);
  EXPECT_EQ(b.reasm_waiting(), 0);
  EXPECT_EQ(b.sent, 1u);  // the reply, through Send
  EXPECT_EQ(n_captured_, 1);
  EXPECT_EQ(b.off(), 0);
}

TEST_F(BooksTest, FragmentsGivenUpAreCountedOnceEach) {
  Ip4 f1{.src = "10.10.100.2", .dst = "10.10.100.1", .proto = 1, .flags_frag = 0x2000,
         .payload = Payload(32)};
  Ip4 f3 = f1;
  f3.flags_frag = 0x2000 | 8;
  EXPECT_EQ(Receive(1, Eth(kP1, kHostAMac, kEthIpv4, f1.Build())), dp::kConsumed);
  EXPECT_EQ(Receive(1, Eth(kP1, kHostAMac, kEthIpv4, f3.Build())), dp::kConsumed);
  rte_ip_frag_table_del_expired_entries(io_store_.frag_tbl, io_store_.death_row, UINT64_MAX);
  ASSERT_EQ(io_store_.death_row->cnt, 2u);
  dp::FreeDeathRow(*counters_, io_store_.death_row);
  const dp::WalkBooks b = Books();
  EXPECT_EQ(b.reasm_dropped, 2u);
  EXPECT_EQ(counters_->drops[static_cast<size_t>(dp::Drop::fragment)], 2u);
  EXPECT_EQ(b.dropped, 0u);  // (the table's, not the walk's)
  EXPECT_EQ(b.reasm_waiting(), 0);
  EXPECT_EQ(b.off(), 0);
}

// IPv6 (Reassemble6, frag.h): the same table, the same books.
TEST_F(BooksTest, Ipv6ReassemblyTakesFragmentsAndGivesUpTheRest) {
  ASSERT_TRUE(Config({"addr add 2001:db8:1::1/64 dev port1",
                      "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:02 dev port1"}));
  Bytes echo = {128, 0, 0, 0, 0x12, 0x34, 0, 1};
  const Bytes data = Payload(56);
  echo.insert(echo.end(), data.begin(), data.end());
  Bytes pseudo;
  PutAddr6(pseudo, "2001:db8:1::2");
  PutAddr6(pseudo, "2001:db8:1::1");
  pseudo.insert(pseudo.end(), {0, 0, 0, static_cast<uint8_t>(echo.size()), 0, 0, 0, 58});
  pseudo.insert(pseudo.end(), echo.begin(), echo.end());
  const uint16_t c = InetChecksum(pseudo.data(), pseudo.size());
  echo[2] = static_cast<uint8_t>(c >> 8);
  echo[3] = static_cast<uint8_t>(c);
  auto frag = [&](uint8_t id, uint16_t at, uint16_t len, bool more) {
    Bytes p = {58, 0, static_cast<uint8_t>(at >> 8), static_cast<uint8_t>((at & 0xf8) | more),
               0, 0, 0, id};
    p.insert(p.end(), echo.begin() + at, echo.begin() + at + len);
    const Ip6 f{.src = "2001:db8:1::2", .dst = "2001:db8:1::1", .next = 44, .payload = p};
    return Eth(kP1, kHostAMac, kEthIpv6, f.Build());
  };
  EXPECT_EQ(Receive(1, frag(1, 0, 32, true)), dp::kConsumed);
  EXPECT_EQ(Receive(1, frag(1, 32, 32, false)), dp::kConsumed);
  dp::WalkBooks b = Books();
  EXPECT_EQ(b.to_reassembly, 2u);
  EXPECT_EQ(b.reassembled, 1u);
  EXPECT_EQ(b.reasm_used, 2u);
  EXPECT_EQ(b.sent, 1u);  // the echo reply, through Send
  EXPECT_EQ(n_captured_, 1);
  EXPECT_EQ(b.off(), 0);
  // A first fragment whose rest never comes: waiting, then given up, counted once.
  EXPECT_EQ(Receive(1, frag(2, 0, 32, true)), dp::kConsumed);
  EXPECT_EQ(Books().reasm_waiting(), 1);
  EXPECT_EQ(Books().off(), 0);
  rte_ip_frag_table_del_expired_entries(io_store_.frag_tbl, io_store_.death_row, UINT64_MAX);
  dp::FreeDeathRow(*counters_, io_store_.death_row);
  b = Books();
  EXPECT_EQ(b.reasm_dropped, 1u);
  EXPECT_EQ(b.reasm_waiting(), 0);
  EXPECT_EQ(b.off(), 0);
  // A fragment the walk refuses before the table (no payload): a drop of the walk, not the table's.
  EXPECT_EQ(Receive(1, frag(3, 0, 0, true)), dp::kDropped);
  b = Books();
  EXPECT_EQ(b.to_reassembly, 3u);
  EXPECT_EQ(b.dropped, 1u);
  EXPECT_EQ(b.off(), 0);
}

TEST_F(BooksTest, ArpIsPunted) {
  Bytes arp = {0, 1, 8, 0, 6, 4, 0, 1, 0x52, 0x54, 0, 0x0a, 0x64, 2, 10, 10, 100, 2,
               0, 0, 0, 0, 0, 0, 10, 10, 100, 1};
  EXPECT_EQ(Receive(1, Eth(kBroadcast, kHostAMac, kEthArp, arp)), dp::kConsumed);
  EXPECT_EQ(Books().punted, 1u);
  EXPECT_EQ(Books().off(), 0);
}

TEST_F(BooksTest, TheTermsAddUp) {
  dp::LcoreCounters c;
  c.processed = 10;
  c.events[static_cast<size_t>(dp::Event::walk_dropped)] = 3;
  c.events[static_cast<size_t>(dp::Event::walk_handed_off)] = 2;
  c.events[static_cast<size_t>(dp::Event::icmp_errors)] = 1;
  c.drops[static_cast<size_t>(dp::Drop::no_route)] = 4;  // 3 freed + 1 answered in place
  c.drops[static_cast<size_t>(dp::Drop::tx_full)] = 5;   // (after the walk: not its drop)
  c.events[static_cast<size_t>(dp::Event::punted)] = 2;
  dp::WalkBooks b = dp::WalkBooksOf(c);
  EXPECT_EQ(b.sent, 5u);
  EXPECT_EQ(b.dropped, 4u);
  EXPECT_EQ(b.off(), 0);
  c.drops[static_cast<size_t>(dp::Drop::no_route)] = 5;  // a reason counted twice
  EXPECT_EQ(dp::WalkBooksOf(c).off(), -1);
  c.drops[static_cast<size_t>(dp::Drop::no_route)] = 4;
  c.events[static_cast<size_t>(dp::Event::walk_handed_off)] = 3;  // handed off to nowhere
  EXPECT_EQ(dp::WalkBooksOf(c).off(), 1);
}

}  // namespace
}  // namespace gw::testing
