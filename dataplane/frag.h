// IPv4 fragmentation and reassembly (RFC 791), with DPDK's ip_frag library.
//   Fragment4: a packet (mbuf data at its IPv4 header, DF clear) → fragments of at most `mtu`
//   bytes, each a direct mbuf holding a copy of the header (headroom for Ethernet and an outer
//   header in front) chained to an indirect mbuf over the original payload; payloads of
//   (mtu - header) & ~7 bytes as Linux cuts them, the last one the rest; header checksums valid.
//   Reassemble4: a fragment addressed to the gateway (Local4, forward.h) goes to this worker's
//   table (timeout, bounded); once whole, the packet continues its local delivery here and is
//   sent from here. What the table gives up on is counted as `fragment` drops when the death row
//   is emptied (worker.cc); the books count fragments in and out of the table (books.h).
// IPv6 (RFC 8200 4.5): routers do not fragment, and fragments in transit are forwarded untouched
// (nothing here looks past the IPv6 header of a packet it forwards). To the gateway:
//   Reassemble6: a fragment addressed to the gateway (Local6) goes to the same table (DPDK keys
//   both families), the fragment header right after the IPv6 header (what hosts send; DPDK
//   reassembles no other layout); once whole, local delivery goes on (an echo request is
//   answered).
//   Fragment6: a packet the gateway originates that is larger than the port's MTU (an echo reply
//   to a big request) is fragmented as its source, as Linux does: fragments of (mtu - 48) & ~7
//   payload bytes behind a fragment header, one identification per packet from the worker's
//   counter.
#pragma once

#include <algorithm>
#include <cstring>

#include "dataplane/ctx.h"
#include "dataplane/walk.h"

namespace gw::dp {

inline constexpr uint16_t kMaxFragments = 64;

// Returns the number of fragments in `out` (the caller still owns and must free `m`), or 0 with
// the drop counted (frag_failed; mtu_exceeded without slow-path state).
[[gnu::cold]] inline uint16_t Fragment4(Ctx& ctx, rte_mbuf* m, uint16_t mtu,
                                        rte_mbuf** out) noexcept {
  if (ctx.io == nullptr || ctx.io->indirect == nullptr) {
    ctx.c->CountDrop(Drop::mtu_exceeded);
    return 0;
  }
  const int32_t n = rte_ipv4_fragment_packet(m, out, kMaxFragments, mtu, ctx.io->direct,
                                             ctx.io->indirect);
  if (n <= 0) {
    ctx.c->CountDrop(Drop::frag_failed);
    return 0;
  }
  for (int32_t i = 0; i < n; ++i) {
    auto* ip = rte_pktmbuf_mtod(out[i], rte_ipv4_hdr*);
    ip->hdr_checksum = 0;
    ip->hdr_checksum = rte_ipv4_cksum(ip);
  }
  ctx.c->Count(Event::fragmented);
  ctx.c->Count(Event::fragments_out, static_cast<uint64_t>(n));
  return static_cast<uint16_t>(n);
}

// RFC 8200 4.5: the fragment header, right after the IPv6 header.
inline constexpr uint32_t kIpv6FragHdrLen = sizeof(rte_ipv6_fragment_ext);  // 8
inline constexpr uint32_t kIpv6MinMtu = 1280;

// Returns the number of fragments in `out` (the caller still owns and must free `m`), or 0 with
// the drop counted (frag_failed; mtu_exceeded without slow-path state).
[[gnu::cold]] inline uint16_t Fragment6(Ctx& ctx, rte_mbuf* m, uint16_t mtu,
                                        rte_mbuf** out) noexcept {
  if (ctx.io == nullptr || ctx.io->indirect == nullptr || mtu < kIpv6MinMtu) {
    ctx.c->CountDrop(Drop::mtu_exceeded);
    return 0;
  }
  const int32_t n = rte_ipv6_fragment_packet(m, out, kMaxFragments, mtu, ctx.io->direct,
                                             ctx.io->indirect);
  if (n <= 0) {
    ctx.c->CountDrop(Drop::frag_failed);
    return 0;
  }
  // (DPDK leaves the identification 0: every packet gets its own.)
  const uint32_t id = rte_cpu_to_be_32(ctx.io->frag6_id++);
  for (int32_t i = 0; i < n; ++i) {
    auto* fh = rte_pktmbuf_mtod_offset(out[i], rte_ipv6_fragment_ext*, sizeof(rte_ipv6_hdr));
    fh->id = id;
  }
  ctx.c->Count(Event::fragmented);
  ctx.c->Count(Event::fragments_out, static_cast<uint64_t>(n));
  return static_cast<uint16_t>(n);
}

// Makes the first segment of a chain hold at least `len` bytes (or the whole packet), moving
// them from the segments after it, so that headers split across fragments can be read in place.
[[gnu::cold]] inline void PullUp(rte_mbuf* m, uint32_t len) noexcept {
  len = std::min(len, m->pkt_len);
  if (m->data_len >= len || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
      rte_pktmbuf_tailroom(m) < len - m->data_len)
    return;
  while (m->data_len < len && m->next != nullptr) {
    rte_mbuf* n = m->next;
    const uint16_t take = static_cast<uint16_t>(std::min<uint32_t>(len - m->data_len, n->data_len));
    std::memcpy(rte_pktmbuf_mtod_offset(m, uint8_t*, m->data_len), rte_pktmbuf_mtod(n, uint8_t*),
                take);
    m->data_len = static_cast<uint16_t>(m->data_len + take);
    n->data_off = static_cast<uint16_t>(n->data_off + take);
    n->data_len = static_cast<uint16_t>(n->data_len - take);
    if (n->data_len == 0) {
      m->next = n->next;
      n->next = nullptr;
      --m->nb_segs;
      rte_pktmbuf_free_seg(n);
    }
  }
}

// The fragments in a chain the reassembly table returned or gave up (a whole packet, or what the
// death row holds): the segments Reassemble4 marked as the first of a fragment.
inline uint32_t FragmentsIn(rte_mbuf* m) noexcept {
  uint32_t n = 0;
  for (; m != nullptr; m = m->next) n += Meta(m)->kind == PuntKind::kFragment;
  return n;
}

// Empties a death row, its fragments counted as given up (drop `fragment`, event reasm_dropped).
[[gnu::cold]] inline void FreeDeathRow(LcoreCounters& c, rte_ip_frag_death_row* dr) noexcept {
  uint32_t n = 0;
  for (uint32_t i = 0; i < dr->cnt; ++i) n += FragmentsIn(dr->row[i]);
  c.CountDrop(Drop::fragment, n);
  c.Count(Event::reasm_dropped, n);
  rte_ip_frag_free_death_row(dr, 0);
}

// Before a fragment goes into the reassembly table: its death row emptied if the table could
// overflow it, and the fragment marked (its first segment), so that the books count it once in
// whatever chain it ends up in, and booked as handed to the table (reasm_in).
[[gnu::cold]] inline rte_ip_frag_death_row* IntoReassembly(Ctx& ctx, rte_mbuf* m) noexcept {
  rte_ip_frag_death_row* dr = ctx.io->death_row;
  if (dr->cnt > RTE_IP_FRAG_DEATH_ROW_MBUF_LEN - 2 * (RTE_LIBRTE_IP_FRAG_MAX_FRAG + 1))
    FreeDeathRow(*ctx.c, dr);
  for (rte_mbuf* s = m; s != nullptr; s = s->next)
    Meta(s)->kind = s == m ? PuntKind::kFragment : PuntKind::kNone;
  ctx.c->Count(Event::reasm_in);
  return dr;
}

// A whole packet out of the reassembly table: booked (made: reassembled; its fragments used).
[[gnu::cold]] inline void FromReassembly(Ctx& ctx, rte_mbuf* whole) noexcept {
  ctx.c->Count(Event::reassembled);
  ctx.c->Count(Event::reasm_used, FragmentsIn(whole));
}

// A fragment addressed to the gateway: into this worker's reassembly table; once whole, the
// packet continues its walk here and is sent from here.
[[gnu::cold]] inline uint16_t Reassemble4(Ctx& ctx, rte_mbuf* m, bool l2_broadcast,
                                          bool decapped) noexcept {
  if (ctx.io == nullptr || ctx.io->frag_tbl == nullptr || g_punt_meta_offset < 0)
    return Dropped(ctx, Drop::fragment);
  rte_ip_frag_death_row* dr = IntoReassembly(ctx, m);
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv4_hdr*);
  m->l2_len = 0;
  m->l3_len = (ip->version_ihl & 0x0f) * 4u;
  rte_mbuf* whole = rte_ipv4_frag_reassemble_packet(ctx.io->frag_tbl, dr, m, ctx.io->now, ip);
  if (whole == nullptr) return kConsumed;  // waiting for the rest, or on the death row
  FromReassembly(ctx, whole);
  // The outer header, an inner header (with options) and the start of what follows: in one piece.
  PullUp(whole, whole->l3_len + 60 + 8);
  auto* wip = rte_pktmbuf_mtod(whole, rte_ipv4_hdr*);
  wip->hdr_checksum = 0;
  wip->hdr_checksum = rte_ipv4_cksum(wip);
  const uint16_t out = Local4(ctx, whole, l2_broadcast, decapped);
  if (out < kConsumed)
    Send(ctx, out, whole);
  else if (out == kDropped)
    rte_pktmbuf_free(whole);
  return kConsumed;
}

// An IPv6 fragment addressed to the gateway (the fragment header right after the IPv6 header:
// ip->proto is 44): into this worker's reassembly table; once whole (the fragment header gone),
// the packet continues its local delivery here and is sent from here. A fragment with no
// payload, one that would end past 65535 bytes, or a non-last one whose payload is not a multiple
// of 8 bytes (RFC 8200 4.5: Linux answers the last with a parameter problem) is dropped
// `fragment`, as are the datagrams the table gives up on.
[[gnu::cold]] inline uint16_t Reassemble6(Ctx& ctx, rte_mbuf* m, bool l2_broadcast,
                                          bool decapped) noexcept {
  if (ctx.io == nullptr || ctx.io->frag_tbl == nullptr || g_punt_meta_offset < 0)
    return Dropped(ctx, Drop::fragment);
  constexpr uint32_t kHdrs = sizeof(rte_ipv6_hdr) + kIpv6FragHdrLen;
  if (m->data_len < kHdrs) return Dropped(ctx, Drop::fragment);
  auto* ip = rte_pktmbuf_mtod(m, rte_ipv6_hdr*);
  auto* fh = reinterpret_cast<rte_ipv6_fragment_ext*>(ip + 1);
  const uint32_t payload = rte_be_to_cpu_16(ip->payload_len);
  const uint16_t frag_data = rte_be_to_cpu_16(fh->frag_data);
  const uint32_t offset = frag_data & ~7u;  // (the 13-bit offset in 8-byte units, shifted)
  const bool more = (frag_data & 1) != 0;
  if (payload <= kIpv6FragHdrLen || offset + (payload - kIpv6FragHdrLen) > 0xffff ||
      (more && ((payload - kIpv6FragHdrLen) & 7) != 0))
    return Dropped(ctx, Drop::fragment);
  rte_ip_frag_death_row* dr = IntoReassembly(ctx, m);
  m->l2_len = 0;
  m->l3_len = kHdrs;
  rte_mbuf* whole = rte_ipv6_frag_reassemble_packet(ctx.io->frag_tbl, dr, m, ctx.io->now, ip, fh);
  if (whole == nullptr) return kConsumed;  // waiting for the rest, or on the death row
  FromReassembly(ctx, whole);
  // The IPv6 header and the start of what follows (an ICMPv6 header): in one piece.
  PullUp(whole, sizeof(rte_ipv6_hdr) + 8);
  const uint16_t out = Local6(ctx, whole, l2_broadcast, decapped);
  if (out < kConsumed)
    Send(ctx, out, whole);
  else if (out == kDropped)
    rte_pktmbuf_free(whole);
  return kConsumed;
}

}  // namespace gw::dp
