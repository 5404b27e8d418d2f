// What the tunnel feature keeps per worker, in the walk's Ctx (ctx.tunnel): this worker's tunnel
// lines, its cache of peer answers, and what the burst's last encapsulated and decapsulated
// packets resolved. Types only; the stages that use them are encap.h, decap.h and stage.h.
#pragma once

#include <cstdint>

#include "dataplane/lcore_cache.h"
#include "dataplane/tables/tables.h"
#include "tunnel/datapath/tunnel_table.h"

namespace gw::dp {

// The worker's direct-mapped cache of peer answers ((remote, local) → tunnel id), in front of
// the PeerTable (lcore_cache.h says how such caches stay valid).
inline constexpr uint32_t kPeerCacheBits = 12;

struct PeerCacheEntry {
  uint64_t gen;  // 0: empty
  uint32_t remote_be;
  uint32_t local_be;
  uint32_t tunnel;
};

inline constexpr uint32_t kNoMemo = ~0u;  // a memo's id: nothing remembered

// How the last packet of this burst encapsulated into a tunnel left (Encap): the tunnel's fields,
// the outer destination, the egress port, its next hop's MAC and the size limit. The next packet
// into the same tunnel reuses them instead of resolving the tunnel, its underlay and the
// neighbour again. Only for tunnels with a fixed remote (the outer destination does not depend
// on the packet), and only for the rest of one burst: it was resolved under the burst's
// snapshots, as its packets are.
template <class Addr>
struct TunnelMemoOf {
  uint32_t id = kNoMemo;
  Addr outer_dst{};
  uint64_t mac = 0;
  uint16_t port = 0;
  uint16_t limit = 0;
  TunnelView tun{};
};
using TunnelMemo = TunnelMemoOf<uint32_t>;  // the IPv4 underlay's (Outer4)

// The same for Decap: the outer (source, destination) of the burst's last decapsulated packet,
// its tunnel id and the tunnel's mode and flags (TunnelView word 3).
template <class Addr>
struct PeerMemoOf {
  Addr remote_be{};
  Addr local_be{};
  uint32_t id = kNoMemo;
  uint64_t w3 = 0;  // TunnelView word 3
};
using PeerMemo = PeerMemoOf<uint32_t>;  // the IPv4 underlay's (Outer4)

// An IPv6 outer address as a value (Outer6, outer6.h): 16 bytes, network order.
struct Addr6 {
  uint8_t b[16];
  friend bool operator==(const Addr6&, const Addr6&) = default;
};
using TunnelMemo6 = TunnelMemoOf<Addr6>;
using PeerMemo6 = PeerMemoOf<Addr6>;

// The peer lookups the burst stage makes in bulk for one chunk of packets (stage.h).
inline constexpr uint32_t kPeerBatchMax = 64;
struct PeerBatch {
  uint64_t keys[kPeerBatchMax];  // PeerTable::Key
  PeerCacheEntry* slot[kPeerBatchMax];
  uint32_t n = 0;
};

// The vector walk's plan for encapsulating into one tunnel for the rest of a burst (fast.h): what
// the outer header and Ethernet header hold whatever the packet, resolved once. ok = false: the
// tunnel's packets take the scalar walk (down, remote any, nopmtudisc, no neighbour, ...).
struct EncapPlan {
  uint32_t id = kNoMemo;
  bool ok = false;
  bool tos_inherit = false;
  uint8_t tos = 0;         // fixed DSCP (ECN bits clear)
  uint8_t ttl = 0;         // 0: inherit
  uint16_t port = 0;       // egress
  uint16_t limit = 0;      // largest inner packet
  uint32_t src_be = 0;
  uint32_t dst_be = 0;
  uint32_t sum = 0;        // one's complement sum of the header words that do not change
  uint8_t eth[14] = {};    // the Ethernet header: neighbour, port MAC, 0x0800
};

// The vector walk's last decap peer in this burst: (remote, local) → tunnel, or not fast.
struct DecapPlan {
  uint32_t remote_be = 0;
  uint32_t local_be = 0;
  uint32_t id = kNoMemo;
  bool ok = false;  // up and carrying IPv4
};

struct TunnelCtx {
  TunnelLine* tl = nullptr;  // this worker's tunnel lines (fields and counters), by tunnel id
  // The worker's peer cache and the generation it is valid for; null (tests): always ask the
  // table.
  PeerCacheEntry* peer_cache = nullptr;
  uint64_t peer_gen = 0;
  // The underlay's last answer under this burst's fib4 (Encap routes every outer destination,
  // and a burst's are mostly the same few); 0: none.
  uint32_t under_dst_be = 0;
  uint32_t under_nh = 0;
  TunnelMemo tunnel_memo{};
  PeerMemo peer_memo{};
  // The IPv6 underlay's (Outer6): the same memos, and its last underlay route (fib6).
  TunnelMemo6 tunnel_memo6{};
  PeerMemo6 peer_memo6{};
  Addr6 under_dst6{};
  uint32_t under_nh6 = 0;
  PeerBatch batch;  // the burst stage's, between its hooks
  EncapPlan encap_plan;  // the vector walk's (fast.h), for the rest of the burst
  DecapPlan decap_plan;

  // The worker's lines among the tunnel table's (one array per worker).
  void Init(const Tables& t, uint32_t worker, PeerCacheEntry* cache) noexcept {
    tl = t.tunnels.Lines(worker);
    peer_cache = cache;
  }
  // A new burst, under new snapshots: nothing remembered from the last one holds.
  void NewBurst(const Tables& t) noexcept {
    under_dst_be = 0;
    tunnel_memo.id = kNoMemo;
    peer_memo.id = kNoMemo;
    tunnel_memo6.id = kNoMemo;
    peer_memo6.id = kNoMemo;
    under_nh6 = 0;
    encap_plan.id = kNoMemo;
    decap_plan.id = kNoMemo;
    peer_gen = t.peer_gen.load(std::memory_order_acquire);
  }
};

}  // namespace gw::dp
