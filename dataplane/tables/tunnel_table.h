// Tunnels: an array indexed by tunnel id of pointers to immutable records. Each record carries
// the tunnel's outer IPv4 header as a template (RFC 2003 / RFC 4213) with its checksum partly
// summed, so encap copies 20 bytes and patches a few fields. A change publishes a new record with
// one atomic pointer store and frees the old one after a grace period: a packet sees the old
// tunnel or the new one, never a mix.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/dpdk.h"
#include "dataplane/tables/rcu.h"

namespace gw::dp {

inline constexpr uint8_t kCarryIpv4 = 1;  // protocol 4
inline constexpr uint8_t kCarryIpv6 = 2;  // protocol 41
inline constexpr uint16_t kNoPort = 0xffff;

struct alignas(64) TunnelRec {
  rte_ipv4_hdr tmpl{};       // version/IHL, fixed TOS (DSCP), DF, fixed TTL, src, dst (0: any)
  uint16_t tmpl_words[10]{};  // tmpl as 16-bit words, for the checksum patch
  uint32_t tmpl_sum = 0;     // one's complement sum of tmpl_words
  uint32_t id = 0;           // tunnel id (index in the table, in the counters)
  uint16_t mtu = 1480;       // tunnel MTU: largest inner packet
  uint16_t bound_port = kNoPort;  // `dev portN`: the underlay must leave through this port
  uint8_t carries = 0;       // kCarryIpv4 | kCarryIpv6
  uint8_t ttl = 0;           // 0: inherit the inner TTL
  bool tos_inherit = false;  // copy the inner TOS byte whole
  bool pmtudisc = true;      // DF set; else DF copied from an IPv4 inner
  bool up = false;
  bool remote_any = false;
  // The tunnel's first IPv4 / IPv6 address (0: none): source of ICMP errors sent through it.
  uint32_t src4_be = 0;
  std::array<uint8_t, 16> src6{};

  // Builds tmpl and tmpl_sum from the fields above and the addresses.
  void BuildTemplate(uint32_t local_be, uint32_t remote_be, uint8_t tos);
};

class TunnelTable {
 public:
  TunnelTable(const Rcu& rcu, uint32_t capacity);
  ~TunnelTable();

  uint32_t capacity() const { return capacity_; }

  // Reader: the current record, or nullptr for a free id.
  const TunnelRec* Get(uint32_t id) const noexcept {
    return slots_[id].load(std::memory_order_acquire);
  }
  // Reader: starts loading the slot of `id` (the burst stage, burst.h).
  void PrefetchSlot(uint32_t id) const noexcept { rte_prefetch0(&slots_[id]); }

  // Writer (control thread): publish `rec` at rec->id (new or replacing), retire what was there.
  void Publish(std::unique_ptr<TunnelRec> rec);
  // Writer: empty the slot.
  void Remove(uint32_t id);
  // Writer: frees the retired records no worker can still hold, without waiting.
  void Reclaim();
  // Writer: waits until no worker can hold any retired record, and frees them all.
  void Barrier();

 private:
  const Rcu& rcu_;
  uint32_t capacity_;
  std::unique_ptr<std::atomic<const TunnelRec*>[]> slots_;
  struct Retired {
    const TunnelRec* rec;
    uint64_t token;
  };
  std::vector<Retired> retired_;  // oldest first
};

}  // namespace gw::dp
