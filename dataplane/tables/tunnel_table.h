// Tunnels: an array indexed by tunnel id of pointers to immutable records. Each record carries
// the tunnel's outer IPv4 header as a template (RFC 2003 / RFC 4213) with its checksum partly
// summed, so encap copies 20 bytes and patches a few fields. A change publishes a new record with
// one atomic pointer store and frees the old one after a grace period: a packet sees the old
// tunnel or the new one, never a mix.
//
// The walk reads the part it needs (TunnelFast) from a second array, one cache line per id under a
// sequence counter, so that it goes from the tunnel id to the fields in one memory access instead
// of two dependent ones (slot, then record): with 1M tunnels both are cache misses. The control
// thread is the only writer: it makes the counter odd, writes the line, makes it even. A reader
// copies the line between two reads of the counter; if a write was under way it takes the
// published record instead (Read), so it never waits for the writer and never sees a mix.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "dataplane/dpdk.h"
#include "dataplane/tables/rcu.h"

namespace gw::dp {

inline constexpr uint8_t kCarryIpv4 = 1;  // protocol 4
inline constexpr uint8_t kCarryIpv6 = 2;  // protocol 41
inline constexpr uint16_t kNoPort = 0xffff;

// What the walk reads of a tunnel (encap and decap): 36 bytes, kept in one cache line per tunnel
// (TunnelTable::Read).
struct TunnelFast {
  rte_ipv4_hdr tmpl{};       // version/IHL, fixed TOS (DSCP), DF, fixed TTL, src, dst (0: any)
  uint32_t tmpl_sum = 0;     // one's complement sum of tmpl's 16-bit words
  uint16_t mtu = 1480;       // tunnel MTU: largest inner packet
  uint16_t bound_port = kNoPort;  // `dev portN`: the underlay must leave through this port
  uint8_t carries = 0;       // kCarryIpv4 | kCarryIpv6
  uint8_t ttl = 0;           // 0: inherit the inner TTL
  bool tos_inherit = false;  // copy the inner TOS byte whole
  bool pmtudisc = true;      // DF set; else DF copied from an IPv4 inner
  bool up = false;
  bool remote_any = false;
  bool present = true;       // false: a free id (only in TunnelTable's fast copies)

  // tmpl's 16-bit word i, as it sits in memory.
  uint16_t TmplWord(int i) const noexcept {
    uint16_t w;
    std::memcpy(&w, reinterpret_cast<const uint8_t*>(&tmpl) + 2 * i, sizeof(w));
    return w;
  }
};

// A reader's copy of a tunnel's fast fields: the five words of its line, as TunnelTable::Read
// loaded them, with accessors that take each field out of them. Kept as words rather than copied
// into a TunnelFast on the stack: that copy costs ~20 cycles per decapsulated packet in gw_bench
// (stores, then narrower reloads of them), where shifts of registers cost a few.
struct TunnelView {
  static constexpr size_t kWords = (sizeof(TunnelFast) + 7) / 8;
  uint64_t w[kWords];

  // Byte `off` of the TunnelFast (little-endian words).
  uint8_t Byte(size_t off) const noexcept { return static_cast<uint8_t>(w[off / 8] >> (8 * (off % 8))); }
  uint16_t TmplWord(int i) const noexcept { return static_cast<uint16_t>(w[i / 4] >> (16 * (i % 4))); }
  uint8_t version_ihl() const noexcept { return Byte(offsetof(rte_ipv4_hdr, version_ihl)); }
  uint8_t tmpl_tos() const noexcept { return Byte(offsetof(rte_ipv4_hdr, type_of_service)); }
  uint8_t tmpl_ttl() const noexcept { return Byte(offsetof(rte_ipv4_hdr, time_to_live)); }
  uint32_t src_be() const noexcept { return static_cast<uint32_t>(w[1] >> 32); }  // bytes 12..15
  uint32_t dst_be() const noexcept { return static_cast<uint32_t>(w[2]); }        // bytes 16..19
  uint32_t tmpl_sum() const noexcept { return static_cast<uint32_t>(w[2] >> 32); }
  uint16_t mtu() const noexcept { return static_cast<uint16_t>(w[3]); }
  uint16_t bound_port() const noexcept { return static_cast<uint16_t>(w[3] >> 16); }
  uint8_t carries() const noexcept { return Byte(offsetof(TunnelFast, carries)); }
  uint8_t ttl() const noexcept { return Byte(offsetof(TunnelFast, ttl)); }
  bool tos_inherit() const noexcept { return Byte(offsetof(TunnelFast, tos_inherit)) != 0; }
  bool pmtudisc() const noexcept { return Byte(offsetof(TunnelFast, pmtudisc)) != 0; }
  bool up() const noexcept { return Byte(offsetof(TunnelFast, up)) != 0; }
  bool remote_any() const noexcept { return Byte(offsetof(TunnelFast, remote_any)) != 0; }
  bool present() const noexcept { return Byte(offsetof(TunnelFast, present)) != 0; }
};
static_assert(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN);
static_assert(offsetof(TunnelFast, tmpl) == 0 && offsetof(TunnelFast, tmpl_sum) == 20 &&
              offsetof(TunnelFast, mtu) == 24 && offsetof(TunnelFast, bound_port) == 26);
static_assert(offsetof(rte_ipv4_hdr, src_addr) == 12 && offsetof(rte_ipv4_hdr, dst_addr) == 16);
static_assert(TunnelView::kWords == 5);

struct TunnelRec : TunnelFast {
  uint32_t id = 0;  // tunnel id (index in the table, in the counters)
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
  // Reader: tunnel `id`'s fast fields, into *out; false for a free id. With kFirst = 3 only the
  // last two words are loaded: mtu, bound port, mode, TTL and the flags (what decap checks).
  template <size_t kFirst = 0>
  [[gnu::always_inline]] bool Read(uint32_t id, TunnelView* out) const noexcept {
    static_assert(kFirst <= 3);
    const FastSlot& s = fast_[id];
    const uint32_t before = s.seq.load(std::memory_order_acquire);
    if constexpr (kFirst <= 0) out->w[0] = LoadWord(s.w[0]);
    if constexpr (kFirst <= 1) out->w[1] = LoadWord(s.w[1]);
    if constexpr (kFirst <= 2) out->w[2] = LoadWord(s.w[2]);
    out->w[3] = LoadWord(s.w[3]);
    out->w[4] = LoadWord(s.w[4]);
    std::atomic_thread_fence(std::memory_order_acquire);
    if ((before & 1) != 0 || s.seq.load(std::memory_order_relaxed) != before) [[unlikely]]
      return ReadPublished(id, out);
    return out->present();
  }
  // Reader: starts loading the fast fields of `id` (the burst stage, burst.h).
  void Prefetch(uint32_t id) const noexcept { rte_prefetch0(&fast_[id]); }

  // Writer (control thread): publish `rec` at rec->id (new or replacing), retire what was there.
  void Publish(std::unique_ptr<TunnelRec> rec);
  // Writer: empty the slot.
  void Remove(uint32_t id);
  // Writer: frees the retired records no worker can still hold, without waiting.
  void Reclaim();
  // Writer: waits until no worker can hold any retired record, and frees them all.
  void Barrier();

 private:
  struct alignas(64) FastSlot {
    std::atomic<uint32_t> seq{0};     // odd: being written
    uint64_t w[TunnelView::kWords];  // a TunnelFast
  };
  static_assert(sizeof(FastSlot) == 64);

  // A write was under way: the record it is publishing, or the one before it.
  [[gnu::cold]] bool ReadPublished(uint32_t id, TunnelView* out) const noexcept;
  static uint64_t LoadWord(const uint64_t& w) noexcept {
    return std::atomic_ref<uint64_t>(const_cast<uint64_t&>(w)).load(std::memory_order_relaxed);
  }
  // Writer: the fast copy of `id`.
  void WriteFast(uint32_t id, const TunnelFast& f);

  const Rcu& rcu_;
  uint32_t capacity_;
  std::unique_ptr<std::atomic<const TunnelRec*>[]> slots_;
  std::unique_ptr<FastSlot[]> fast_;
  struct Retired {
    const TunnelRec* rec;
    uint64_t token;
  };
  std::vector<Retired> retired_;  // oldest first
};

}  // namespace gw::dp
