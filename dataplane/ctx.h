// What every stage of the per-packet walk sees: the tables, this burst's route-table snapshots,
// and this worker's counters. A stage returns the egress port or kDropped (the drop is already
// counted under its reason).
#pragma once

#include <cstdint>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/drop_reason.h"
#include "dataplane/lcore_cache.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {

inline constexpr uint16_t kDropped = 0xffff;

struct Ctx {
  const Tables* t;
  rte_fib* fib4;   // this burst's snapshot of the IPv4 routes
  rte_fib6* fib6;  // and of the IPv6 routes
  LcoreCounters* c;
  uint16_t ip_id;  // next outer IPv4 id for packets without DF
  // This worker's caches (lcore_cache.h) and the generations they are valid for; null caches
  // (tests) mean "always ask the tables".
  NeighCacheEntry* neigh_cache = nullptr;
  uint64_t neigh_gen = 0;
  PeerCacheEntry* peer_cache = nullptr;
  uint64_t peer_gen = 0;
};

[[gnu::cold]] inline uint16_t Dropped(Ctx& ctx, Drop why) noexcept {
  ctx.c->CountDrop(why);
  return kDropped;
}

// Route lookups: next-hop id, 0 (kNhNone) for no route.
inline uint32_t Lookup4(Ctx& ctx, uint32_t dst_be) noexcept {
  uint32_t ip = rte_be_to_cpu_32(dst_be);
  uint64_t nh;
  rte_fib_lookup_bulk(ctx.fib4, &ip, &nh, 1);
  return static_cast<uint32_t>(nh);
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
inline bool LookupNeighbour4(Ctx& ctx, uint16_t port, uint32_t ip_be, uint64_t* mac) noexcept {
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

// The tunnel id of received (remote, local) outer addresses: exact pair first, then
// (any, local); through the worker's cache.
inline bool LookupPeer(Ctx& ctx, uint32_t remote_be, uint32_t local_be, uint64_t* id) noexcept {
  PeerCacheEntry* e = nullptr;
  if (ctx.peer_cache != nullptr) {
    e = &ctx.peer_cache[CacheSlot(remote_be, local_be, kPeerCacheBits)];
    if (e->gen == ctx.peer_gen && e->remote_be == remote_be && e->local_be == local_be)
        [[likely]] {
      *id = e->tunnel;
      return true;
    }
  }
  PeerKey key{remote_be, local_be};
  if (!ctx.t->peers.Lookup(&key, id)) {
    key.remote_be = 0;
    if (!ctx.t->peers.Lookup(&key, id)) return false;
  }
  if (e != nullptr) *e = PeerCacheEntry{ctx.peer_gen, remote_be, local_be, static_cast<uint32_t>(*id)};
  return true;
}

}  // namespace gw::dp
