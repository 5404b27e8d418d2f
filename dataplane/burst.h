// The burst stage: what the worker does for a whole received burst before the per-packet walk.
//   Enters: the burst as received (mbuf data at the Ethernet header), the Ctx with this burst's
//   route snapshot.
//   Leaves: the packets untouched; per packet, the next hops of its IPv4 destination and, for
//   IPIP, of the inner destination, from one bulk FIB lookup for the burst (BurstHints), which
//   the walk takes instead of its own lookups (RouteLookup4, through Ctx::hint). With
//   `prefetch`, the lines each walk is going to read are also loaded across the burst, so that
//   their cache misses overlap instead of forming one dependent chain per packet: for a route
//   into a tunnel (the route answer names it) the tunnel's fast fields and this worker's
//   counters; for other routes the next-hop record; for packets to a local address, the peer
//   lookups the cache misses are made in bulk, the answers put in the worker's peer cache, and
//   their tunnels' lines loaded.
//   Decides nothing and drops nothing: the walk makes every check itself, with the same snapshot,
//   and a hint is only taken for the destination it was looked up for.
// Worth it with tables far beyond the caches (1M tunnels: ×4–5); with a handful of tunnels the
// extra passes cost more than the misses they hide, so the prefetch is switched on by table size
// (docs/performance.md 6.1).
#pragma once

#include <algorithm>

#include "dataplane/ctx.h"

namespace gw::dp {

inline constexpr uint16_t kMaxBurst = 512;
inline constexpr uint16_t kStageChunk = 64;  // packets per StageChunk

struct BurstHints {
  RouteHint route[kMaxBurst];
};

// What the peer lookups of one chunk need.
struct PeerBatch {
  uint64_t keys[kStageChunk];  // PeerTable::Key
  PeerCacheEntry* slot[kStageChunk];
  uint32_t n = 0;
};

// Loads this worker's line of tunnel `id`: its fields and counters.
inline void PrefetchTunnel(const Ctx& ctx, uint32_t id) noexcept {
  TunnelTable::Prefetch(ctx.tl, id);
}

// The misses of the peer cache: their buckets loaded together, then looked up; the answers go
// into the cache (as LookupPeer would put them), and their tunnels are prefetched. Not found
// (or only the wildcard peer has it): left to the walk.
inline void LookupPeersBulk(Ctx& ctx, PeerBatch& b) noexcept {
  for (uint32_t j = 0; j < b.n; ++j) ctx.t->peers.Prefetch(b.keys[j]);
  for (uint32_t j = 0; j < b.n; ++j) {
    uint32_t id;
    if (!ctx.t->peers.Lookup(b.keys[j], &id)) continue;
    if (b.slot[j] != nullptr)
      *b.slot[j] = PeerCacheEntry{ctx.peer_gen, static_cast<uint32_t>(b.keys[j]),
                                  static_cast<uint32_t>(b.keys[j] >> 32), id};
    PrefetchTunnel(ctx, id);
  }
  b.n = 0;
}

// One chunk of at most 64 packets.
inline void StageChunk(Ctx& ctx, rte_mbuf* const* pkts, uint16_t n, RouteHint* hints,
                       bool prefetch) noexcept {
  constexpr uint16_t kChunk = kStageChunk;
  uint32_t keys[2 * kChunk];  // outer destinations [0, k), inner ones [kChunk, kChunk + k2)
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
    // IPIP: its inner destination too, in case the outer one is ours (checked by the walk).
    const uint32_t ihl = (ip->version_ihl & 0x0f) * 4u;
    if (ip->next_proto_id != IPPROTO_IPIP ||
        m->data_len < sizeof(rte_ether_hdr) + ihl + sizeof(rte_ipv4_hdr) || ihl < 20)
      continue;
    const auto* in = reinterpret_cast<const rte_ipv4_hdr*>(reinterpret_cast<const char*>(ip) + ihl);
    h.dst_be[1] = in->dst_addr;
    keys[kChunk + k2] = rte_be_to_cpu_32(in->dst_addr);
    idx[kChunk + k2++] = static_cast<uint8_t>(i);
  }
  if (k != 0) rte_fib_lookup_bulk(ctx.fib4, keys, ids, k);
  if (k2 != 0) rte_fib_lookup_bulk(ctx.fib4, keys + kChunk, ids + kChunk, k2);
  for (uint16_t j = 0; j < k; ++j) hints[idx[j]].nh[0] = static_cast<uint32_t>(ids[j]);
  for (uint16_t j = kChunk; j < kChunk + k2; ++j)
    hints[idx[j]].nh[1] = static_cast<uint32_t>(ids[j]);
  if (!prefetch) return;

  // 1. Per packet, what its walk reads next. A route into a tunnel names the tunnel: its fast
  // fields and this worker's counters, at once. For IPIP / 6in4 to a local address: the peer
  // (cache, else its bucket, all the chunk's misses prefetched together), then the same. Other next hops: their
  // record (28 bytes: some straddle two lines).
  PeerBatch batch;
  for (uint16_t j = 0; j < k; ++j) {
    const uint32_t v = hints[idx[j]].nh[0];
    if (IsFibTunnel(v)) {
      PrefetchTunnel(ctx, FibTunnelId(v));
      continue;
    }
    if (v != kNhLocal) {
      const auto* rec = reinterpret_cast<const char*>(ctx.t->nexthops.Record(v));
      rte_prefetch0(rec);
      rte_prefetch0(rec + sizeof(NextHop) - 1);
      continue;
    }
    const auto* o = rte_pktmbuf_mtod_offset(pkts[idx[j]], const rte_ipv4_hdr*,
                                            sizeof(rte_ether_hdr));
    if ((o->next_proto_id != IPPROTO_IPIP && o->next_proto_id != IPPROTO_IPV6) ||
        (o->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
      continue;
    bool hit;
    PeerCacheEntry* e = PeerCacheFor(ctx, o->src_addr, o->dst_addr, &hit);
    if (hit) {
      PrefetchTunnel(ctx, e->tunnel);
      continue;
    }
    batch.keys[batch.n] = PeerTable::Key(o->src_addr, o->dst_addr);
    batch.slot[batch.n++] = e;
  }
  LookupPeersBulk(ctx, batch);
}

inline void StageBurst(Ctx& ctx, rte_mbuf* const* pkts, uint16_t n, BurstHints* h,
                       bool prefetch) noexcept {
  for (uint16_t off = 0; off < n; off += kStageChunk) {
    const uint16_t c = std::min<uint16_t>(kStageChunk, n - off);
    StageChunk(ctx, pkts + off, c, h->route + off, prefetch);
  }
}

}  // namespace gw::dp
