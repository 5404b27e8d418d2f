// The vector walk: what a worker does with a received burst. Each stage runs over the whole burst
// before the next one starts (gather → bulk lookup → apply, as VPP's nodes and l3fwd's x4 loops
// do), so a stage's loads for one packet overlap with the others' and its branches see the same
// case over and over:
//
//   1. StageBurst (burst.h): every IPv4 destination (and an IPIP packet's inner one) looked up in
//      bulk; with prefetch, the lines the next stages read loaded across the burst.
//   2. Classify: FastFrame4 (fast_path.h) on every packet; the common ones are sorted by what
//      their route value says: a port, a value a feature owns (a tunnel), a local address.
//   3. The fast stages, one loop per class: FastPort4 (plain routing), and the features' (the
//      tunnel's Encap4 and Decap4, tunnel/datapath/fast.h), each taking a packet whole or leaving
//      it untouched (kSlow).
//   4. Commit, in the order received: a packet a fast stage took goes to its egress port; any other
//      takes the scalar walk (forward.h: Process), which handles every case, and goes where that
//      says. Every packet of the burst is accounted once, in order, through `out`.
//
// Nothing the fast stages do changes what the scalar walk decides for the other packets (they
// read the same snapshots; the memos and caches they fill only remember answers), and what they
// do to a packet is exactly what the scalar walk would have done to it: the unit test
// VectorWalkTest.ChangesNothing walks the same bursts both ways and compares every byte and
// counter. With `fast` false, every packet takes the scalar walk (--fast_path=off).
#pragma once

#include <cstdint>

#include "dataplane/burst.h"
#include "dataplane/ctx.h"
#include "dataplane/fast_path.h"
#include "dataplane/features.h"
#include "dataplane/forward.h"

namespace gw::dp {

inline constexpr int kPrefetchAhead = 3;  // the scalar walk's packet data, three ahead

// The plain IPv4 packets of the burst whose route is a port.
[[gnu::always_inline]] inline void FastRouteStage(Ctx& ctx, rte_mbuf* const* pkts,
                                                  const uint16_t* idx, uint16_t n,
                                                  const RouteHint* hints,
                                                  uint16_t* outs) noexcept {
  for (uint16_t j = 0; j < n; ++j) {
    const uint16_t i = idx[j];
    rte_mbuf* m = pkts[i];
    auto* eth = rte_pktmbuf_mtod(m, uint8_t*);
    auto* ip = reinterpret_cast<rte_ipv4_hdr*>(eth + sizeof(rte_ether_hdr));
    const NextHop& nh = *ctx.t->nexthops.Record(hints[i].nh[0]);
    FastOut out;
    if (!FastPort4(ctx, nh, ip, m->pkt_len - static_cast<uint32_t>(sizeof(rte_ether_hdr)),
                   &out)) [[unlikely]]
      continue;
    DecrementTtl4(ip);
    WriteEthernet4(eth, *out.port, out.mac);
    outs[i] = out.port_id;
  }
}

// The common packets of a burst, by what their route value says (indexes into the burst).
struct BurstClasses {
  uint16_t route[kMaxBurst];    // a port next hop: FastRouteStage
  uint16_t feature[kMaxBurst];  // a route value a feature owns: FastStages::Route4
  uint16_t local[kMaxBurst];    // a local address: FastStages::Local4
  uint16_t n_route = 0, n_feature = 0, n_local = 0;
};

// Stage 2: FastFrame4 on every packet, and the common ones sorted by their route value.
[[gnu::always_inline]] inline void ClassifyStage(const Ctx& ctx, rte_mbuf* const* pkts,
                                                 uint16_t n, const RouteHint* h,
                                                 uint64_t port_mac, BurstClasses* c) noexcept {
  c->n_route = c->n_feature = c->n_local = 0;
  for (uint16_t i = 0; i < n; ++i) {
    if (!FastFrame4(pkts[i], port_mac)) continue;
    const uint32_t v = h[i].nh[0];
    if (v == kNhLocal) {
      c->local[c->n_local++] = i;
    } else if (FastStages::OwnsRoute(v)) {
      c->feature[c->n_feature++] = i;
    } else if (ctx.t->nexthops.Record(v)->kind == NhKind::kPort) {
      c->route[c->n_route++] = i;
    }
  }
}

// Stage 3: the fast stages, one loop per class; outs[i] stays kSlow for what none took.
[[gnu::always_inline]] inline void FastStagesRun(Ctx& ctx, rte_mbuf* const* pkts,
                                                 const RouteHint* h, const BurstClasses& c,
                                                 uint16_t* outs) noexcept {
  FastRouteStage(ctx, pkts, c.route, c.n_route, h, outs);
  for (uint16_t j = 0; j < c.n_feature; ++j) {
    const uint16_t i = c.feature[j];
    auto* ip = rte_pktmbuf_mtod_offset(pkts[i], rte_ipv4_hdr*, sizeof(rte_ether_hdr));
    outs[i] = FastStages::Route4(ctx, pkts[i], ip, h[i].nh[0]);
  }
  for (uint16_t j = 0; j < c.n_local; ++j) {
    const uint16_t i = c.local[j];
    auto* ip = rte_pktmbuf_mtod_offset(pkts[i], rte_ipv4_hdr*, sizeof(rte_ether_hdr));
    outs[i] = FastStages::Local4(ctx, pkts[i], ip, h[i]);
  }
}

// Stage 4: in the order received, what the fast stages took goes out; every other packet takes
// the scalar walk (its packet data prefetched three ahead).
template <typename Out>
[[gnu::always_inline]] inline void CommitStage(Ctx& ctx, rte_mbuf* const* pkts, uint16_t n,
                                               const PortState& in_port, const RouteHint* h,
                                               const uint16_t* outs, Out&& out) noexcept {
  for (int i = 0; i < kPrefetchAhead && i < n; ++i)
    if (outs[i] == kSlow) rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
  for (uint16_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n && outs[i + kPrefetchAhead] == kSlow)
      rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchAhead], void*));
    rte_mbuf* m = pkts[i];
    uint16_t o = outs[i];
    if (o == kSlow) {
      ctx.hint = &h[i];
      o = Process(ctx, m, in_port);
    }
    out(i, m, o);
  }
}

// One burst from `in_port` (up). `out(i, m, port)` is called once per packet in the order
// received, with the egress port, kDropped (the caller frees m; the reason is counted) or
// kConsumed (m went elsewhere).
template <typename Out>
inline void ProcessBurst(Ctx& ctx, rte_mbuf* const* pkts, uint16_t n, const PortState& in_port,
                         BurstHints* hints, bool prefetch, bool fast, Out&& out) noexcept {
  uint16_t outs[kMaxBurst];
  StageBurst(ctx, pkts, n, hints, prefetch);  // stage 1 (burst.h)
  for (uint16_t i = 0; i < n; ++i) outs[i] = kSlow;
  const RouteHint* h = hints->route;
  if (fast) [[likely]] {
    BurstClasses c;
    ClassifyStage(ctx, pkts, n, h, PackMac(in_port.mac), &c);
    FastStagesRun(ctx, pkts, h, c, outs);
  }
  CommitStage(ctx, pkts, n, in_port, h, outs, out);
}

}  // namespace gw::dp
