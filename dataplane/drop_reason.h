// The one list of reasons a packet is dropped. The data path counts under these ids, the stats
// output prints these names, and the tests assert on them: add a reason here and nowhere else.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace gw::dp {

// X(name, description)
#define GW_DROP_REASONS(X)                                                               \
  X(bad_ethertype, "ethertype is neither IPv4, IPv6 nor ARP")                            \
  X(not_for_us, "frame or packet not addressed to the gateway (L2 dst, broadcast, mcast)") \
  X(truncated, "frame shorter than its Ethernet or minimum IP header")                  \
  X(bad_version, "IP version field does not match the ethertype")                       \
  X(bad_ihl, "IPv4 IHL < 5 or header beyond the total length")                          \
  X(bad_length, "IP total / payload length beyond the frame")                           \
  X(bad_checksum, "IPv4 header checksum wrong")                                         \
  X(ttl_exceeded, "TTL or hop limit <= 1 on a packet to forward")                       \
  X(no_route, "no route to the destination")                                            \
  X(no_neighbour, "next hop unresolved: ARP/ND unanswered, or its hold queue full")     \
  X(mtu_exceeded, "packet larger than the tunnel or egress MTU")                        \
  X(unknown_peer, "IPIP/SIT packet from no configured (remote, local) pair")            \
  X(mode_mismatch, "tunnel mode does not carry this inner protocol")                    \
  X(ecn_drop, "outer CE over inner Not-ECT (RFC 6040)")                                 \
  X(nested_tunnel, "would encapsulate or decapsulate a second time")                    \
  X(link_down, "ingress port, egress port or tunnel administratively down")             \
  X(no_headroom, "mbuf headroom too small for the outer header")                        \
  X(local_unsupported, "addressed to the gateway itself, protocol not served")          \
  X(fragment, "fragment to the gateway not reassembled (timeout, table full, overlap)")  \
  X(tx_full, "TX queue full")                                                           \
  X(bad_arp, "malformed ARP, or not Ethernet/IPv4 ARP")                                 \
  X(bad_ndisc, "malformed Neighbour Discovery (hop limit, code, length, checksum)")      \
  X(bad_icmp, "ICMP/ICMPv6 message to the gateway malformed or bad checksum")           \
  X(slowpath_full, "queue to the control thread (ARP, ND, held packets) full")          \
  X(frag_failed, "fragmentation failed (out of mbufs, or too many fragments)")            \
  X(icmp_refused, "ICMP error quoting no packet of ours (source, remote, protocol)")     \
  X(icmp_handled, "ICMP error about our tunnel packet, ended here: relayed or ignored")      \
  X(spread_full, "another worker's inbound ring full: its flow's packet not handed over")

enum class Drop : uint8_t {
#define GW_X(name, desc) name,
  GW_DROP_REASONS(GW_X)
#undef GW_X
      kCount
};

inline constexpr size_t kDropCount = static_cast<size_t>(Drop::kCount);

inline constexpr std::array<std::string_view, kDropCount> kDropNames = {
#define GW_X(name, desc) #name,
    GW_DROP_REASONS(GW_X)
#undef GW_X
};

inline constexpr std::array<std::string_view, kDropCount> kDropDescriptions = {
#define GW_X(name, desc) desc,
    GW_DROP_REASONS(GW_X)
#undef GW_X
};

constexpr std::string_view DropName(Drop d) { return kDropNames[static_cast<size_t>(d)]; }

}  // namespace gw::dp
