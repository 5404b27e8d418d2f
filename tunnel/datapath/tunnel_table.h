// Tunnels: an array indexed by tunnel id of pointers to immutable records. Each record carries
// the tunnel's outer IPv4 header as a template (RFC 2003 / RFC 4213) with its checksum partly
// summed, so encap copies 20 bytes and patches a few fields. A change publishes a new record with
// one atomic pointer store and frees the old one after a grace period: a packet sees the old
// tunnel or the new one, never a mix.
//
// The walk reads the part it needs (TunnelFast, packed as a TunnelView) from its own array of
// lines, one cache line per id and worker under a sequence counter, which also holds that worker's
// counters of the tunnel: from the tunnel id to the fields and the counters in one memory access,
// instead of three (slot, record, counters), which with 1M tunnels are all cache misses. The
// control thread is the only writer of the fields: it makes the counter odd, writes them, makes
// it even. A reader copies them between two reads of the counter; if a write was under way it
// takes the published record instead (Read), so it never waits for the writer and never sees a
// mix.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "dataplane/counters.h"
#include "dataplane/dpdk.h"
#include "dataplane/tables/lf_hash.h"
#include "dataplane/tables/rcu.h"
#include "dataplane/tables/seqcount.h"

namespace gw::dp {

// A worker's counters of one tunnel (in its TunnelLine, below), or their sum over the workers.
struct TunnelCounters {
  uint64_t encap_packets = 0;
  uint64_t encap_bytes = 0;
  uint64_t decap_packets = 0;
  uint64_t decap_bytes = 0;

  TunnelCounters& operator+=(const TunnelCounters& o) noexcept {
    encap_packets += o.encap_packets;
    encap_bytes += o.encap_bytes;
    decap_packets += o.decap_packets;
    decap_bytes += o.decap_bytes;
    return *this;
  }
};

inline constexpr uint8_t kCarryIpv4 = 1;  // protocol 4
inline constexpr uint8_t kCarryIpv6 = 2;  // protocol 41
inline constexpr uint16_t kNoPort = 0xffff;

// What the walk reads of a tunnel (encap and decap), packed into each worker's line for it
// (TunnelView, TunnelLine).
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
  bool present = true;       // false: a free id (only in TunnelTable's lines)
  // The path MTU learned from ICMP fragmentation needed (the largest outer packet; 0: none). A
  // fixed remote's; for `remote any` the lowest of its remotes' (each is in
  // TunnelTable::PathMtu). For a fixed remote `mtu` is already no more than it allows.
  uint16_t pmtu = 0;
  uint8_t pmtu_flags = 0;    // TunnelView::kPmtuSlow, kPmtuLocked
  // The outer family is IPv6 (ip6tnl, RFC 2473): tmpl then holds only the fixed traffic class
  // (its TOS byte) and hop limit (its TTL byte); the addresses and the encapsulation limit are in
  // the record (TunnelRec), read by Outer6 (outer6.h).
  bool outer6 = false;

  // tmpl's 16-bit word i, as it sits in memory.
  uint16_t TmplWord(int i) const noexcept {
    uint16_t w;
    std::memcpy(&w, reinterpret_cast<const uint8_t*>(&tmpl) + 2 * i, sizeof(w));
    return w;
  }
};

// What the walk reads of a tunnel, packed into 28 bytes: the template (20 bytes), its sum folded
// to 16 bits, the MTU, then in a 32-bit fourth word the bound port, the TTL and one byte of flags.
// Two template words that encap writes per packet and leaves out of the sum carry the path MTU
// learned (bytes 2-3, the total length) and its flags (bytes 10-11, the checksum).
// A reader keeps them as the words it loaded and takes each field out with a shift: copying them
// into a TunnelFast on the stack cost ~20 cycles per decapsulated packet in gw_bench (stores, then
// narrower reloads of them).
struct TunnelView {
  static constexpr size_t kWords = 4;  // w[3] holds 32 bits
  // Flag bits (byte 3 of w[3]); kCarryIpv4 and kCarryIpv6 are bits 0 and 1.
  static constexpr uint8_t kTosInherit = 1 << 2;
  static constexpr uint8_t kPmtuDisc = 1 << 3;
  static constexpr uint8_t kUp = 1 << 4;
  static constexpr uint8_t kRemoteAny = 1 << 5;
  static constexpr uint8_t kPresent = 1 << 6;
  // Path MTU flags (pmtu_flags()):
  //   kPmtuSlow    encap decides per packet (EncapPathMtu, encap.h) and the fast stage leaves the
  //                tunnel alone: a `remote any` tunnel with a path MTU learned for some remote,
  //                a locked path MTU, or one too small for an IPv6 inner (below 1280 + 20);
  //   kPmtuLocked  the path MTU reported was below --tunnel_pmtu_min and was raised to it: the
  //                outer DF is then clear (Linux: ip_mtu_locked in iptunnel_xmit).
  static constexpr uint8_t kPmtuSlow = 1;
  static constexpr uint8_t kPmtuLocked = 2;
  static constexpr uint8_t kOuter6 = 1 << 7;
  // Added to the folded sum: five 0xffff, which are zero to a one's complement sum, so that
  // taking up to five template words back out of it (EncapBuild) never goes below zero.
  static constexpr uint32_t kSumBias = 5 * 0xffffu;

  uint64_t w[kWords];

  static TunnelView Pack(const TunnelFast& f) noexcept;

  // Byte `off` of the template (little-endian words). (Words 1 and 5, bytes 2-3 and 10-11, hold
  // pmtu() and pmtu_flags() instead: encap never reads the template's there.)
  uint8_t Byte(size_t off) const noexcept { return static_cast<uint8_t>(w[off / 8] >> (8 * (off % 8))); }
  uint16_t TmplWord(int i) const noexcept { return static_cast<uint16_t>(w[i / 4] >> (16 * (i % 4))); }
  uint8_t version_ihl() const noexcept { return Byte(offsetof(rte_ipv4_hdr, version_ihl)); }
  uint8_t tmpl_tos() const noexcept { return Byte(offsetof(rte_ipv4_hdr, type_of_service)); }
  uint8_t tmpl_ttl() const noexcept { return Byte(offsetof(rte_ipv4_hdr, time_to_live)); }
  uint32_t src_be() const noexcept { return static_cast<uint32_t>(w[1] >> 32); }  // bytes 12..15
  uint32_t dst_be() const noexcept { return static_cast<uint32_t>(w[2]); }        // bytes 16..19
  // The template's one's complement sum, not folded further than 32 bits (see kSumBias).
  uint32_t tmpl_sum() const noexcept { return static_cast<uint32_t>((w[2] >> 32) & 0xffff) + kSumBias; }
  uint16_t mtu() const noexcept { return static_cast<uint16_t>(w[2] >> 48); }
  uint16_t bound_port() const noexcept { return static_cast<uint16_t>(w[3]); }
  uint8_t ttl() const noexcept { return static_cast<uint8_t>(w[3] >> 16); }
  uint8_t flags() const noexcept { return static_cast<uint8_t>(w[3] >> 24); }
  uint8_t carries() const noexcept { return flags() & (kCarryIpv4 | kCarryIpv6); }
  bool tos_inherit() const noexcept { return (flags() & kTosInherit) != 0; }
  bool pmtudisc() const noexcept { return (flags() & kPmtuDisc) != 0; }
  bool up() const noexcept { return (flags() & kUp) != 0; }
  bool remote_any() const noexcept { return (flags() & kRemoteAny) != 0; }
  bool present() const noexcept { return (flags() & kPresent) != 0; }
  uint16_t pmtu() const noexcept { return static_cast<uint16_t>(w[0] >> 16); }
  uint8_t pmtu_flags() const noexcept { return static_cast<uint8_t>(w[1] >> 16); }
  bool pmtu_slow() const noexcept { return (pmtu_flags() & kPmtuSlow) != 0; }
  bool pmtu_locked() const noexcept { return (pmtu_flags() & kPmtuLocked) != 0; }
  // This view with the outer DF off: as `nopmtudisc` (DF copied from the inner: the caller's
  // Inner says 0 for that).
  void ClearPmtuDisc() noexcept { w[3] &= ~(uint64_t{kPmtuDisc} << 24); }
  bool outer6() const noexcept { return (flags() & kOuter6) != 0; }
};
static_assert(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN);
static_assert(offsetof(rte_ipv4_hdr, src_addr) == 12 && offsetof(rte_ipv4_hdr, dst_addr) == 16);

// One worker's line for one tunnel id: the tunnel's packed fields under a sequence counter, and
// this worker's counters of the tunnel. Each worker has its own line per id, so a packet reads
// and counts its tunnel in one cache line that no other core writes (with 1M tunnels, the
// separate counter line was one more cache and TLB miss per packet: docs/performance-log.md 9.1).
// The control thread writes the fields of every worker's line; only that worker writes its
// counters.
struct alignas(64) TunnelLine {
  uint64_t w[3];                  // TunnelView words 0..2
  uint32_t w3;                    // TunnelView word 3
  std::atomic<uint32_t> seq{0};   // odd: the control thread is writing the fields
  TunnelCounters c;
};
static_assert(sizeof(TunnelLine) == 64 && offsetof(TunnelLine, c) == 32);

struct TunnelRec : TunnelFast {
  uint32_t id = 0;  // tunnel id (index in the table, in the counters)
  // The tunnel's first IPv4 / IPv6 address (0: none): source of ICMP errors sent through it.
  uint32_t src4_be = 0;
  std::array<uint8_t, 16> src6{};
  // An IPv6-outer tunnel's (outer6): its outer addresses and the tunnel encapsulation limit it
  // sends in a destination option (RFC 2473 4.1.1; -1: none, `encaplimit none`).
  std::array<uint8_t, 16> local6{};
  std::array<uint8_t, 16> remote6{};
  int16_t encap_limit = -1;

  // Bytes of outer header an IPv6-outer tunnel puts in front of the inner: 40, or 48 with the
  // destination options header that carries the encapsulation limit.
  uint16_t Overhead6() const noexcept { return encap_limit < 0 ? 40 : 48; }

  // Builds tmpl and tmpl_sum from the fields above and the addresses.
  void BuildTemplate(uint32_t local_be, uint32_t remote_be, uint8_t tos);
};

// A `remote any` tunnel's path MTU to one remote, learned from ICMP (TunnelTable::PathMtu).
struct PathMtuKey {
  uint32_t remote_be;
  uint32_t id;
};
static_assert(sizeof(PathMtuKey) == 8);

class TunnelTable {
 public:
  // `workers`: how many lines each id has, one per worker lcore.
  TunnelTable(const Rcu& rcu, uint32_t capacity, uint32_t workers);
  ~TunnelTable();

  uint32_t capacity() const { return capacity_; }
  uint32_t workers() const { return workers_; }
  bool ok() const { return pmtu_.ok(); }

  // Reader: the current record, or nullptr for a free id.
  const TunnelRec* Get(uint32_t id) const noexcept {
    return slots_[id].load(std::memory_order_acquire);
  }
  // Worker `worker`'s lines, indexed by tunnel id.
  TunnelLine* Lines(uint32_t worker) const noexcept {
    return lines_.get() + size_t{worker} * capacity_;
  }
  // Reader: tunnel `id`'s fields from this worker's `lines`, into *out; false for a free id. With
  // kFirst = 3 only the fourth word is loaded: bound port, TTL, mode and flags (what decap checks).
  template <size_t kFirst = 0>
  [[gnu::always_inline]] bool Read(const TunnelLine* lines, uint32_t id,
                                   TunnelView* out) const noexcept {
    static_assert(kFirst <= 3);
    const TunnelLine& l = lines[id];
    const uint32_t before = SeqBegin(l.seq);
    if constexpr (kFirst <= 0) out->w[0] = LoadRelaxed(l.w[0]);
    if constexpr (kFirst <= 1) out->w[1] = LoadRelaxed(l.w[1]);
    if constexpr (kFirst <= 2) out->w[2] = LoadRelaxed(l.w[2]);
    out->w[3] = LoadRelaxed(l.w3);
    if (!SeqUnchanged(l.seq, before)) [[unlikely]]
      return ReadPublished(id, out);
    return out->present();
  }
  // Reader: starts loading line `id` (the burst stage, burst.h).
  static void Prefetch(const TunnelLine* lines, uint32_t id) noexcept { rte_prefetch0(&lines[id]); }
  // Any thread: worker `worker`'s counters of tunnel `id` (each word read whole).
  TunnelCounters Counters(uint32_t worker, uint32_t id) const noexcept;

  // Reader: the path MTU learned for `remote any` tunnel `id` toward `remote_be`; false if none.
  // (A lock-free rte_hash: read only where the tunnel's fields say kPmtuSlow.)
  bool PathMtu(uint32_t id, uint32_t remote_be, uint16_t* mtu, bool* locked) const noexcept {
    const PathMtuKey k{remote_be, id};
    uint64_t v;
    if (!pmtu_.Lookup(&k, &v)) return false;
    *mtu = static_cast<uint16_t>(v);
    *locked = (v >> 16 & 1) != 0;
    return true;
  }
  // Writer: set or remove one (the record's pmtu and flags are the caller's to publish).
  absl::Status SetPathMtu(uint32_t id, uint32_t remote_be, uint16_t mtu, bool locked);
  void DeletePathMtu(uint32_t id, uint32_t remote_be);
  // Writer: how many there are (rte_hash_count would also count deleted keys whose slots wait
  // for a grace period).
  uint32_t path_mtus() const { return path_mtus_; }

  // Writer (control thread): publish `rec` at rec->id (new or replacing), retire what was there.
  void Publish(std::unique_ptr<TunnelRec> rec);
  // Writer: empty the slot.
  void Remove(uint32_t id);
  // Writer: frees the retired records no worker can still hold, without waiting.
  void Reclaim();
  // Writer: waits until no worker can hold any retired record, and frees them all.
  void Barrier();

 private:
  // A write was under way: the record it is publishing, or the one before it.
  [[gnu::cold]] bool ReadPublished(uint32_t id, TunnelView* out) const noexcept;
  // Writer: the fields of `id` in every worker's line (their counters stay).
  void WriteFast(uint32_t id, const TunnelFast& f);

  const Rcu& rcu_;
  uint32_t capacity_;
  uint32_t workers_;
  std::unique_ptr<std::atomic<const TunnelRec*>[]> slots_;
  std::unique_ptr<TunnelLine[]> lines_;  // workers_ arrays of capacity_ lines
  struct Retired {
    const TunnelRec* rec;
    uint64_t token;
  };
  std::vector<Retired> retired_;  // oldest first
  LfHash pmtu_;                   // PathMtuKey -> mtu | locked << 16
  uint32_t path_mtus_ = 0;        // keys in pmtu_ (writer's count)
};

}  // namespace gw::dp
