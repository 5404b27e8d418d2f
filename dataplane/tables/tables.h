// Every table the workers read, in one place. The control thread is the only writer; see each
// table's header for how it stays safe for lock-free readers.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "dataplane/dpdk.h"
#include "dataplane/tables/lf_hash.h"
#include "dataplane/tables/nexthop.h"
#include "dataplane/tables/rcu.h"
#include "dataplane/tables/route_table.h"
#include "tunnel/datapath/peer_table.h"
#include "tunnel/datapath/tunnel_table.h"

namespace gw::dp {

// Neighbour table key: next-hop address on a port. IPv4 addresses use the first 4 bytes.
struct NeighKey {
  std::array<uint8_t, 16> addr{};
  uint16_t port = 0;
  uint8_t family = 0;  // 4 or 6
  uint8_t pad = 0;
};
static_assert(sizeof(NeighKey) == 20);

inline NeighKey NeighKey4(uint16_t port, uint32_t addr_be) {
  NeighKey k;
  std::memcpy(k.addr.data(), &addr_be, 4);
  k.port = port;
  k.family = 4;
  return k;
}
inline NeighKey NeighKey6(uint16_t port, const uint8_t* addr) {
  NeighKey k;
  std::memcpy(k.addr.data(), addr, 16);
  k.port = port;
  k.family = 6;
  return k;
}

// A MAC address packed into the low 48 bits of a word, in wire order (byte 0 first).
inline uint64_t PackMac(const rte_ether_addr& a) {
  uint64_t v = 0;
  std::memcpy(&v, a.addr_bytes, 6);
  return v;
}
inline rte_ether_addr UnpackMac(uint64_t v) {
  rte_ether_addr a;
  std::memcpy(a.addr_bytes, &v, 6);
  return a;
}

struct PortState {
  bool present = false;
  rte_ether_addr mac{};
  std::atomic<uint16_t> mtu{1500};
  std::atomic<bool> up{true};
};

// Source addresses of what the gateway originates (ICMP errors, ARP and ND): per port the first
// address of each family configured on it, and the gateway's first address of each family as
// the fallback (0 / all-zero: none). Immutable; replaced whole behind Tables::sources.
struct SourceAddrs {
  std::array<uint32_t, RTE_MAX_ETHPORTS> port4{};
  std::array<std::array<uint8_t, 16>, RTE_MAX_ETHPORTS> port6{};
  uint32_t any4 = 0;
  std::array<uint8_t, 16> any6{};
};

struct TableSizes {
  uint32_t tunnels = 65536;
  uint32_t routes = 65536;       // IPv4 rules
  uint32_t routes6 = 16384;      // IPv6 rules
  uint32_t tbl8s = 4096;         // rte_fib tbl8 groups (1 KiB each, per copy)
  uint32_t tbl8s6 = 4096;        // rte_fib6 tbl8 groups (1 KiB each, per copy)
  uint32_t nexthops = 65536;
  uint32_t neighbours = 65536;
  uint32_t max_lcores = RTE_MAX_LCORE;
  uint32_t workers = 1;  // worker lcores: each has its own line per tunnel (TunnelLine)
};

class Tables {
 public:
  static absl::StatusOr<std::unique_ptr<Tables>> Create(const TableSizes& sizes);

  const TableSizes sizes;
  Rcu rcu;
  NextHopTable nexthops;
  Route4Table route4;
  Route6Table route6;
  // The tunnel feature's (tunnel/datapath/): tunnel id -> record and per-worker lines; outer
  // (remote, local) -> tunnel id.
  TunnelTable tunnels;
  PeerTable peers;
  PeerTable6 peers6;  // the IPv6 underlay's (ip6tnl)
  LfHash neighbours;  // NeighKey -> packed MAC
  std::array<PortState, RTE_MAX_ETHPORTS> ports;
  // Bumped by the control thread after every change to `neighbours` / `peers`: the workers'
  // caches of them (lcore_cache.h) hold only answers given under the current generation.
  std::atomic<uint64_t> neigh_gen{1};
  std::atomic<uint64_t> peer_gen{1};

  // Reader: the current source addresses (never null).
  const SourceAddrs& sources() const noexcept { return *sources_.load(std::memory_order_acquire); }
  // Writer: publish new ones; the old snapshot is freed once no worker can hold it.
  void PublishSources(std::unique_ptr<SourceAddrs> s);
  ~Tables();

 private:
  std::atomic<const SourceAddrs*> sources_;
  struct RetiredSources {
    const SourceAddrs* s;
    uint64_t token;
  };
  std::vector<RetiredSources> retired_sources_;

  explicit Tables(const TableSizes& s);
};

}  // namespace gw::dp
