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
  X(pmtu_expired, "learned path MTUs expired")                               \
  /* The books (dataplane/books.h): where each packet went, besides the drop reasons. */ \
  X(walk_dropped, "received packets whose walk ended in a drop (the worker freed them)") \
  X(walk_handed_off, "received packets whose walk handed the mbuf on (punted, fragmented, reassembling)") \
  X(sent_slowpath, "frames the walk queued for TX besides its answer (fragments, reassembled packets)") \
  X(reasm_in, "fragments given to the reassembly table")                                 \
  X(reasm_used, "fragments that became part of a reassembled packet")                    \
  X(reasm_dropped, "fragments the reassembly table gave up (also counted as drop fragment)") \
  X(inbox_sent, "frames of the control thread queued for TX by this worker")            \
  X(punt_absorbed, "punted ARP/ND messages the control thread took in (learned, answered, ignored)") \
  X(inbox_queued, "frames the control thread queued for a worker to send")              \
  X(spread_out, "received packets handed to their flow's worker (not walked here)")     \
  X(spread_in, "packets walked here that another worker received (part of processed)")

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
  uint64_t processed = 0;    // packets received and walked: each one ends in the books (books.h)
  uint64_t busy_cycles = 0;  // TSC cycles spent in loops that received something
  uint64_t busy_packets = 0;
  // Poll loops run, one relaxed increment per loop: the worker's heartbeat, which the systemd
  // watchdog (control/systemd_notify.cc) checks has moved before each WATCHDOG=1.
  uint64_t loops = 0;
  std::array<uint64_t, kDropCount> drops{};
  std::array<uint64_t, kEventCount> events{};
  // (Per-tunnel counters are in the worker's tunnel lines: TunnelLine, tunnel/datapath.)
  // Odd while the owner is between two counters of one packet's books (BooksOpen/BooksClose):
  // a reader on another thread retries until it reads an even value twice (ReadBooks, books.h).
  uint64_t seq = 0;
  uint64_t held = 0;  // the control thread's block only: packets held for resolution now

  void CountDrop(Drop why, uint64_t n = 1) noexcept { Bump(drops[static_cast<size_t>(why)], n); }
  void Count(Event e, uint64_t n = 1) noexcept { Bump(events[static_cast<size_t>(e)], n); }
  uint64_t drop(Drop why) const noexcept { return Read(drops[static_cast<size_t>(why)]); }
  uint64_t event(Event e) const noexcept { return Read(events[static_cast<size_t>(e)]); }
};

// A sequence-counter write section over a block's counters (one writer: its owner). Two plain
// stores and compiler barriers; x86 orders the stores itself.
inline void BooksOpen(LcoreCounters& c) noexcept {
  std::atomic_ref<uint64_t> s(c.seq);
  s.store(s.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
}
inline void BooksClose(LcoreCounters& c) noexcept {
  std::atomic_ref<uint64_t> s(c.seq);
  s.store(s.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

}  // namespace gw::dp
