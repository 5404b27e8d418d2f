// Per-lcore counters. Each worker owns its block and is the only writer: an increment is a
// relaxed load and store (a plain add, no lock prefix), which keeps readers on other threads
// (stats, telemetry) free of data races without costing the hot path anything.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "dataplane/drop_reason.h"

namespace gw::dp {

inline void Bump(uint64_t& c, uint64_t n = 1) noexcept {
  std::atomic_ref<uint64_t> r(c);
  r.store(r.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
inline uint64_t Read(const uint64_t& c) noexcept {
  return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(c)).load(std::memory_order_relaxed);
}

struct TunnelCounters {
  uint64_t encap_packets = 0;
  uint64_t encap_bytes = 0;
  uint64_t decap_packets = 0;
  uint64_t decap_bytes = 0;
};

struct alignas(64) LcoreCounters {
  uint64_t processed = 0;    // packets fully handled: queued for TX or dropped
  uint64_t busy_cycles = 0;  // TSC cycles spent in loops that received something
  uint64_t busy_packets = 0;
  std::array<uint64_t, kDropCount> drops{};
  std::unique_ptr<TunnelCounters[]> tunnels;  // indexed by tunnel id

  explicit LcoreCounters(uint32_t max_tunnels)
      : tunnels(std::make_unique<TunnelCounters[]>(max_tunnels)) {}

  void CountDrop(Drop why) noexcept { Bump(drops[static_cast<size_t>(why)]); }
};

}  // namespace gw::dp
