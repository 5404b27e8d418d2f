// The burst stage: what the worker does for a whole received burst before the per-packet walk.
//   Enters: the burst as received (mbuf data at the Ethernet header), the Ctx with this burst's
//   route snapshot.
//   Leaves: the packets untouched; per packet, the next hops of its IPv4 destination and of a
//   second destination a feature named (the tunnel: an IPIP packet's inner one), from one bulk
//   FIB lookup per chunk (BurstHints), which the walk takes instead of its own lookups
//   (RouteLookup4, through Ctx::hint). With `prefetch`, the lines each walk is going to read are
//   also loaded across the burst, so that their cache misses overlap instead of forming one
//   dependent chain per packet: for other routes the next-hop record, and whatever the features'
//   hooks load (dataplane/features.h: the tunnel's lines and peers, tunnel/datapath/stage.h).
//   Decides nothing and drops nothing: the walk makes every check itself, with the same snapshot,
//   and a hint is only taken for the destination it was looked up for.
// Worth it with tables far beyond the caches (1M tunnels: ×4–5); with a handful of tunnels the
// extra passes cost more than the misses they hide, so the prefetch is switched on by table size
// (docs/performance-log.md 6.1).
#pragma once

#include <algorithm>

#include "dataplane/ctx.h"
#include "dataplane/features.h"

namespace gw::dp {

inline constexpr uint16_t kMaxBurst = 512;
inline constexpr uint16_t kStageChunk = 64;  // packets per StageChunk
static_assert(kStageChunk <= BurstStages::kMaxChunk);

struct BurstHints {
  RouteHint route[kMaxBurst];
};

// One chunk of at most kStageChunk packets.
inline void StageChunk(Ctx& ctx, rte_mbuf* const* pkts, uint16_t n, RouteHint* hints,
                       bool prefetch) noexcept {
  constexpr uint16_t kChunk = kStageChunk;
  uint32_t keys[2 * kChunk];  // first destinations [0, k), second ones [kChunk, kChunk + k2)
  uint64_t ids[2 * kChunk];
  uint8_t idx[2 * kChunk];
  uint16_t k = 0;
  uint16_t k2 = 0;
  for (uint16_t i = 0; i < n; ++i) {
    const rte_mbuf* m = pkts[i];
    const auto* eth = rte_pktmbuf_mtod(m, const rte_ether_hdr*);
    RouteHint& h = hints[i];
    h.dst_be[0] = h.dst_be[1] = 0;
    if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
        m->data_len < sizeof(rte_ether_hdr) + sizeof(rte_ipv4_hdr)) [[unlikely]]
      continue;
    const auto* ip = reinterpret_cast<const rte_ipv4_hdr*>(eth + 1);
    h.dst_be[0] = ip->dst_addr;
    keys[k] = rte_be_to_cpu_32(ip->dst_addr);
    idx[k++] = static_cast<uint8_t>(i);
    uint32_t second;
    if (!BurstStages::Second4(m, ip, &second)) continue;
    h.dst_be[1] = second;
    keys[kChunk + k2] = rte_be_to_cpu_32(second);
    idx[kChunk + k2++] = static_cast<uint8_t>(i);
  }
  if (k != 0) rte_fib_lookup_bulk(ctx.fib4, keys, ids, k);
  if (k2 != 0) rte_fib_lookup_bulk(ctx.fib4, keys + kChunk, ids + kChunk, k2);
  for (uint16_t j = 0; j < k; ++j) hints[idx[j]].nh[0] = static_cast<uint32_t>(ids[j]);
  for (uint16_t j = kChunk; j < kChunk + k2; ++j)
    hints[idx[j]].nh[1] = static_cast<uint32_t>(ids[j]);
  if (!prefetch) return;

  // Per packet, what its walk reads next: what a feature resolves from the route value itself
  // (a route into a tunnel names the tunnel), the features' lookups for packets to a local
  // address, else the next-hop record (28 bytes: some straddle two lines).
  for (uint16_t j = 0; j < k; ++j) {
    const uint32_t v = hints[idx[j]].nh[0];
    if (BurstStages::Route(ctx, v)) continue;
    if (v != kNhLocal) {
      const auto* rec = reinterpret_cast<const char*>(ctx.t->nexthops.Record(v));
      rte_prefetch0(rec);
      rte_prefetch0(rec + sizeof(NextHop) - 1);
      continue;
    }
    BurstStages::Local4(ctx, rte_pktmbuf_mtod_offset(pkts[idx[j]], const rte_ipv4_hdr*,
                                                      sizeof(rte_ether_hdr)));
  }
  BurstStages::End(ctx);
}

inline void StageBurst(Ctx& ctx, rte_mbuf* const* pkts, uint16_t n, BurstHints* h,
                       bool prefetch) noexcept {
  for (uint16_t off = 0; off < n; off += kStageChunk) {
    const uint16_t c = std::min<uint16_t>(kStageChunk, n - off);
    StageChunk(ctx, pkts + off, c, h->route + off, prefetch);
  }
}

}  // namespace gw::dp
