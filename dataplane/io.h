// What a worker's slow paths need beyond the tables: its TX buffers (for packets that turn into
// several, like fragments), the ring to the control thread (ARP, ND, packets waiting for a
// neighbour), the pools fragments are made from, its reassembly table, and its ICMP token bucket.
// One per worker, written by that worker only. A Ctx without one (unit tests of the fast stages)
// punts nothing, sends no ICMP and fragments nothing: those packets are dropped and counted.
#pragma once

#include <cstdint>

#include "dataplane/counters.h"
#include "dataplane/dpdk.h"

namespace gw::dp {

// The walk's answer besides an egress port: kDropped (the caller frees the mbuf, the reason is
// counted) or kConsumed (the mbuf went elsewhere: punted, fragmented, reassembling).
inline constexpr uint16_t kConsumed = 0xfffe;

// Slots of the punt ring that held packets and path MTU messages never take (kept for ARP and
// ND).
inline constexpr unsigned kPuntReserve = 1024;

// Why a packet goes to the control thread; travels in the mbuf's PuntMeta dynfield.
enum class PuntKind : uint8_t {
  kNone = 0,
  kArp = 1,   // data at the ARP header; m->port = ingress port
  kNdisc,     // data at the IPv6 header of a validated NS/NA; m->port = ingress port
  kHold,      // a finished L3 packet waiting for the MAC of (family, addr) on `port`
  kPmtu,      // data at the IPv4 header of an ICMP fragmentation needed that a feature found to
              // be about a packet it sent (icmp.h); m->port = ingress port. Like kHold, it may
              // not take the slots kept for ARP and ND.
  // Not punted: the first segment of a fragment given to the reassembly table (Reassemble4,
  // frag.h), so that the books count the fragments in what the table returns or gives up, whatever
  // their segments.
  kFragment,
};

struct PuntMeta {
  PuntKind kind;
  uint8_t family;         // kHold: 4 or 6, the next hop's family
  uint16_t port;          // kHold: egress port
  uint16_t ether_type;    // kHold: the packet's ethertype
  uint16_t pad;
  uint8_t addr[16];       // kHold: next-hop address (IPv4: first 4 bytes, network order)
};
static_assert(sizeof(PuntMeta) == 24);

// The dynfield's offset, registered once per process (RegisterPuntMeta: Dataplane::Create, or a
// test); -1 before.
inline int g_punt_meta_offset = -1;
inline int RegisterPuntMeta() {
  static const rte_mbuf_dynfield desc = {"gw_punt_meta", sizeof(PuntMeta), alignof(PuntMeta), 0};
  if (g_punt_meta_offset < 0) g_punt_meta_offset = rte_mbuf_dynfield_register(&desc);
  return g_punt_meta_offset;
}

inline PuntMeta* Meta(rte_mbuf* m) noexcept {
  return RTE_MBUF_DYNFIELD(m, g_punt_meta_offset, PuntMeta*);
}

// Token bucket in TSC cycles: `cost` cycles buy one token, at most `cap` cycles are banked.
struct TokenBucket {
  uint64_t cost = 0;  // 0: unlimited
  uint64_t cap = 0;
  uint64_t credit = 0;
  uint64_t last = 0;

  void Init(uint32_t per_second, uint32_t burst) {
    if (per_second == 0) {
      cost = UINT64_MAX;  // nothing passes
      cap = 0;
      credit = 0;
      return;
    }
    cost = rte_get_tsc_hz() / per_second;
    if (cost == 0) cost = 1;
    cap = cost * (burst == 0 ? 1 : burst);
    credit = cap;
    last = rte_rdtsc();
  }
  bool Take() noexcept {
    const uint64_t now = rte_rdtsc();
    const uint64_t add = now - last;
    last = now;
    credit = (cap - credit < add) ? cap : credit + add;
    if (credit < cost) return false;
    credit -= cost;
    return true;
  }
};

struct WorkerIo {
  rte_eth_dev_tx_buffer* const* txb = nullptr;  // indexed by port
  uint16_t txq = 0;
  rte_ring* punt = nullptr;            // to the control thread (multi-producer)
  rte_mempool* direct = nullptr;       // fragment headers
  rte_mempool* indirect = nullptr;     // fragment payloads (attached to the original)
  rte_ip_frag_tbl* frag_tbl = nullptr;
  rte_ip_frag_death_row* death_row = nullptr;
  // The reassembly table's clock: the TSC at the start of the worker's loop iteration (one read
  // per iteration, not per fragment; tests and fuzz targets drive it).
  uint64_t now = 0;
  TokenBucket icmp;
  uint32_t frag6_id = 0;  // next IPv6 fragment identification (Fragment6); the worker's own range
  // Tests: frames the slow paths send go here instead of a TX buffer.
  rte_mbuf** capture = nullptr;
  uint16_t* captured = nullptr;
  uint16_t capture_max = 0;
};

}  // namespace gw::dp
