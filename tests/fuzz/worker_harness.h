// A worker's context for the walk's fuzz targets (walk_fuzz.cc, reasm_fuzz.cc): the gateway of
// kWalkConfig, a packet pool without per-lcore cache (exact in-use counts), the fragment pools, a
// punt ring emptied after each input, the reassembly table, the ICMP bucket, captured sends and
// the worker's caches; and what a worker does around the walk (Worker::Run), with every frame that
// leaves checked (frame_check.h), the books (dataplane/books.h) and the pools checked after each
// input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "dataplane/books.h"
#include "dataplane/burst.h"
#include "dataplane/forward.h"
#include "dataplane/vector.h"
#include "tests/fuzz/frame_check.h"
#include "tests/fuzz/fuzz_env.h"

namespace gw::fuzz {

constexpr uint16_t kCaptureMax = 256;
constexpr uint16_t kMaxFrames = 64;

struct WalkState {
  std::unique_ptr<GatewayEnv> env;
  rte_mempool* pool = nullptr;      // packets: no per-lcore cache, so in-use counts are exact
  rte_mempool* indirect = nullptr;  // fragment payloads
  rte_ring* punt = nullptr;
  dp::WorkerIo io;
  rte_mbuf* captured[kCaptureMax];
  uint16_t n_captured = 0;
  dp::LcoreCounters counters;
  std::vector<dp::NeighCacheEntry> neigh_cache;
  dp::FeatureCaches caches;
  std::unique_ptr<dp::BurstHints> hints = std::make_unique<dp::BurstHints>();
};
inline WalkState* g;

inline bool IsLocal(uint8_t family, const uint8_t* a) {
  dp::Ctx ctx(g->env->tables(), &g->counters, 0);
  ctx.NewBurst();
  if (family == 4) {
    uint32_t be;
    std::memcpy(&be, a, 4);
    return dp::Lookup4(ctx, be) == dp::kNhLocal;
  }
  return dp::Lookup6(ctx, a) == dp::kNhLocal;
}

// A received frame in an mbuf (a chain when it does not fit one, as a PMD with scatter gives it).
inline rte_mbuf* MakeMbuf(const uint8_t* data, size_t size, uint16_t port) {
  rte_mbuf* head = nullptr;
  rte_mbuf* last = nullptr;
  size_t off = 0;
  do {
    rte_mbuf* m = rte_pktmbuf_alloc(g->pool);
    FUZZ_CHECK(m != nullptr, "packet pool empty: mbufs leaked");
    const uint16_t room = rte_pktmbuf_tailroom(m);
    const uint16_t take = static_cast<uint16_t>(std::min<size_t>(room, size - off));
    char* p = rte_pktmbuf_append(m, take);
    if (take != 0) std::memcpy(p, data + off, take);
    off += take;
    m->port = port;
    if (head == nullptr) {
      head = m;
    } else {
      FUZZ_CHECK(rte_pktmbuf_chain(head, m) == 0, "chain");
    }
    last = m;
  } while (off < size);
  (void)last;
  return head;
}

inline void CheckSent(rte_mbuf* m, uint16_t port, const std::vector<IpId>& ids, const char* what) {
  FrameChecker fc;
  fc.Check(Linear(m), 14, port, ids, IsLocal, what);
}

// What became of an input's packets, to compare two walks of the same burst (walk_fuzz.cc: the
// vector walk with and without its fast stages): each walk answer (port or kDropped/kConsumed,
// and the frame sent), each frame sent sideways or punted, in order.
struct Outcome {
  std::vector<std::pair<uint16_t, Bytes>> answers;
  std::vector<std::pair<uint16_t, Bytes>> sideways;
};

// Frames the slow paths sent (fragments, reassembled packets), then the punt ring: held packets
// are finished L3 packets, checked like sent ones; ARP and ND are the control thread's.
inline void DrainSideways(const std::vector<IpId>& ids, Outcome* o = nullptr) {
  for (uint16_t i = 0; i < g->n_captured; ++i) {
    CheckSent(g->captured[i], g->captured[i]->port, ids, "sent by a slow path");
    if (o != nullptr) o->sideways.emplace_back(g->captured[i]->port, Linear(g->captured[i]));
    rte_pktmbuf_free(g->captured[i]);
  }
  g->n_captured = 0;
  void* obj;
  while (rte_ring_sc_dequeue(g->punt, &obj) == 0) {
    auto* m = static_cast<rte_mbuf*>(obj);
    const dp::PuntMeta meta = *dp::Meta(m);
    if (meta.kind == dp::PuntKind::kHold) {
      FrameChecker fc;
      fc.Check(Linear(m), 0, meta.port, ids, IsLocal, "held for a neighbour", false);
    } else if (meta.kind == dp::PuntKind::kPmtu) {
      // An ICMP fragmentation needed about one of our outer packets (tunnel/datapath/icmp_error.h),
      // for the control thread: data at its IPv4 header.
      const auto* ip = rte_pktmbuf_mtod(m, const uint8_t*);
      FUZZ_CHECK(m->data_len >= 28 && (ip[0] >> 4) == 4 && ip[9] == IPPROTO_ICMP,
                 "a path MTU punt that is not an IPv4 ICMP message");
    } else {
      FUZZ_CHECK(meta.kind == dp::PuntKind::kArp || meta.kind == dp::PuntKind::kNdisc,
                 absl::StrCat("punt kind ", static_cast<int>(meta.kind)));
    }
    if (o != nullptr) o->sideways.emplace_back(0x100 + meta.port, Linear(m));
    rte_pktmbuf_free(m);
  }
}

// One walk's answer for a received packet, as Worker::Run handles it.
inline void Finish(dp::Ctx& ctx, rte_mbuf* m, uint16_t out, const std::vector<IpId>& ids,
                   Outcome* o = nullptr) {
  dp::Bump(g->counters.processed);
  if (out >= dp::kConsumed) {
    if (o != nullptr) o->answers.emplace_back(out, Bytes{});
    dp::EndWalk(ctx, m, out);
    return;
  }
  CheckSent(m, out, ids, "the walk's answer");
  if (o != nullptr) o->answers.emplace_back(out, Linear(m));
  rte_pktmbuf_free(m);
}

inline dp::Ctx MakeCtx() {
  dp::Ctx ctx(g->env->tables(), &g->counters, 0);
  ctx.neigh_cache = g->neigh_cache.data();
  ctx.UseCaches(g->caches);
  ctx.io = &g->io;
  return ctx;
}

// GWFUZZ_VERBOSE set: what the walk counted so far (replaying an input shows what it did).
inline void PrintCounters() {
  if (std::getenv("GWFUZZ_VERBOSE") == nullptr) return;
  std::fprintf(stderr, "gwfuzz: processed %lu", static_cast<unsigned long>(g->counters.processed));
  for (size_t i = 0; i < dp::kDropCount; ++i)
    if (g->counters.drops[i] != 0)
      std::fprintf(stderr, " drop:%s=%lu", std::string(dp::kDropNames[i]).c_str(),
                   static_cast<unsigned long>(g->counters.drops[i]));
  for (size_t i = 0; i < dp::kEventCount; ++i)
    if (g->counters.events[i] != 0)
      std::fprintf(stderr, " %s=%lu", std::string(dp::kEventNames[i]).c_str(),
                   static_cast<unsigned long>(g->counters.events[i]));
  std::fprintf(stderr, "\n");
}

inline void EndInput() {
  // Every datagram still being reassembled is given up, so that nothing is left over.
  rte_ip_frag_table_del_expired_entries(g->io.frag_tbl, g->io.death_row, UINT64_MAX);
  dp::FreeDeathRow(g->counters, g->io.death_row);
  const dp::WalkBooks b = dp::WalkBooksOf(g->counters);
  FUZZ_CHECK(b.off() == 0, absl::StrCat("books off by ", b.off(), ": received ", b.received,
                                        " made ", b.made(), " sent ", b.sent, " dropped ",
                                        b.dropped, " handed off ", b.handed_off()));
  PrintCounters();
  FUZZ_CHECK(b.reasm_waiting() == 0, absl::StrCat("reassembly waiting ", b.reasm_waiting()));
  FUZZ_CHECK(rte_mempool_in_use_count(g->pool) == 0,
             absl::StrCat(rte_mempool_in_use_count(g->pool), " packet mbufs leaked"));
  FUZZ_CHECK(rte_mempool_in_use_count(g->indirect) == 0,
             absl::StrCat(rte_mempool_in_use_count(g->indirect), " indirect mbufs leaked"));
}


// EAL, the gateway and the worker state; `frag_timeout_cycles`: the reassembly table's timeout.
inline void InitWorker(const char* target, uint64_t frag_timeout_cycles) {
  InitEal(target);
  g = new WalkState();
  g->env = std::make_unique<GatewayEnv>(
      std::vector<std::string>(std::begin(kWalkConfig), std::end(kWalkConfig)));
  g->pool = rte_pktmbuf_pool_create("fz_pool", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                    SOCKET_ID_ANY);
  g->indirect = rte_pktmbuf_pool_create("fz_ind", 4095, 0, 0, 0, SOCKET_ID_ANY);
  g->punt = rte_ring_create("fz_punt", 4096, SOCKET_ID_ANY, RING_F_SC_DEQ);
  g->io.frag_tbl = rte_ip_frag_table_create(64, 8, 512, frag_timeout_cycles, SOCKET_ID_ANY);
  g->io.death_row = static_cast<rte_ip_frag_death_row*>(
      rte_zmalloc("fz_dr", sizeof(rte_ip_frag_death_row), 0));
  if (g->pool == nullptr || g->indirect == nullptr || g->punt == nullptr ||
      g->io.frag_tbl == nullptr || g->io.death_row == nullptr)
    Die("cannot allocate the worker's slow-path state");
  g->io.direct = g->pool;
  g->io.indirect = g->indirect;
  g->io.punt = g->punt;
  g->io.icmp.Init(1000000000, 1000000000);  // (every error is built: none rate-limited away)
  g->io.capture = g->captured;
  g->io.captured = &g->n_captured;
  g->io.capture_max = kCaptureMax;
  g->neigh_cache.assign(size_t{1} << gw::dp::kNeighCacheBits, gw::dp::NeighCacheEntry{});
}


}  // namespace gw::fuzz
