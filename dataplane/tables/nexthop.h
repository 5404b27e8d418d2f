// Next hops: what a route resolves to. Routes in the LPM tables carry a next-hop id; the record
// behind an id is immutable while any route points at it (the control side allocates a new id for
// a different next hop and recycles ids only after a grace period), so readers need no lock.
//
// A route into a tunnel without a gateway (`dev tunN`, the usual tunnel route) carries the tunnel
// itself instead: kFibTunnel | tunnel id (FibValue). Its next hop is then known from the route
// answer alone, and the walk goes from the route lookup straight to the tunnel, without reading
// a next-hop record: with 1M tunnels that is one cache miss fewer per packet
// (docs/performance-log.md 8.1).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

namespace gw::dp {

enum class NhKind : uint8_t {
  kNone = 0,  // id 0: no route
  kLocal,     // addressed to the gateway itself
  kPort,      // out of a port, to `gw` or (connected) to the destination itself
  kTunnel,    // into a tunnel; for `remote any`, gw4 is the outer destination
};

struct NextHop {
  NhKind kind = NhKind::kNone;
  uint8_t gw_family = 0;  // 0: no gateway (connected); 4 or 6
  uint16_t port = 0;      // kPort: egress port id
  uint32_t tunnel = 0;    // kTunnel: tunnel id
  uint32_t gw4_be = 0;    // IPv4 gateway, network order
  std::array<uint8_t, 16> gw6{};

  friend bool operator==(const NextHop&, const NextHop&) = default;
};

inline constexpr uint32_t kNhNone = 0;
inline constexpr uint32_t kNhLocal = 1;

// Route values: a next-hop id (below 2^30), or kFibTunnel | tunnel id. rte_fib's 4-byte next
// hops hold 31 bits.
inline constexpr uint32_t kFibTunnel = 1u << 30;
inline constexpr uint32_t kFibMaxId = kFibTunnel - 1;

[[gnu::always_inline]] inline bool IsFibTunnel(uint32_t v) noexcept { return (v & kFibTunnel) != 0; }
[[gnu::always_inline]] inline uint32_t FibTunnelId(uint32_t v) noexcept { return v & kFibMaxId; }

// The next hop of every tunnel value, for stages that only ask what kind a route is.
inline constexpr NextHop kTunnelKind{NhKind::kTunnel};

// The IPv4 gateway of a route into a tunnel (`remote any` ... via), 0 for none.
inline uint32_t TunnelVia(const NextHop& nh) noexcept { return nh.gw_family == 4 ? nh.gw4_be : 0; }

// What the route table stores for next hop `id`, whose record is `nh`.
inline uint32_t FibValue(uint32_t id, const NextHop& nh) noexcept {
  if (nh.kind == NhKind::kTunnel && nh.gw_family == 0) return kFibTunnel | nh.tunnel;
  return id;
}

// Fixed-size array of next hops indexed by id. Written by the control thread only, into ids that
// no route references yet; read by workers.
class NextHopTable {
 public:
  explicit NextHopTable(uint32_t capacity)
      : capacity_(capacity), slots_(std::make_unique<NextHop[]>(capacity)) {
    slots_[kNhLocal].kind = NhKind::kLocal;
  }
  uint32_t capacity() const { return capacity_; }
  // The record of a route value: kTunnelKind for a tunnel value.
  [[gnu::always_inline]] const NextHop* Record(uint32_t v) const noexcept {
    return IsFibTunnel(v) ? &kTunnelKind : &slots_[v];
  }
  // A route value's next hop, whole (a copy: a tunnel value has no record), for the cold paths.
  // The walk's stages use Record() and take a tunnel value apart themselves (IsFibTunnel):
  // building a NextHop in pieces and reading it back whole stalls store forwarding.
  NextHop Get(uint32_t v) const noexcept {
    NextHop nh = *Record(v);
    if (IsFibTunnel(v)) nh.tunnel = FibTunnelId(v);
    return nh;
  }
  // Control side: fill an unreferenced slot before any route points at it. The release fence
  // orders these stores before the route table store that publishes the id.
  void Set(uint32_t id, const NextHop& nh) {
    slots_[id] = nh;
    std::atomic_thread_fence(std::memory_order_release);
  }

 private:
  uint32_t capacity_;
  std::unique_ptr<NextHop[]> slots_;
};

}  // namespace gw::dp
