// A running gateway inside the test process: two ports made from rings (rte_eth_from_rings), the
// real Dataplane (its mempool, tables and one Worker looping on lcore 1), a Gateway over its
// tables configured with real command lines, and the test's own packets.
//
// Everything here runs on the test's main thread, which is the gateway's control thread (lcore 0):
// it injects frames into port0's RX ring, applies commands, and collects what the worker sent
// into the TX rings. The worker runs concurrently on lcore 1, so frames left in the RX ring
// before a command are processed while that command runs.
//
// Frames are written byte by byte here (Ethernet, IPv4, RFC 1071 checksums), never by calling
// the dataplane. Each carries a probe in its payload: a sequence number and what the test knew
// when it injected the frame (`tag`, `aux`), so a collected packet can be judged on its own.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "control/command.h"
#include "control/gateway.h"
#include "dataplane/dataplane.h"
#include "dataplane/dpdk.h"

#include <rte_eth_ring.h>

namespace gw::stress {

// ---- addresses, host order ----

constexpr uint32_t Ip(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}
inline std::string IpStr(uint32_t host) {
  return absl::StrFormat("%u.%u.%u.%u", host >> 24, (host >> 16) & 0xff, (host >> 8) & 0xff,
                         host & 0xff);
}

// The network every test uses (BaseConfig):
//   port0 192.0.2.1/24: where test frames come in, from kSender.
//   port1 198.51.100.1/24: the underlay; tunnels' local address; remotes are in 100.64.0.0/10,
//   routed via kUnderlayGw, whose MAC is kGwMac.
inline constexpr uint32_t kSender = Ip(192, 0, 2, 100);
inline constexpr uint32_t kLocal = Ip(198, 51, 100, 1);
inline constexpr uint32_t kUnderlayGw = Ip(198, 51, 100, 2);
inline constexpr std::array<uint8_t, 6> kGwMac = {0x02, 0x00, 0x00, 0x00, 0x01, 0x02};
inline constexpr std::array<uint8_t, 6> kSenderMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

// ---- frames ----

inline constexpr uint32_t kMagic = 0x47575354;  // "GWST"
inline constexpr uint16_t kPayloadLen = 30;
inline constexpr uint16_t kInnerLen = 20 + kPayloadLen;
inline constexpr uint16_t kFrameLen = 14 + kInnerLen;  // 64: what we inject
inline constexpr uint16_t kOutLen = 14 + 20 + kInnerLen;  // what an encapsulated frame is

inline void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Put32(uint8_t* p, uint32_t v) {
  Put16(p, static_cast<uint16_t>(v >> 16));
  Put16(p + 2, static_cast<uint16_t>(v));
}
inline void Put64(uint8_t* p, uint64_t v) {
  Put32(p, static_cast<uint32_t>(v >> 32));
  Put32(p + 4, static_cast<uint32_t>(v));
}
inline uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t Get32(const uint8_t* p) { return (uint32_t{Get16(p)} << 16) | Get16(p + 2); }
inline uint64_t Get64(const uint8_t* p) { return (uint64_t{Get32(p)} << 32) | Get32(p + 4); }

// RFC 1071 over big-endian words: the value for the checksum field; 0 over a correct header.
inline uint16_t Checksum(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t{p[i]} << 8) | p[i + 1];
  if (n % 2 != 0) s += uint32_t{p[n - 1]} << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(~s);
}

// What a test frame carries: set by the generator at injection (seq by the rig).
struct Probe {
  uint64_t seq = 0;
  uint32_t dst = 0;  // inner destination, host order
  uint8_t tos = 0;   // inner TOS byte: seq % 3, the ECN bits Not-ECT, ECT(1), ECT(0) in turn
  uint32_t tag = 0;  // test-defined: what the test knew at injection
  uint32_t aux = 0;  // test-defined
};

// An encapsulated frame as collected from port1, parsed and checked for everything that does not
// depend on the tunnel: the outer fields that do are left to the test.
struct Seen {
  Probe p;
  uint32_t outer_dst = 0;  // host order
  uint8_t outer_ttl = 0;
  uint8_t outer_tos = 0;
};

class Rig {
 public:
  static constexpr unsigned kRxRing = 1024;   // port0 RX: what we inject
  static constexpr unsigned kTxRing = 8192;   // TX rings: more than can ever be in flight
  static constexpr unsigned kRxHigh = 512;    // inject only while the RX ring holds less
  static constexpr unsigned kMaxReported = 20;

  Rig() = default;
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;
  ~Rig() { Teardown(); }

  // Rings, ports, Dataplane, Gateway. `name` must be unique in the process (ports are vdevs).
  ::testing::AssertionResult Setup(const std::string& name) {
    if (rte_eth_dev_count_avail() != 0)
      return ::testing::AssertionFailure() << "ports left over from an earlier test";
    const int socket = static_cast<int>(rte_socket_id());
    const unsigned flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
    for (int p = 0; p < 2; ++p) {
      rx_[p] = rte_ring_create(absl::StrCat(name, "_rx", p).c_str(), kRxRing, socket, flags);
      tx_[p] = rte_ring_create(absl::StrCat(name, "_tx", p).c_str(), kTxRing, socket, flags);
      if (rx_[p] == nullptr || tx_[p] == nullptr)
        return ::testing::AssertionFailure() << "rte_ring_create: " << rte_strerror(rte_errno);
      const int id = rte_eth_from_rings(absl::StrCat(name, "_p", p).c_str(), &rx_[p], 1, &tx_[p],
                                        1, static_cast<unsigned>(socket));
      if (id < 0)
        return ::testing::AssertionFailure() << "rte_eth_from_rings: " << rte_strerror(rte_errno);
      port_id_[p] = static_cast<uint16_t>(id);
      ++ports_made_;
    }

    dp::DataplaneOptions opts;
    opts.sizes.tunnels = 4096;
    opts.sizes.routes = 65536;
    opts.sizes.routes6 = 1024;
    opts.sizes.tbl8s = 4096;
    opts.sizes.tbl8s6 = 256;
    opts.sizes.nexthops = 65536;
    opts.sizes.neighbours = 1024;
    opts.mbufs = 32767;  // RX ring + both TX rings full, and then some
    // The frames to deleted routes must be dropped and nothing else: no ICMP errors back.
    opts.worker.icmp_rate = 0;
    auto created = dp::Dataplane::Create(opts);
    if (!created.ok()) return ::testing::AssertionFailure() << created.status();
    dp_ = std::move(*created);
    if (dp_->ports().size() != 2 || dp_->workers().size() != 1)
      return ::testing::AssertionFailure()
             << dp_->ports().size() << " ports and " << dp_->workers().size()
             << " workers; want 2 and 1";
    std::vector<ctl::PortRef> refs;
    for (int p = 0; p < 2; ++p) {
      if (dp_->ports()[p].id != port_id_[p])
        return ::testing::AssertionFailure() << "port order differs from creation order";
      port_name_[p] = dp_->ports()[p].name;
      refs.push_back({port_id_[p], port_name_[p]});
      if (int rc = rte_eth_macaddr_get(port_id_[p], &mac_[p]); rc != 0)
        return ::testing::AssertionFailure() << "rte_eth_macaddr_get: " << rte_strerror(-rc);
    }
    dp::Dataplane* d = dp_.get();
    gw_ = std::make_unique<ctl::Gateway>(
        dp_->tables(), refs,
        [d](uint16_t port, uint16_t mtu) { return d->SetPortMtu(port, mtu); });
    return ::testing::AssertionSuccess();
  }

  // The network of the header comment. Then the worker starts.
  ::testing::AssertionResult BaseConfig() {
    for (const std::string& l : {
             absl::StrCat("addr add 192.0.2.1/24 dev ", port_name_[0]),
             absl::StrCat("addr add 198.51.100.1/24 dev ", port_name_[1]),
             absl::StrCat("neigh add ", IpStr(kUnderlayGw), " lladdr 02:00:00:00:01:02 dev ",
                          port_name_[1]),
             absl::StrCat("route add 100.64.0.0/10 via ", IpStr(kUnderlayGw), " dev ",
                          port_name_[1]),
         }) {
      if (absl::Status s = Run(l); !s.ok())
        return ::testing::AssertionFailure() << "\"" << l << "\": " << s;
    }
    return ::testing::AssertionSuccess();
  }

  void Launch() {
    dp_->Launch();
    launched_ = true;
  }

  // Baselines for the leak and counter checks: call before the first injection.
  void StartCounting() {
    base_in_use_ = rte_mempool_in_use_count(dp_->pool());
    base_processed_ = Processed();
    base_drops_ = Drops();
  }

  // One command line through the parser and Apply, as the config file and socket do.
  absl::Status Run(absl::string_view line) {
    auto c = ctl::ParseCommand(ctl::Tokenize(line));
    if (!c.ok()) return c.status();
    return gw_->Apply(*c);
  }

  // Injects up to n frames (at most 64, and only while port0's RX ring holds less than kRxHigh).
  // `gen` fills each probe; its seq is already set. Returns how many went in.
  template <typename Gen>
  unsigned Inject(unsigned n, Gen&& gen) {
    const unsigned used = rte_ring_count(rx_[0]);
    if (used >= kRxHigh) return 0;
    n = std::min({n, kRxHigh - used, 64u});
    if (n == 0) return 0;
    rte_mbuf* ms[64];
    if (rte_pktmbuf_alloc_bulk(dp_->pool(), ms, n) != 0) {
      Fail("mempool empty while injecting: mbufs are leaking or stuck");
      return 0;
    }
    for (unsigned i = 0; i < n; ++i) {
      Probe p;
      p.seq = next_seq_++;
      p.tos = static_cast<uint8_t>(p.seq % 3);
      gen(p);
      Build(ms[i], p);
    }
    const unsigned q = rte_ring_enqueue_burst(rx_[0], reinterpret_cast<void**>(ms), n, nullptr);
    if (q != n) {
      Fail(absl::StrCat("RX ring took ", q, " of ", n, " frames"));
      rte_pktmbuf_free_bulk(ms + q, n - q);
    }
    injected_ += q;
    return q;
  }

  // Collects everything in the TX rings; `check` judges each well-formed encapsulated frame.
  // Anything else (a malformed frame, a frame out of port0) is a failure. Every mbuf is freed.
  template <typename Check>
  void Drain(Check&& check) {
    rte_mbuf* ms[256];
    for (;;) {
      const unsigned n = rte_ring_dequeue_burst(tx_[1], reinterpret_cast<void**>(ms), 256, nullptr);
      if (n == 0) break;
      for (unsigned i = 0; i < n; ++i) {
        Seen s;
        std::string why;
        if (Parse(ms[i], &s, &why)) {
          check(s);
        } else {
          Fail(absl::StrCat("malformed frame out of port1: ", why, "\n", Hex(ms[i])));
        }
      }
      rte_pktmbuf_free_bulk(ms, n);
      collected_ += n;
    }
    for (;;) {
      const unsigned n = rte_ring_dequeue_burst(tx_[0], reinterpret_cast<void**>(ms), 256, nullptr);
      if (n == 0) break;
      Fail(absl::StrCat(n, " frame(s) out of port0, which should send nothing:\n", Hex(ms[0])));
      rte_pktmbuf_free_bulk(ms, n);
      collected_ += n;
    }
  }

  // Stop injecting and wait until every injected frame has been either collected or dropped
  // (counted), then check the worker processed each exactly once, the rings are empty and the
  // mempool is back where it started (scenario 4 of the brief, after every scenario).
  template <typename Check>
  void Quiesce(Check&& check) {
    const uint64_t hz = rte_get_tsc_hz();
    const uint64_t deadline = rte_get_tsc_cycles() + 10 * hz;
    for (;;) {
      const uint64_t dropped = TotalDrops();
      Drain(check);
      if (collected_ + dropped == injected_) break;
      if (rte_get_tsc_cycles() > deadline) {
        Fail(absl::StrCat("not quiescent after 10 s: injected ", injected_, ", collected ",
                          collected_, ", dropped ", dropped, ", processed ",
                          Processed() - base_processed_, ", RX ring ", rte_ring_count(rx_[0])));
        return;
      }
      rte_delay_us_sleep(100);
    }
    // The worker bumps `processed` after the burst's drops are counted: give it a moment.
    const uint64_t until = rte_get_tsc_cycles() + hz;
    while (Processed() - base_processed_ < injected_ && rte_get_tsc_cycles() < until)
      rte_delay_us_sleep(100);
    rte_delay_us_sleep(2000);  // nothing may arrive late
    Drain(check);
    EXPECT_EQ(Processed() - base_processed_, injected_) << "worker processed count";
    EXPECT_EQ(collected_ + TotalDrops(), injected_) << "every frame collected or dropped, once";
    for (int p = 0; p < 2; ++p) {
      EXPECT_EQ(rte_ring_count(rx_[p]), 0u) << "port" << p << " RX ring";
      EXPECT_EQ(rte_ring_count(tx_[p]), 0u) << "port" << p << " TX ring";
    }
    EXPECT_EQ(rte_mempool_in_use_count(dp_->pool()), base_in_use_)
        << "mbufs in use after everything was processed, collected and freed (leak)";
  }

  // Drop counters since StartCounting, "name=count" for each non-zero one.
  std::string DropText() const {
    const auto now = Drops();
    std::string s;
    for (size_t i = 0; i < dp::kDropCount; ++i) {
      const uint64_t d = now[i] - base_drops_[i];
      if (d == 0) continue;
      absl::StrAppend(&s, s.empty() ? "" : " ",
                      absl::string_view(dp::kDropNames[i].data(), dp::kDropNames[i].size()), "=",
                      d);
    }
    return s;
  }
  uint64_t DropsOf(dp::Drop why) const {
    const size_t i = static_cast<size_t>(why);
    return Drops()[i] - base_drops_[i];
  }
  uint64_t TotalDrops() const {
    const auto now = Drops();
    uint64_t t = 0;
    for (size_t i = 0; i < dp::kDropCount; ++i) t += now[i] - base_drops_[i];
    return t;
  }

  // A failure, reported (the first kMaxReported of them) and counted.
  void Fail(const std::string& what) {
    if (failures_++ < kMaxReported) ADD_FAILURE() << what;
  }
  uint64_t failures() const { return failures_; }

  uint64_t next_seq() const { return next_seq_; }  // the first seq not injected yet
  uint64_t injected() const { return injected_; }
  uint64_t collected() const { return collected_; }
  const std::string& port_name(int p) const { return port_name_[p]; }
  dp::Dataplane& dataplane() { return *dp_; }
  ctl::Gateway& gateway() { return *gw_; }

  // Worker stop, rings drained, everything freed. Safe to call twice.
  void Teardown() {
    if (dp_ != nullptr && launched_) dp_->Stop();
    launched_ = false;
    for (rte_ring* r : {rx_[0], rx_[1], tx_[0], tx_[1]}) {
      if (r == nullptr) continue;
      void* o;
      while (rte_ring_dequeue(r, &o) == 0) rte_pktmbuf_free(static_cast<rte_mbuf*>(o));
    }
    gw_.reset();
    if (dp_ == nullptr) {  // Setup failed before the Dataplane took the ports over
      for (int p = 0; p < ports_made_; ++p) rte_eth_dev_close(port_id_[p]);
    }
    dp_.reset();  // closes the ports (which releases them) and frees the mempool
    ports_made_ = 0;
    for (rte_ring*& r : rx_) {
      rte_ring_free(r);
      r = nullptr;
    }
    for (rte_ring*& r : tx_) {
      rte_ring_free(r);
      r = nullptr;
    }
  }

 private:
  uint64_t Processed() const { return dp::Read(dp_->workers()[0]->counters().processed); }
  std::array<uint64_t, dp::kDropCount> Drops() const {
    std::array<uint64_t, dp::kDropCount> d{};
    if (dp_ == nullptr) return d;
    const dp::LcoreCounters& c = dp_->workers()[0]->counters();
    for (size_t i = 0; i < dp::kDropCount; ++i) d[i] = dp::Read(c.drops[i]);
    return d;
  }

  // Ethernet to port0 from kSender, IPv4 (no DF, TTL 64, UDP) to p.dst, the probe as payload.
  void Build(rte_mbuf* m, const Probe& p) {
    auto* f = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, kFrameLen));
    std::memcpy(f, mac_[0].addr_bytes, 6);
    std::memcpy(f + 6, kSenderMac.data(), 6);
    Put16(f + 12, 0x0800);
    uint8_t* ip = f + 14;
    ip[0] = 0x45;
    ip[1] = p.tos;
    Put16(ip + 2, kInnerLen);
    Put16(ip + 4, static_cast<uint16_t>(p.seq));
    Put16(ip + 6, 0);
    ip[8] = 64;
    ip[9] = 17;
    Put16(ip + 10, 0);
    Put32(ip + 12, kSender);
    Put32(ip + 16, p.dst);
    Put16(ip + 10, Checksum(ip, 20));
    uint8_t* pl = ip + 20;
    std::memset(pl, 0, kPayloadLen);
    Put32(pl, kMagic);
    Put64(pl + 4, p.seq);
    Put32(pl + 12, p.tag);
    Put32(pl + 16, p.aux);
  }

  // An IPIP frame out of port1: Ethernet kGwMac <- port1, outer IPv4 from kLocal with DF, id 0,
  // protocol 4, a correct checksum; the inner exactly as injected but TTL 63 and its checksum
  // updated. The probe is read back from the payload.
  bool Parse(const rte_mbuf* m, Seen* s, std::string* why) const {
    if (m->nb_segs != 1 || m->pkt_len != kOutLen || m->data_len != kOutLen) {
      *why = absl::StrCat("length ", m->pkt_len, " (", m->nb_segs, " segs), want ", kOutLen);
      return false;
    }
    const auto* f = rte_pktmbuf_mtod(m, const uint8_t*);
    if (std::memcmp(f, kGwMac.data(), 6) != 0 || std::memcmp(f + 6, mac_[1].addr_bytes, 6) != 0 ||
        Get16(f + 12) != 0x0800) {
      *why = "Ethernet header";
      return false;
    }
    const uint8_t* o = f + 14;
    if (o[0] != 0x45 || Get16(o + 2) != 20 + kInnerLen || Get16(o + 4) != 0 ||
        Get16(o + 6) != 0x4000 || o[9] != 4 || Get32(o + 12) != kLocal) {
      *why = "outer IPv4 fixed fields";
      return false;
    }
    if (Checksum(o, 20) != 0) {
      *why = "outer IPv4 checksum";
      return false;
    }
    const uint8_t* in = o + 20;
    const uint8_t* pl = in + 20;
    if (Get32(pl) != kMagic) {
      *why = "payload magic";
      return false;
    }
    Probe& p = s->p;
    p.seq = Get64(pl + 4);
    p.tag = Get32(pl + 12);
    p.aux = Get32(pl + 16);
    p.dst = Get32(in + 16);
    p.tos = in[1];
    for (int i = 20; i < kPayloadLen; ++i)
      if (pl[i] != 0) {
        *why = "payload tail";
        return false;
      }
    if (in[0] != 0x45 || in[1] != p.seq % 3 || Get16(in + 2) != kInnerLen || Get16(in + 4) != static_cast<uint16_t>(p.seq) ||
        Get16(in + 6) != 0 || in[8] != 63 || in[9] != 17 || Get32(in + 12) != kSender ||
        Checksum(in, 20) != 0) {
      *why = "inner IPv4 header";
      return false;
    }
    s->outer_dst = Get32(o + 16);
    s->outer_ttl = o[8];
    s->outer_tos = o[1];
    return true;
  }

  static std::string Hex(const rte_mbuf* m) {
    std::string s;
    const auto* d = rte_pktmbuf_mtod(m, const uint8_t*);
    for (uint32_t i = 0; i < m->data_len && i < 96; ++i)
      absl::StrAppend(&s, (i % 16 == 0 && i != 0) ? "\n" : (i == 0 ? "" : " "),
                      absl::Hex(d[i], absl::kZeroPad2));
    return s;
  }

  std::unique_ptr<dp::Dataplane> dp_;
  std::unique_ptr<ctl::Gateway> gw_;
  std::array<rte_ring*, 2> rx_{};
  std::array<rte_ring*, 2> tx_{};
  std::array<uint16_t, 2> port_id_{};
  int ports_made_ = 0;
  std::array<std::string, 2> port_name_;
  std::array<rte_ether_addr, 2> mac_{};
  bool launched_ = false;

  uint64_t next_seq_ = 0;
  uint64_t injected_ = 0;
  uint64_t collected_ = 0;
  uint64_t failures_ = 0;
  unsigned base_in_use_ = 0;
  uint64_t base_processed_ = 0;
  std::array<uint64_t, dp::kDropCount> base_drops_{};
};

// Control-side timing: TSC cycles spent inside Apply, per kind of command.
struct ApplyClock {
  uint64_t ops = 0;
  uint64_t cycles = 0;
  uint64_t max_cycles = 0;  // the slowest single command
  double MaxMs() const { return 1e3 * static_cast<double>(max_cycles) / rte_get_tsc_hz(); }
  double PerSecond() const {
    return cycles == 0 ? 0.0 : static_cast<double>(ops) * rte_get_tsc_hz() / cycles;
  }
};

}  // namespace gw::stress
