// ECN, TOS and TTL across a tunnel, for the four inner/outer combinations (4o4, 6o4, 4o6, 6o6):
// what the outer header takes from the inner one on encap, and what the inner takes from the
// outer on decap. The values here are family-free bytes; reading and writing them in a header is
// the inner family's business (below) or the outer family's (outer4.h).
//   Encap: RFC 6040 normal mode (Linux ip_tunnel_ecn_encap, but CE is copied, not reset to ECT(0)).
//   Decap: RFC 6040 section 4.2 as Linux's INET_ECN_decapsulate applies it: outer CE marks an
//   ECN-capable inner CE and drops a Not-ECT one (ecn_drop); an ECT(1) outer leaves an ECT(0)
//   inner as it is.
#pragma once

#include <cstdint>

#include "dataplane/ctx.h"
#include "dataplane/packet/ip.h"

namespace gw::dp {

inline constexpr uint8_t kEcnMask = 0x03;
inline constexpr uint8_t kEcnCe = 0x03;

// The outer TOS / traffic class: the inner's whole (`tos inherit`), or the tunnel's fixed DSCP
// (its ECN bits clear) with the inner's ECN bits.
[[gnu::always_inline]] inline uint8_t OuterTos(bool inherit, uint8_t fixed, uint8_t inner) noexcept {
  return inherit ? inner : static_cast<uint8_t>(fixed | (inner & kEcnMask));
}

// The outer TTL / hop limit: the tunnel's fixed one, or (0: `ttl inherit`) the inner's as it
// leaves this hop.
[[gnu::always_inline]] inline uint8_t OuterTtl(uint8_t fixed, uint8_t inner) noexcept {
  return fixed == 0 ? inner : fixed;
}

// The inner packet's side, by its family (IPPROTO_IPIP: IPv4, IPPROTO_IPV6: IPv6).
//   Hop: the router hop on the inner header when the packet is forwarded (TTL − 1, IPv4 checksum
//   patched, RFC 1624; hop limit − 1); returns the TTL / hop limit as it leaves.
//   DecapEcn: the decap rule above, given the outer ECN bits; false when it drops (counted).
template <uint8_t kInner>
struct InnerFamily;

template <>
struct InnerFamily<IPPROTO_IPIP> {
  [[gnu::always_inline]] static uint8_t Hop(rte_mbuf* m, Hop hop) noexcept {
    auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
    return hop == Hop::kForward ? DecrementTtl4(ip) : ip->time_to_live;
  }
  static bool DecapEcn(Ctx& ctx, rte_mbuf* m, uint8_t outer_ecn) noexcept {
    if (outer_ecn != kEcnCe) [[likely]]
      return true;
    auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
    const uint8_t ecn = ip->type_of_service & kEcnMask;
    if (ecn == 0) return Dropped(ctx, Drop::ecn_drop), false;
    if (ecn != kEcnCe) {
      const uint16_t old_word = *reinterpret_cast<const uint16_t*>(ip);
      ip->type_of_service |= kEcnCe;
      ip->hdr_checksum =
          ChecksumReplace16(ip->hdr_checksum, old_word, *reinterpret_cast<const uint16_t*>(ip));
    }
    return true;
  }
};

template <>
struct InnerFamily<IPPROTO_IPV6> {
  [[gnu::always_inline]] static uint8_t Hop(rte_mbuf* m, Hop hop) noexcept {
    auto* ip6 = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
    if (hop == Hop::kForward) --ip6->hop_limits;
    return ip6->hop_limits;
  }
  static bool DecapEcn(Ctx& ctx, rte_mbuf* m, uint8_t outer_ecn) noexcept {
    if (outer_ecn != kEcnCe) [[likely]]
      return true;
    auto* ip6 = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
    const uint32_t ecn_bits = rte_cpu_to_be_32(uint32_t{kEcnMask} << 20);
    if ((ip6->vtc_flow & ecn_bits) == 0) return Dropped(ctx, Drop::ecn_drop), false;
    ip6->vtc_flow |= ecn_bits;
    return true;
  }
};

}  // namespace gw::dp
