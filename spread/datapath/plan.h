// What a worker is told about spreading (spread.h): the mode of each RX queue it polls and every
// worker's inbound ring. Kept apart from spread.h so that the worker's and the dataplane's
// declarations need nothing of the stage itself.
#pragma once

#include <cstdint>

struct rte_ring;

namespace gw::spread {

enum class SpreadMode : uint8_t {
  kOff,     // every packet stays with the worker that received it
  kTunnel,  // tunnel packets by their inner flow, the rest stays (RSS spread them already)
  kAll,     // every IP packet by its flow (inner flow for tunnel packets)
};

inline constexpr uint16_t kMaxWorkers = 64;  // (SpreadBurst counts per worker on its stack)

struct SpreadPlan {
  rte_ring* const* rings = nullptr;  // every worker's inbound ring, by worker index
  uint16_t n = 1;                    // workers
  uint16_t self = 0;                 // this worker's index
};

}  // namespace gw::spread
