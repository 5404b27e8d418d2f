// Per-worker caches in front of the shared lock-free hashes (the neighbours' here; features keep
// theirs the same way, e.g. the tunnel's peer cache in tunnel/datapath/state.h). A neighbour or peer lookup in
// rte_hash costs a jhash and a key compare in a bucket (a quarter of an encap's cycles, by
// `perf record`); a direct-mapped cache of recent answers, private to the worker, costs a
// multiply and one cache line.
//
// Validity: the control thread bumps a generation number (Tables::neigh_gen / peer_gen) after
// each change to the table behind a cache; the worker reads it once per poll loop and trusts an
// entry only if it was filled under the same generation. A change is therefore seen from the
// worker's next loop on, as with the tables themselves. Misses are not cached.
#pragma once

#include <cstdint>

namespace gw::dp {

inline constexpr uint32_t kNeighCacheBits = 12;

struct NeighCacheEntry {
  uint64_t gen;  // 0: empty
  uint64_t mac;
  uint32_t ip_be;
  uint16_t port;
};

inline uint32_t CacheSlot(uint32_t a, uint32_t b, uint32_t bits) noexcept {
  return ((a ^ (b * 0x85ebca6bu)) * 0x9e3779b1u) >> (32 - bits);
}

}  // namespace gw::dp
