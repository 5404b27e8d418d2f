// The microbenchmarks' world: real tables configured through ParseCommand + Gateway::Apply with
// the topology of scripts/perf/gen_workload.py (so the figures line up with scripts/perf.sh),
// 64-byte frames built here, and a burst of 32 mbufs that each iteration resets from those frames.
//
//   port0 (ingress): 10.65.0.1/32, the tunnels' local address (decap target)
//   port1 (egress):  10.99.0.1/24; neighbours 10.99.0.2 (underlay router, every tunnel remote
//                    behind it: route 100.64.0.0/10) and 10.99.0.3 (LAN router: 192.168.0.0/16)
//   tunnel tI: ipip, remote 100.64.1.0 + i, local 10.65.0.1, up; route 172.16.0.0 + i /32 dev tI
//
// Tables::Create names its DPDK objects with fixed names, so one Rig exists at a time: Rig::Get
// rebuilds it when a benchmark asks for another tunnel count (benchmarks of one size are run
// together).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control/command.h"
#include "control/gateway.h"
#include "dataplane/forward.h"

namespace gw::bench {

inline constexpr uint16_t kBurst = 32;
inline constexpr uint32_t kFrames = 65536;  // distinct frames, as in the perf pcaps
inline constexpr uint16_t kFrameLen = 64;
inline constexpr uint32_t kLocal = 0x0a410001;       // 10.65.0.1
inline constexpr uint32_t kRemoteBase = 0x64400100;  // 100.64.1.0
inline constexpr uint32_t kRouteBase = 0xac100000;   // 172.16.0.0
inline constexpr uint32_t kLanBase = 0xc0a80000;     // 192.168.0.0
inline constexpr uint32_t kSrcBase = 0x0a010000;     // 10.1.0.0
inline constexpr std::array<uint8_t, 6> kPort0Mac = {0x02, 0x70, 0x63, 0x61, 0x70, 0x00};
inline constexpr std::array<uint8_t, 6> kPort1Mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

enum class Kind { kEncap, kDecap, kRoute, kMixed };

inline std::string Dotted(uint32_t v) {
  return absl::StrCat(v >> 24, ".", (v >> 16) & 255, ".", (v >> 8) & 255, ".", v & 255);
}

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "gw_bench: %s\n", what.c_str());
  std::exit(1);
}

// IPv4 header with a correct checksum, written at p (20 bytes).
inline void WriteIpv4(uint8_t* p, uint32_t src, uint32_t dst, uint8_t proto, uint16_t total_len,
                      uint16_t id) {
  auto* ip = reinterpret_cast<rte_ipv4_hdr*>(p);
  std::memset(ip, 0, sizeof(*ip));
  ip->version_ihl = 0x45;
  ip->total_length = rte_cpu_to_be_16(total_len);
  ip->packet_id = rte_cpu_to_be_16(id);
  ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
  ip->time_to_live = 64;
  ip->next_proto_id = proto;
  ip->src_addr = rte_cpu_to_be_32(src);
  ip->dst_addr = rte_cpu_to_be_32(dst);
  ip->hdr_checksum = rte_ipv4_cksum(ip);
}

// Ethernet to port0 + IPv4/UDP (checksum 0) from src to dst, filling `len` bytes.
inline void WriteUdpFrame(uint8_t* f, uint16_t len, uint32_t src, uint32_t dst, uint32_t k) {
  std::memcpy(f, kPort0Mac.data(), 6);
  const uint8_t host[6] = {0x52, 0x54, 0x00, 0x10, 0x00, 0x01};
  std::memcpy(f + 6, host, 6);
  f[12] = 0x08;
  f[13] = 0x00;
  const uint16_t ip_len = len - 14;
  WriteIpv4(f + 14, src, dst, IPPROTO_UDP, ip_len, static_cast<uint16_t>(k));
  auto* udp = reinterpret_cast<rte_udp_hdr*>(f + 34);
  udp->src_port = rte_cpu_to_be_16(static_cast<uint16_t>(1024 + (k & 0x3fff)));
  udp->dst_port = rte_cpu_to_be_16(5001);
  udp->dgram_len = rte_cpu_to_be_16(static_cast<uint16_t>(ip_len - 20));
  udp->dgram_cksum = 0;
}

// kFrames frames of kFrameLen bytes, destinations uniform (shuffled) over min(tunnels, 64k) tunnels.
class Frames {
 public:
  Frames(Kind kind, uint32_t tunnels) : bytes_(size_t{kFrames} * kFrameLen, 0) {
    std::mt19937 rng(20231126);
    // The destinations: every tunnel up to 64k of them; beyond, 64k distinct ones drawn at random
    // (as gen_workload.py does), so that they spread over the whole table.
    std::vector<uint32_t> pool;
    const uint32_t space = kind == Kind::kRoute ? 65536 : tunnels;
    if (space <= 65536) {
      for (uint32_t i = 0; i < space; ++i) pool.push_back(i);
    } else {
      std::vector<bool> taken(space);
      std::uniform_int_distribution<uint32_t> pick(0, space - 1);
      while (pool.size() < 65536) {
        const uint32_t i = pick(rng);
        if (!taken[i]) {
          taken[i] = true;
          pool.push_back(i);
        }
      }
    }
    std::vector<uint32_t> dest(kFrames);
    for (uint32_t k = 0; k < kFrames; ++k) dest[k] = pool[k % pool.size()];
    std::shuffle(dest.begin(), dest.end(), rng);
    for (uint32_t k = 0; k < kFrames; ++k) {
      uint8_t* f = &bytes_[size_t{k} * kFrameLen];
      Kind this_kind = kind;
      if (kind == Kind::kMixed) this_kind = k % 2 == 0 ? Kind::kEncap : Kind::kDecap;
      switch (this_kind) {
        case Kind::kEncap:
          WriteUdpFrame(f, kFrameLen, kSrcBase + (k & 0xffff), kRouteBase + dest[k], k);
          break;
        case Kind::kRoute:
          WriteUdpFrame(f, kFrameLen, kSrcBase + (k & 0xffff), kLanBase + dest[k], k);
          break;
        case Kind::kDecap:
        case Kind::kMixed:
          // The inner first (it starts 20 bytes further), then the outer header over its front.
          WriteUdpFrame(f + 20, kFrameLen - 20, kRouteBase + dest[k], kLanBase + (k & 0xffff), k);
          std::memcpy(f, f + 20, 14);
          WriteIpv4(f + 14, kRemoteBase + dest[k], kLocal, IPPROTO_IPIP, kFrameLen - 14,
                    static_cast<uint16_t>(k));
          break;
      }
      dst_host_.push_back(this_kind == Kind::kDecap ? kLocal
                          : this_kind == Kind::kRoute ? kLanBase + dest[k]
                                                      : kRouteBase + dest[k]);
      peer_.push_back(dp::PeerKey{rte_cpu_to_be_32(kRemoteBase + dest[k]), rte_cpu_to_be_32(kLocal)});
    }
  }
  const uint8_t* frame(uint32_t k) const { return &bytes_[size_t{k % kFrames} * kFrameLen]; }
  // Per frame: the (outer) destination in host order, and the peer key of tunnel dest[k].
  const std::vector<uint32_t>& dst_host() const { return dst_host_; }
  const std::vector<dp::PeerKey>& peer_keys() const { return peer_; }

 private:
  std::vector<uint8_t> bytes_;
  std::vector<uint32_t> dst_host_;
  std::vector<dp::PeerKey> peer_;
};

class Rig {
 public:
  // The rig for `tunnels` tunnels, built on first use.
  static Rig& Get(uint32_t tunnels) {
    std::unique_ptr<Rig>& rig = Slot();
    if (rig == nullptr || rig->tunnels_ != tunnels) {
      rig.reset();  // DPDK object names are fixed: the old tables go first
      rig.reset(new Rig(tunnels));
    }
    return *rig;
  }
  // Before rte_eal_cleanup.
  static void Release() { Slot().reset(); }
  ~Rig() {
    gw_.reset();
    if (pool_ != nullptr) {
      rte_pktmbuf_free_bulk(burst_.data(), kBurst);
      rte_mempool_free(pool_);
    }
    counters_.reset();
    tables_.reset();
  }

  dp::Tables& tables() { return *tables_; }
  dp::LcoreCounters& counters() { return *counters_; }
  std::array<rte_mbuf*, kBurst>& burst() { return burst_; }
  const Frames& frames(Kind k) {
    auto& f = frames_[static_cast<int>(k)];
    if (f == nullptr) f = std::make_unique<Frames>(k, tunnels_);
    return *f;
  }
  // The context a worker builds for a burst, with its neighbour and peer caches.
  dp::Ctx ctx(uint16_t ip_id) {
    dp::Ctx c(*tables_, counters_.get(), 0);
    c.ip_id = ip_id;
    c.neigh_cache = neigh_cache_.get();
    c.UseCaches(feature_caches_);
    c.NewBurst();
    return c;
  }
  uint64_t TotalDrops() const {
    uint64_t n = 0;
    for (uint64_t d : counters_->drops) n += d;
    return n;
  }

 private:
  explicit Rig(uint32_t tunnels) : tunnels_(tunnels) {
    dp::TableSizes s;
    s.tunnels = std::max<uint32_t>(tunnels, 1024);
    s.routes = tunnels + 1024;
    s.nexthops = tunnels + 1024;
    s.tbl8s = std::max<uint32_t>(4096, tunnels / 128);
    auto t = dp::Tables::Create(s);
    if (!t.ok()) Die(std::string(t.status().message()));
    tables_ = std::move(*t);
    for (uint16_t p : {0, 1}) {
      tables_->ports[p].present = true;
      std::memcpy(tables_->ports[p].mac.addr_bytes, (p == 0 ? kPort0Mac : kPort1Mac).data(), 6);
    }
    gw_ = std::make_unique<ctl::Gateway>(
        *tables_, std::vector<ctl::PortRef>{{0, "port0"}, {1, "port1"}},
        [this](uint16_t port, uint16_t mtu) {
          tables_->ports[port].mtu.store(mtu);
          return absl::OkStatus();
        });
    Run("addr add " + Dotted(kLocal) + "/32 dev port0");
    Run("addr add 10.99.0.1/24 dev port1");
    Run("neigh add 10.99.0.2 lladdr 52:54:00:00:99:02 dev port1");
    Run("neigh add 10.99.0.3 lladdr 52:54:00:00:99:03 dev port1");
    Run("route add 100.64.0.0/10 via 10.99.0.2");
    Run("route add 192.168.0.0/16 via 10.99.0.3");
    for (uint32_t i = 0; i < tunnels; ++i) {
      const std::string name = absl::StrCat("t", i);
      Run(absl::StrCat("tunnel add ", name, " mode ipip remote ", Dotted(kRemoteBase + i),
                       " local ", Dotted(kLocal)));
      Run(absl::StrCat("link set ", name, " up"));
      Run(absl::StrCat("route add ", Dotted(kRouteBase + i), "/32 dev ", name));
    }
    counters_ = std::make_unique<dp::LcoreCounters>();
    neigh_cache_ = std::make_unique<dp::NeighCacheEntry[]>(1u << dp::kNeighCacheBits);
    pool_ = rte_pktmbuf_pool_create("gwbench_pool", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                    SOCKET_ID_ANY);
    if (pool_ == nullptr) Die(absl::StrCat("mempool: ", rte_strerror(rte_errno)));
    if (rte_pktmbuf_alloc_bulk(pool_, burst_.data(), kBurst) != 0) Die("mbuf alloc");
  }

  static std::unique_ptr<Rig>& Slot() {
    static std::unique_ptr<Rig> rig;
    return rig;
  }

  void Run(const std::string& line) {
    auto c = ctl::ParseCommand(ctl::Tokenize(line));
    absl::Status s = c.ok() ? gw_->Apply(*c) : c.status();
    if (!s.ok()) Die(absl::StrCat("\"", line, "\": ", s.message()));
  }

  const uint32_t tunnels_;
  std::unique_ptr<dp::Tables> tables_;
  std::unique_ptr<ctl::Gateway> gw_;
  std::unique_ptr<dp::LcoreCounters> counters_;
  std::unique_ptr<dp::NeighCacheEntry[]> neigh_cache_;
  dp::FeatureCaches feature_caches_;
  rte_mempool* pool_ = nullptr;
  std::array<rte_mbuf*, kBurst> burst_{};
  std::array<std::unique_ptr<Frames>, 4> frames_;
};

// Cycles of each burst, so that a burst during which the thread was preempted (the machines this
// runs on are shared) does not move the figure: cycles_per_pkt is the median burst / 32, and
// cycles_per_pkt_mean the plain mean.
class BurstCycles {
 public:
  BurstCycles() { samples_.reserve(1 << 20); }
  void Add(uint64_t cycles) {
    total_ += cycles;
    ++bursts_;
    if (samples_.size() < samples_.capacity()) samples_.push_back(static_cast<uint32_t>(
        std::min<uint64_t>(cycles, UINT32_MAX)));
  }
  void Report(benchmark::State& state, const std::string& name) {
    if (bursts_ == 0) return;
    auto mid = samples_.begin() + samples_.size() / 2;
    std::nth_element(samples_.begin(), mid, samples_.end());
    state.counters[name] = static_cast<double>(*mid) / kBurst;
    state.counters[name + "_mean"] = static_cast<double>(total_) / (bursts_ * kBurst);
  }

 private:
  std::vector<uint32_t> samples_;
  uint64_t total_ = 0;
  uint64_t bursts_ = 0;
};

// What a PMD leaves in an mbuf it hands over: the frame at the default headroom, one segment.
inline void ResetMbuf(rte_mbuf* m, const uint8_t* frame) {
  m->data_off = RTE_PKTMBUF_HEADROOM;
  m->data_len = kFrameLen;
  m->pkt_len = kFrameLen;
  m->nb_segs = 1;
  m->ol_flags = 0;
  std::memcpy(rte_pktmbuf_mtod(m, uint8_t*), frame, kFrameLen);
}

}  // namespace gw::bench
