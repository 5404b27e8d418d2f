// What every stage of the per-packet walk sees: the tables, this burst's route-table snapshots,
// and this worker's counters. A stage returns the egress port or kDropped (the drop is already
// counted under its reason).
#pragma once

#include <cstdint>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/drop_reason.h"
#include "dataplane/tables/tables.h"

namespace gw::dp {

inline constexpr uint16_t kDropped = 0xffff;

struct Ctx {
  const Tables* t;
  rte_fib* fib4;   // this burst's snapshot of the IPv4 routes
  rte_fib6* fib6;  // and of the IPv6 routes
  LcoreCounters* c;
  uint16_t ip_id;  // next outer IPv4 id for packets without DF
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

}  // namespace gw::dp
