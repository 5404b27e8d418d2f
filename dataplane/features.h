// The features the core walk dispatches to, named here once (their per-worker state in
// feature_ctx.h). Dispatch is resolved at compile time: a feature's stage is inlined into the
// walk like the core's own, with no indirect call per packet. To add a feature: its datapath
// headers in its folder, its handlers in the lists below, its state in feature_ctx.h.
//
//   Local4Handlers / Local6Handlers  IP protocols addressed to the gateway itself (forward.h,
//                                    Local4 / Local6): the first handler whose Serves(proto) is
//                                    true gets the packet. Protocols nobody serves get the core's
//                                    answers there (port / protocol unreachable).
//   Icmp4ErrorHandlers               ICMP errors received (icmp.h, IcmpErrorInput4), by the
//                                    protocol of the packet they quote: the first handler whose
//                                    Serves(quoted proto) is true gets the message. Nobody:
//                                    local_unsupported.
//   BurstStages                      the burst stage's hooks (burst.h), each feature's in turn.
//   FastStages                       the vector walk's fast stages (vector.h), each feature's.
//   Next-hop kind kTunnel            OutputTunnel4/6 and TunnelSource4/6 (walk.h), defined by
//                                    tunnel/datapath/encap.h.
#pragma once

#include <algorithm>
#include <cstdint>

#include "dataplane/ctx.h"
#include "dataplane/icmp.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/decap.h"
#include "tunnel/datapath/encap.h"
#include "tunnel/datapath/fast.h"
#include "tunnel/datapath/icmp_error.h"
#include "tunnel/datapath/stage.h"

namespace gw::dp {

template <class... H>
struct LocalHandlers {
  // Whether a handler took the packet; its answer (egress port, kDropped, kConsumed) in *out.
  [[gnu::always_inline]] static bool Dispatch(uint8_t proto, Ctx& ctx, rte_mbuf* m, LocalIn in,
                                              uint16_t* out) noexcept {
    return ((H::Serves(proto) ? (*out = H::Input(ctx, m, in), true) : false) || ...);
  }
};

// ICMP errors by the quoted packet's protocol (icmp.h): Serves(quoted_proto), Input(ctx, m, e)
// with the message as IcmpErrorIn describes it; the answer as LocalHandlers'.
template <class... H>
struct IcmpErrorHandlers {
  static bool Dispatch(uint8_t quoted_proto, Ctx& ctx, rte_mbuf* m, const IcmpErrorIn& e,
                       uint16_t* out) noexcept {
    return ((H::Serves(quoted_proto) ? (*out = H::Input(ctx, m, e), true) : false) || ...);
  }
};

// The burst stage's hooks, called for every feature in turn (each a static member; see
// tunnel/datapath/stage.h for what each is given):
//   Second4(m, ip, &dst)  a second IPv4 destination of this packet to look up with the burst
//                         (the first feature that names one wins);
//   Route(ctx, v)         a route value the feature resolves itself (true: it did);
//   Local4(ctx, ip)       an IPv4 packet to a local address;
//   End(ctx)              after each chunk of at most kMaxChunk packets.
template <class... F>
struct StageHooks {
  static constexpr uint32_t kMaxChunk = std::min({F::kMaxChunk...});
  [[gnu::always_inline]] static bool Second4(const rte_mbuf* m, const rte_ipv4_hdr* ip,
                                             uint32_t* dst_be) noexcept {
    return (F::Second4(m, ip, dst_be) || ...);
  }
  [[gnu::always_inline]] static bool Route(Ctx& ctx, uint32_t v) noexcept {
    return (F::Route(ctx, v) || ...);
  }
  [[gnu::always_inline]] static void Local4(Ctx& ctx, const rte_ipv4_hdr* ip) noexcept {
    (F::Local4(ctx, ip), ...);
  }
  [[gnu::always_inline]] static void End(Ctx& ctx) noexcept { (F::End(ctx), ...); }
};

// The vector walk's fast stages (vector.h, fast_path.h), each feature's in turn:
//   OwnsRoute(v) / Route4(ctx, m, ip, v)        a route value the feature resolves (a tunnel);
//   ServesLocal4(proto) / Local4(ctx, m, ip, h)  an IPv4 protocol to a local address;
// each taking the packet whole (its egress port) or leaving it untouched (kSlow).
template <class... F>
struct FastHooks {
  [[gnu::always_inline]] static bool OwnsRoute(uint32_t v) noexcept {
    return (F::OwnsRoute(v) || ...);
  }
  [[gnu::always_inline]] static uint16_t Route4(Ctx& ctx, rte_mbuf* m, rte_ipv4_hdr* ip,
                                                uint32_t v) noexcept {
    uint16_t out = kSlow;
    ((F::OwnsRoute(v) ? (out = F::Route4(ctx, m, ip, v), true) : false) || ...);
    return out;
  }
  [[gnu::always_inline]] static uint16_t Local4(Ctx& ctx, rte_mbuf* m, rte_ipv4_hdr* ip,
                                                const RouteHint& h) noexcept {
    uint16_t out = kSlow;
    ((F::ServesLocal4(ip->next_proto_id) ? (out = F::Local4(ctx, m, ip, h), true) : false) ||
     ...);
    return out;
  }
};

using Icmp4ErrorHandlers = IcmpErrorHandlers<TunnelIcmpError<Outer4>>;
using Local4Handlers = LocalHandlers<TunnelInput<Outer4>, IcmpInput4<Icmp4ErrorHandlers>>;
using Local6Handlers = LocalHandlers<TunnelInput<Outer6>, IcmpInput6>;
using BurstStages = StageHooks<TunnelStage>;
using FastStages = FastHooks<TunnelFastPath>;

}  // namespace gw::dp
