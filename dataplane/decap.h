// Decapsulation: an IPv4 packet with protocol 4 or 41 addressed to one of the gateway's own
// addresses (RFC 2003, RFC 4213; ECN per RFC 6040).
//   Enters: the validated outer IPv4 header at the mbuf data.
//   Leaves: the inner packet alone in the mbuf, checked like any received packet, with
//   RFC 6040's ECN rule applied; the caller routes it like any other.
//   Tunnel lookup: exact (outer src, outer dst), then (any, outer dst); nothing else.
//   ECN: only the CE rules below; like Linux, an ECT(1) outer leaves an ECT(0) inner as it is.
//   Drops: fragment (reassembly is not implemented), unknown_peer, link_down, mode_mismatch,
//   the inner header's own validation drops, ecn_drop.
#pragma once

#include "dataplane/ctx.h"
#include "dataplane/ip_check.h"
#include "dataplane/packet/checksum.h"

namespace gw::dp {

inline constexpr uint8_t kEcnMask = 0x03;
inline constexpr uint8_t kEcnCe = 0x03;

// Returns the inner protocol (4 or 41) with the mbuf holding the inner packet, or 0 if dropped.
inline uint8_t Decap(Ctx& ctx, rte_mbuf* m) noexcept {
  const auto* o = rte_pktmbuf_mtod(m, const rte_ipv4_hdr*);
  if (o->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
      [[unlikely]]
    return Dropped(ctx, Drop::fragment), 0;

  // The same peer as the burst's last decapsulated packet: its answers (PeerMemo, ctx.h).
  PeerMemo& memo = ctx.peer_memo;
  uint32_t id;
  TunnelView tun;  // (word 3: mode and flags)
  if (o->src_addr == memo.remote_be && o->dst_addr == memo.local_be &&
      memo.id != kNoMemo) [[likely]] {
    id = memo.id;
    tun.w[3] = memo.w3;
  } else {
    if (!LookupPeer(ctx, o->src_addr, o->dst_addr, &id)) [[unlikely]]
      return Dropped(ctx, Drop::unknown_peer), 0;
    if (!ctx.t->tunnels.Read<3>(ctx.tl, id, &tun)) [[unlikely]]
      return Dropped(ctx, Drop::unknown_peer), 0;
    memo = PeerMemo{o->src_addr, o->dst_addr, id, tun.w[3]};
  }
  if (!tun.up()) [[unlikely]]
    return Dropped(ctx, Drop::link_down), 0;
  const uint8_t proto = o->next_proto_id;
  const uint8_t carry = proto == IPPROTO_IPIP ? kCarryIpv4 : kCarryIpv6;
  if (!(tun.carries() & carry)) [[unlikely]]
    return Dropped(ctx, Drop::mode_mismatch), 0;
  const uint8_t outer_ecn = o->type_of_service & kEcnMask;

  rte_pktmbuf_adj(m, static_cast<uint16_t>((o->version_ihl & 0x0f) * 4));
  if (proto == IPPROTO_IPIP) {
    if (!CheckIpv4(ctx, m)) return 0;
  } else {
    if (!CheckIpv6(ctx, m)) return 0;
  }

  // RFC 6040 section 4.2: CE on the outer marks an ECN-capable inner, and cannot be passed on
  // to one that is not.
  if (outer_ecn == kEcnCe) [[unlikely]] {
    if (proto == IPPROTO_IPIP) {
      auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
      const uint8_t ecn = ip->type_of_service & kEcnMask;
      if (ecn == 0) return Dropped(ctx, Drop::ecn_drop), 0;
      if (ecn != kEcnCe) {
        const uint16_t old_word = *reinterpret_cast<const uint16_t*>(ip);
        ip->type_of_service |= kEcnCe;
        ip->hdr_checksum =
            ChecksumReplace16(ip->hdr_checksum, old_word, *reinterpret_cast<const uint16_t*>(ip));
      }
    } else {
      auto* ip6 = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
      const uint32_t ecn_bits = rte_cpu_to_be_32(uint32_t{kEcnMask} << 20);
      if ((ip6->vtc_flow & ecn_bits) == 0) return Dropped(ctx, Drop::ecn_drop), 0;
      ip6->vtc_flow |= ecn_bits;
    }
  }

  TunnelCounters& tc = ctx.tl[id].c;  // (the peer's answer: no wait for the fields)
  Bump(tc.decap_packets);
  Bump(tc.decap_bytes, m->pkt_len);
  return proto;
}

}  // namespace gw::dp
