// The tunnel feature's part of the burst stage (dataplane/burst.h), registered in
// dataplane/features.h. Like the stage itself it decides nothing and drops nothing; it makes the
// tunnel's lookups for the whole burst so that their cache misses overlap:
//   Second4  an IPIP packet's inner IPv4 destination joins the burst's bulk route lookup (in
//            case the outer one is ours; the walk checks);
//   Route    a route into a tunnel names it: this worker's line of it (fields and counters) is
//            loaded;
//   Local4   an IPIP / 6in4 packet to a local address: its peer from the worker's cache, else
//            kept for End;
//   End      the peer-cache misses: their buckets loaded together, then looked up; the answers go
//            into the cache (as the walk's lookup would put them), their tunnels' lines loaded.
//            Not found (or only the wildcard peer has it): left to the walk.
#pragma once

#include "dataplane/ctx.h"
#include "tunnel/datapath/outer4.h"
#include "tunnel/datapath/state.h"

namespace gw::dp {

struct TunnelStage {
  static constexpr uint32_t kMaxChunk = kPeerBatchMax;  // packets between two End calls

  // Loads this worker's line of tunnel `id`: its fields and counters.
  static void PrefetchTunnel(const Ctx& ctx, uint32_t id) noexcept {
    TunnelTable::Prefetch(ctx.tunnel.tl, id);
  }

  static bool Second4(const rte_mbuf* m, const rte_ipv4_hdr* ip, uint32_t* dst_be) noexcept {
    const uint32_t ihl = (ip->version_ihl & 0x0f) * 4u;
    if (ip->next_proto_id != IPPROTO_IPIP ||
        m->data_len < sizeof(rte_ether_hdr) + ihl + sizeof(rte_ipv4_hdr) || ihl < 20)
      return false;
    const auto* in = reinterpret_cast<const rte_ipv4_hdr*>(reinterpret_cast<const char*>(ip) + ihl);
    *dst_be = in->dst_addr;
    return true;
  }

  static bool Route(const Ctx& ctx, uint32_t v) noexcept {
    if (!IsFibTunnel(v)) return false;
    PrefetchTunnel(ctx, FibTunnelId(v));
    return true;
  }

  static void Local4(Ctx& ctx, const rte_ipv4_hdr* o) noexcept {
    if ((o->next_proto_id != IPPROTO_IPIP && o->next_proto_id != IPPROTO_IPV6) ||
        Outer4::IsFragment(o))
      return;
    bool hit;
    PeerCacheEntry* e = Outer4::PeerCacheFor(ctx, o->src_addr, o->dst_addr, &hit);
    if (hit) {
      PrefetchTunnel(ctx, e->tunnel);
      return;
    }
    PeerBatch& b = ctx.tunnel.batch;
    b.keys[b.n] = PeerTable::Key(o->src_addr, o->dst_addr);
    b.slot[b.n++] = e;
  }

  static void End(Ctx& ctx) noexcept {
    PeerBatch& b = ctx.tunnel.batch;
    for (uint32_t j = 0; j < b.n; ++j) ctx.t->peers.Prefetch(b.keys[j]);
    for (uint32_t j = 0; j < b.n; ++j) {
      uint32_t id;
      if (!ctx.t->peers.Lookup(b.keys[j], &id)) continue;
      if (b.slot[j] != nullptr)
        *b.slot[j] = PeerCacheEntry{ctx.tunnel.peer_gen, static_cast<uint32_t>(b.keys[j]),
                                    static_cast<uint32_t>(b.keys[j] >> 32), id};
      PrefetchTunnel(ctx, id);
    }
    b.n = 0;
  }
};

}  // namespace gw::dp
