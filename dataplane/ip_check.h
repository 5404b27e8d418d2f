// Validation of a received IP header, the checks Linux's ip_rcv / ipv6_rcv make before routing.
// Used for packets off the wire and for inner packets after decap alike.
//   Enters: mbuf data at the IP header. Leaves: the same, with link-layer padding trimmed so the
//   mbuf holds exactly the IP packet.
//   Drops: truncated, bad_version, bad_ihl, bad_length, bad_checksum.
#pragma once

#include <cstring>

#include "dataplane/ctx.h"
#include "dataplane/packet/checksum.h"
#include "dataplane/packet/ip.h"

namespace gw::dp {

// Whether an IPv4 header's checksum verifies (its one's complement sum is 0xffff). The usual
// 20-byte header is summed as five 32-bit words, folded (RFC 1071: any word size gives the same
// sum): ~15 instructions against ~100 for rte_raw_cksum's 16-bit loop. Options: the loop.
// The words are loaded straight into registers (two 8-byte loads and a 4-byte one): copied into
// an array first, GCC loaded the header as 16 bytes, stored it to the stack and read it back in
// 4-byte pieces, which this CPU does not forward from the store (a fifth of CheckIpv4's samples).
inline bool Ipv4ChecksumOk(const rte_ipv4_hdr* ip, uint32_t hlen) noexcept {
  if (hlen == sizeof(rte_ipv4_hdr)) [[likely]] {
    const auto* p = reinterpret_cast<const uint8_t*>(ip);
    uint64_t a;
    uint64_t b;
    uint32_t c;
    std::memcpy(&a, p, sizeof(a));
    std::memcpy(&b, p + 8, sizeof(b));
    std::memcpy(&c, p + 16, sizeof(c));
    uint64_t sum = (a & 0xffffffff) + (a >> 32) + (b & 0xffffffff) + (b >> 32) + c;
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    return FoldSum(static_cast<uint32_t>(sum)) == 0xffff;
  }
  return rte_raw_cksum(ip, hlen) == 0xffff;
}

inline bool CheckIpv4(Ctx& ctx, rte_mbuf* m) noexcept {
  if (m->data_len < sizeof(rte_ipv4_hdr)) [[unlikely]]
    return Dropped(ctx, Drop::truncated), false;
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  if ((ip->version_ihl >> 4) != 4) [[unlikely]]
    return Dropped(ctx, Drop::bad_version), false;
  const uint32_t hlen = (ip->version_ihl & 0x0f) * 4u;
  const uint32_t tot_len = rte_be_to_cpu_16(ip->total_length);
  if (hlen < sizeof(rte_ipv4_hdr)) [[unlikely]]
    return Dropped(ctx, Drop::bad_ihl), false;
  if (tot_len > m->pkt_len) [[unlikely]]
    return Dropped(ctx, Drop::bad_length), false;
  if (hlen > tot_len) [[unlikely]]
    return Dropped(ctx, Drop::bad_ihl), false;
  if (hlen > m->data_len) [[unlikely]]
    return Dropped(ctx, Drop::truncated), false;
  // The NIC may have checked it already; software ports leave it to us.
  const uint64_t csum_flags = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
  if (csum_flags == RTE_MBUF_F_RX_IP_CKSUM_BAD) [[unlikely]]
    return Dropped(ctx, Drop::bad_checksum), false;
  if (csum_flags != RTE_MBUF_F_RX_IP_CKSUM_GOOD && !Ipv4ChecksumOk(ip, hlen)) [[unlikely]]
    return Dropped(ctx, Drop::bad_checksum), false;
  if (tot_len < m->pkt_len) [[unlikely]] {
    if (rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - tot_len)) != 0)
      return Dropped(ctx, Drop::bad_length), false;
  }
  return true;
}

inline bool CheckIpv6(Ctx& ctx, rte_mbuf* m) noexcept {
  if (m->data_len < sizeof(rte_ipv6_hdr)) [[unlikely]]
    return Dropped(ctx, Drop::truncated), false;
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6) [[unlikely]]
    return Dropped(ctx, Drop::bad_version), false;
  const uint32_t len = sizeof(rte_ipv6_hdr) + rte_be_to_cpu_16(ip->payload_len);
  if (len > m->pkt_len) [[unlikely]]
    return Dropped(ctx, Drop::bad_length), false;
  if (len < m->pkt_len) [[unlikely]] {
    if (rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - len)) != 0)
      return Dropped(ctx, Drop::bad_length), false;
  }
  return true;
}

}  // namespace gw::dp
