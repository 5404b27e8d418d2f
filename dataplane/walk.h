// The walk's stages that call each other across headers, declared once: an ICMP error (icmp.h)
// is routed like any packet and may leave through a tunnel; a decapsulated or reassembled packet
// is routed again. Each is defined in its own header; dataplane/forward.h includes them all, and
// what walks packets includes forward.h.
//
// The last group are the hooks the core stages call into features (their definitions are in the
// features' folders, registered in dataplane/features.h).
#pragma once

#include <cstdint>

#include "dataplane/ctx.h"
#include "dataplane/tables/nexthop.h"

namespace gw::dp {

// How a packet addressed to the gateway reached its local-protocol handler (Local4 / Local6 in
// forward.h, the handlers listed in dataplane/features.h).
struct LocalIn {
  bool l2_broadcast;  // the frame was an L2 broadcast / multicast
  bool decapped;      // it came out of a tunnel: it is the inner packet
};

// forward.h
inline uint16_t RouteIpv4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;
inline uint16_t RouteIpv6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;
inline uint16_t Local4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;
inline uint16_t Local6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast, bool decapped) noexcept;
// icmp.h: answer `m` with an ICMP / ICMPv6 error built in its place (`mtu`: the "next-hop MTU"
// of fragmentation needed / packet too big).
inline uint16_t IcmpError4(Ctx& ctx, rte_mbuf* m, uint8_t type, uint8_t code,
                           uint16_t mtu) noexcept;
inline uint16_t IcmpError6(Ctx& ctx, rte_mbuf* m, uint8_t type, uint8_t code,
                           uint32_t mtu) noexcept;

// Next-hop kind kTunnel (tunnel/datapath/encap.h): `m`, an IPv4 / IPv6 packet at its IP header,
// into tunnel `tunnel`; `via_be` is the route's IPv4 gateway (`remote any`), 0 for none.
inline uint16_t OutputTunnel4(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be,
                              Hop hop) noexcept;
inline uint16_t OutputTunnel6(Ctx& ctx, rte_mbuf* m, uint32_t tunnel, uint32_t via_be,
                              Hop hop) noexcept;
// The source of ICMP errors that leave through tunnel `tunnel`: its first IPv4 / IPv6 address
// (0 / null: none).
inline uint32_t TunnelSource4(const Ctx& ctx, uint32_t tunnel) noexcept;
inline const uint8_t* TunnelSource6(const Ctx& ctx, uint32_t tunnel) noexcept;

}  // namespace gw::dp
