// Per-lcore counters. Each worker owns its block and is the only writer: an increment is a
// relaxed load and store (a plain add, no lock prefix), which keeps readers on other threads
// (stats, telemetry) free of data races without costing the hot path anything.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "dataplane/drop_reason.h"

namespace gw::dp {

inline void Bump(uint64_t& c, uint64_t n = 1) noexcept {
  std::atomic_ref<uint64_t> r(c);
  r.store(r.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
inline uint64_t Read(const uint64_t& c) noexcept {
  return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(c)).load(std::memory_order_relaxed);
}

// Things the gateway did besides forwarding, counted like the drops (X(name, description)).
#define GW_EVENTS(X)                                                                     \
  X(icmp_echo_replies, "ICMP/ICMPv6 echo replies sent")                                 \
  X(icmp_errors, "ICMP/ICMPv6 errors sent (time exceeded, unreachable, too big)")       \
  X(icmp_ratelimited, "ICMP errors not sent: the lcore's token bucket was empty")       \
  X(fragmented, "packets fragmented to fit an MTU")                                     \
  X(fragments_out, "fragments made of them")                                            \
  X(reassembled, "packets reassembled from fragments addressed to the gateway")         \
  X(punted, "packets handed to the control thread (ARP, ND, waiting for a neighbour)")  \
  X(arp_replies, "ARP replies sent")                                                    \
  X(arp_requests, "ARP requests sent (resolution and probes)")                          \
  X(arp_ignored, "ARP replies, NAs or announcements about no entry we have, ignored")   \
  X(nd_adverts, "Neighbour Advertisements sent")                                        \
  X(nd_solicits, "Neighbour Solicitations sent (resolution and probes)")                \
  X(neigh_learned, "neighbour entries created or updated from ARP/ND")                  \
  X(neigh_held, "packets held while their next hop was resolved")                       \
  X(neigh_released, "held packets sent once the next hop answered")                     \
  X(neigh_failed, "resolutions that got no answer")                                     \
  X(no_mbuf, "ARP/ND messages the control thread could not build: the mbuf pool was empty")  \
  X(icmp_relayed, "ICMP errors about tunnel packets relayed to the inner source")       \
  X(pmtu_learned, "path MTUs learned or refreshed from fragmentation needed")           \
  X(pmtu_expired, "learned path MTUs expired")

enum class Event : uint8_t {
#define GW_X(name, desc) name,
  GW_EVENTS(GW_X)
#undef GW_X
      kCount
};
inline constexpr size_t kEventCount = static_cast<size_t>(Event::kCount);
inline constexpr std::array<std::string_view, kEventCount> kEventNames = {
#define GW_X(name, desc) #name,
    GW_EVENTS(GW_X)
#undef GW_X
};
inline constexpr std::array<std::string_view, kEventCount> kEventDescriptions = {
#define GW_X(name, desc) desc,
    GW_EVENTS(GW_X)
#undef GW_X
};

struct alignas(64) LcoreCounters {
  uint64_t processed = 0;    // packets fully handled: queued for TX or dropped
  uint64_t busy_cycles = 0;  // TSC cycles spent in loops that received something
  uint64_t busy_packets = 0;
  // Poll loops run, one relaxed increment per loop: the worker's heartbeat, which the systemd
  // watchdog (control/systemd_notify.cc) checks has moved before each WATCHDOG=1.
  uint64_t loops = 0;
  std::array<uint64_t, kDropCount> drops{};
  std::array<uint64_t, kEventCount> events{};
  // (Per-tunnel counters are in the worker's tunnel lines: TunnelLine, tunnel/datapath.)

  void CountDrop(Drop why, uint64_t n = 1) noexcept { Bump(drops[static_cast<size_t>(why)], n); }
  void Count(Event e, uint64_t n = 1) noexcept { Bump(events[static_cast<size_t>(e)], n); }
};

}  // namespace gw::dp
