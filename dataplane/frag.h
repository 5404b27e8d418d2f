// IPv4 fragmentation and reassembly (RFC 791), with DPDK's ip_frag library.
//   Fragment4: a packet (mbuf data at its IPv4 header, DF clear) → fragments of at most `mtu`
//   bytes, each a direct mbuf holding a copy of the header (headroom for Ethernet and an outer
//   header in front) chained to an indirect mbuf over the original payload; payloads of
//   (mtu - header) & ~7 bytes as Linux cuts them, the last one the rest; header checksums valid.
//   Reassembly lives with local delivery (forward.h, Local4): fragments addressed to the gateway
//   go to this worker's table (timeout, bounded); what the table gives up on is counted as
//   `fragment` drops when the death row is emptied (worker.cc).
#pragma once

#include "dataplane/ctx.h"

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

}  // namespace gw::dp
