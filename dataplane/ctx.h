// What every stage of the per-packet walk sees: the tables, this burst's route-table snapshots,
// this worker's counters and tunnel lines. A stage returns the egress port or kDropped (the drop is already
// counted under its reason).
#pragma once

#include <cstdint>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/drop_reason.h"
#include "dataplane/io.h"
#include "dataplane/lcore_cache.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {

inline constexpr uint16_t kDropped = 0xffff;

// Route lookups made ahead for a packet, with the rest of its burst (burst.h): the next hops of its
// IPv4 destination and, for IPIP, of the inner destination, under the burst's fib4. A destination
// of 0 is no hint (0.0.0.0 is never routed).
struct RouteHint {
  uint32_t dst_be[2];
  uint32_t nh[2];
};
inline constexpr RouteHint kNoRouteHint{};

// How the last packet of this burst encapsulated into a tunnel left (Encap): the tunnel's fields,
// the outer destination, the egress port, its next hop's MAC and the size limit. The next packet
// into the same tunnel reuses them instead of resolving the tunnel, its underlay and the
// neighbour again. Only for tunnels with a fixed remote (the outer destination does not depend
// on the packet), and only for the rest of one burst: it was resolved under the burst's
// snapshots, as its packets are.
inline constexpr uint32_t kNoMemo = ~0u;  // a memo's id: nothing remembered

struct TunnelMemo {
  uint32_t id = kNoMemo;
  uint32_t outer_dst = 0;
  uint64_t mac = 0;
  uint16_t port = 0;
  uint16_t limit = 0;
  TunnelView tun{};
};

// The same for Decap: the outer (source, destination) of the burst's last decapsulated packet,
// its tunnel id and the tunnel's mode and flags (TunnelView word 3).
struct PeerMemo {
  uint32_t remote_be = 0;
  uint32_t local_be = 0;
  uint32_t id = kNoMemo;
  uint64_t w3 = 0;  // TunnelView word 3
};

struct Ctx {
  const Tables* t;
  rte_fib* fib4;   // this burst's snapshot of the IPv4 routes
  rte_fib6* fib6;  // and of the IPv6 routes
  LcoreCounters* c;
  TunnelLine* tl;  // this worker's tunnel lines (fields and counters), by tunnel id
  uint16_t ip_id;  // next outer IPv4 id for packets without DF
  // This worker's caches (lcore_cache.h) and the generations they are valid for; null caches
  // (tests) mean "always ask the tables".
  NeighCacheEntry* neigh_cache = nullptr;
  uint64_t neigh_gen = 0;
  PeerCacheEntry* peer_cache = nullptr;
  uint64_t peer_gen = 0;
  WorkerIo* io = nullptr;  // slow paths (io.h); null: none
  const RouteHint* hint = &kNoRouteHint;  // this packet's (burst.h)
  // The underlay's last answer under fib4 (Encap routes every outer destination, and a burst's
  // are mostly the same few); 0: none. Reset with each new fib4 snapshot.
  uint32_t under_dst_be = 0;
  uint32_t under_nh = 0;
  TunnelMemo tunnel_memo{};  // (both reset by NewBurst)
  PeerMemo peer_memo{};

  // A new burst, under new snapshots: nothing remembered from the last one holds.
  void NewBurst() noexcept {
    under_dst_be = 0;
    tunnel_memo.id = kNoMemo;
    peer_memo.id = kNoMemo;
  }
};

// Whether a packet travels on (forwarded: this hop takes one TTL) or starts here (originated by
// the gateway: ICMP, echo replies; full TTL, may always be fragmented).
enum class Hop : uint8_t { kForward, kOriginate };

// A finished frame that is not the walk's own return value (fragments, reassembled packets).
inline void Send(Ctx& ctx, uint16_t port, rte_mbuf* m) noexcept {
  WorkerIo& io = *ctx.io;
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
  // Packets waiting for a neighbour may not take the last slots: traffic at line rate to an
  // unresolved next hop must leave room for the ARP reply / NA that resolves it.
  if (meta.kind == PuntKind::kHold && rte_ring_free_count(ctx.io->punt) < kPuntReserve) {
    ctx.c->CountDrop(Drop::no_neighbour);
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
// The underlay route of an outer destination (never 0), remembered for the rest of the burst.
[[gnu::always_inline]] inline uint32_t UnderlayLookup4(Ctx& ctx, uint32_t dst_be) noexcept {
  if (dst_be != ctx.under_dst_be) [[unlikely]] {
    ctx.under_nh = Lookup4(ctx, dst_be);
    ctx.under_dst_be = dst_be;
  }
  return ctx.under_nh;
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

// The worker's peer-cache entry for (remote, local), or null without a cache (tests); *hit when
// it holds that pair's answer under the current peer generation.
[[gnu::always_inline]] inline PeerCacheEntry* PeerCacheFor(const Ctx& ctx, uint32_t remote_be,
                                                           uint32_t local_be, bool* hit) noexcept {
  *hit = false;
  if (ctx.peer_cache == nullptr) return nullptr;
  PeerCacheEntry* e = &ctx.peer_cache[CacheSlot(remote_be, local_be, kPeerCacheBits)];
  *hit = e->gen == ctx.peer_gen && e->remote_be == remote_be && e->local_be == local_be;
  return e;
}

// The tunnel id of received (remote, local) outer addresses: exact pair first, then
// (any, local); through the worker's cache.
inline bool LookupPeer(Ctx& ctx, uint32_t remote_be, uint32_t local_be, uint32_t* id) noexcept {
  bool hit;
  PeerCacheEntry* e = PeerCacheFor(ctx, remote_be, local_be, &hit);
  if (hit) [[likely]] {
    *id = e->tunnel;
    return true;
  }
  if (!ctx.t->peers.Lookup(PeerTable::Key(remote_be, local_be), id) &&
      !ctx.t->peers.Lookup(PeerTable::Key(0, local_be), id))
    return false;
  if (e != nullptr) *e = PeerCacheEntry{ctx.peer_gen, remote_be, local_be, *id};
  return true;
}

}  // namespace gw::dp
