// IPv6 Neighbour Discovery (RFC 4861) numbers, shared by the worker that checks NS/NA (forward.h)
// and the control thread that answers and sends them (control/ndisc.cc).
#pragma once

#include <cstdint>

namespace gw::dp {

inline constexpr uint8_t kNdNs = 135;  // Neighbour Solicitation (ICMPv6 type)
inline constexpr uint8_t kNdNa = 136;  // Neighbour Advertisement
inline constexpr uint8_t kNdOptSourceLl = 1;  // source link-layer address option (RFC 4861 4.6.1)
inline constexpr uint8_t kNdOptTargetLl = 2;  // target link-layer address option
inline constexpr uint8_t kNdHopLimit = 255;   // every ND message is sent and checked with this

}  // namespace gw::dp
