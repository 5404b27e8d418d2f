// What every stage of the per-packet walk sees: the tables, this burst's route-table snapshots,
// this worker's counters and caches, and each feature's per-worker state (FeatureCtx). A stage
// returns the egress port, kDropped (the drop is already counted under its reason) or kConsumed.
#pragma once

#include <cstdint>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/drop_reason.h"
#include "dataplane/io.h"
#include "dataplane/feature_ctx.h"
#include "dataplane/lcore_cache.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {

inline constexpr uint16_t kDropped = 0xffff;

// Route lookups made ahead for a packet, with the rest of its burst (burst.h): the next hops of its
// IPv4 destination and of a second one a feature asked for (the tunnel: an IPIP packet's inner
// destination), under the burst's fib4. A destination
// of 0 is no hint (0.0.0.0 is never routed).
struct RouteHint {
  uint32_t dst_be[2];
  uint32_t nh[2];
};
inline constexpr RouteHint kNoRouteHint{};

struct Ctx : FeatureCtx {
  const Tables* t = nullptr;
  rte_fib* fib4 = nullptr;   // this burst's snapshot of the IPv4 routes
  rte_fib6* fib6 = nullptr;  // and of the IPv6 routes
  LcoreCounters* c = nullptr;
  uint16_t ip_id = 0;  // next outer IPv4 id for packets without DF
  // This worker's neighbour cache (lcore_cache.h) and the generation it is valid for; null
  // (tests) means "always ask the table".
  NeighCacheEntry* neigh_cache = nullptr;
  uint64_t neigh_gen = 0;
  WorkerIo* io = nullptr;  // slow paths (io.h); null: none
  const RouteHint* hint = &kNoRouteHint;  // this packet's (burst.h)

  // Worker `worker`'s context over `tables`, counting into `counters`; no caches, no slow paths
  // until the caller gives them.
  Ctx(const Tables& tables, LcoreCounters* counters, uint32_t worker) noexcept
      : t(&tables), c(counters) {
    FeatureCtx::Init(tables, worker);
  }

  // A new burst: the tables as they are now (route snapshots, cache generations), and nothing
  // remembered from the last burst holds.
  void NewBurst() noexcept {
    fib4 = t->route4.Reader();
    fib6 = t->route6.Reader();
    neigh_gen = t->neigh_gen.load(std::memory_order_acquire);
    FeatureCtx::NewBurst(*t);
  }
};

// Whether a packet travels on (forwarded: this hop takes one TTL) or starts here (originated by
// the gateway: ICMP, echo replies; full TTL, may always be fragmented).
enum class Hop : uint8_t { kForward, kOriginate };

// A finished frame that is not the walk's own return value (fragments, reassembled packets).
inline void Send(Ctx& ctx, uint16_t port, rte_mbuf* m) noexcept {
  WorkerIo& io = *ctx.io;
  ctx.c->Count(Event::sent_slowpath);
  if (io.capture != nullptr) [[unlikely]] {
    if (*io.captured < io.capture_max) {
      m->port = port;
      io.capture[(*io.captured)++] = m;
    } else {
      ctx.c->CountDrop(Drop::tx_full);
      rte_pktmbuf_free(m);
    }
    return;
  }
  rte_eth_tx_buffer(port, io.txq, io.txb[port], m);
}

// Hands `m` to the control thread; returns kConsumed, or kDropped (counted) if it cannot.
[[gnu::cold]] inline uint16_t Punt(Ctx& ctx, rte_mbuf* m, const PuntMeta& meta) noexcept {
  if (ctx.io == nullptr || ctx.io->punt == nullptr) {
    ctx.c->CountDrop(meta.kind == PuntKind::kHold ? Drop::no_neighbour : Drop::slowpath_full);
    return kDropped;
  }
  // Packets waiting for a neighbour (and ICMP messages, which anyone can send) may not take the
  // last slots: traffic at line rate to an unresolved next hop, or a flood of ICMP, must leave
  // room for the ARP reply / NA that resolves it.
  if ((meta.kind == PuntKind::kHold || meta.kind == PuntKind::kPmtu) &&
      rte_ring_free_count(ctx.io->punt) < kPuntReserve) {
    ctx.c->CountDrop(meta.kind == PuntKind::kHold ? Drop::no_neighbour : Drop::slowpath_full);
    return kDropped;
  }
  *Meta(m) = meta;
  if (rte_ring_mp_enqueue(ctx.io->punt, m) != 0) {
    ctx.c->CountDrop(Drop::slowpath_full);
    return kDropped;
  }
  ctx.c->Count(Event::punted);
  return kConsumed;
}

[[gnu::cold]] inline uint16_t Dropped(Ctx& ctx, Drop why) noexcept {
  ctx.c->CountDrop(why);
  return kDropped;
}

// Route lookups: next-hop id, 0 (kNhNone) for no route.
[[gnu::always_inline]] inline uint32_t Lookup4(Ctx& ctx, uint32_t dst_be) noexcept {
  uint32_t ip = rte_be_to_cpu_32(dst_be);
  uint64_t nh;
  rte_fib_lookup_bulk(ctx.fib4, &ip, &nh, 1);
  return static_cast<uint32_t>(nh);
}
// The route of a packet's destination: the burst stage's answer if it has one, else a lookup.
[[gnu::always_inline]] inline uint32_t RouteLookup4(Ctx& ctx, uint32_t dst_be) noexcept {
  if (dst_be == ctx.hint->dst_be[0]) [[likely]]
    return ctx.hint->nh[0];
  if (dst_be == ctx.hint->dst_be[1]) return ctx.hint->nh[1];
  return Lookup4(ctx, dst_be);
}
inline uint32_t Lookup6(Ctx& ctx, const uint8_t* dst) noexcept {
  uint8_t ip[1][16];
  std::memcpy(ip[0], dst, 16);
  uint64_t nh;
  rte_fib6_lookup_bulk(ctx.fib6, ip, &nh, 1);
  return static_cast<uint32_t>(nh);
}

inline bool LookupNeighbour(const Ctx& ctx, const NeighKey& k, uint64_t* mac) noexcept {
  return ctx.t->neighbours.Lookup(&k, mac);
}

// The MAC of IPv4 next hop `ip_be` on `port`, through the worker's cache.
[[gnu::always_inline]] inline bool LookupNeighbour4(Ctx& ctx, uint16_t port, uint32_t ip_be,
                                                    uint64_t* mac) noexcept {
  if (ctx.neigh_cache == nullptr) return LookupNeighbour(ctx, NeighKey4(port, ip_be), mac);
  NeighCacheEntry& e = ctx.neigh_cache[CacheSlot(ip_be, port, kNeighCacheBits)];
  if (e.gen == ctx.neigh_gen && e.ip_be == ip_be && e.port == port) [[likely]] {
    *mac = e.mac;
    return true;
  }
  if (!LookupNeighbour(ctx, NeighKey4(port, ip_be), mac)) return false;
  e = NeighCacheEntry{ctx.neigh_gen, *mac, ip_be, port};
  return true;
}

}  // namespace gw::dp
