// Peers: the outer (remote, local) addresses of a received tunnel packet → its tunnel id, for
// decap. One writer (the control thread), lock-free readers.
//
// Two copies of the same map:
//   - an LfHash (rte_hash, lock-free, RCU-recycled key slots): the authoritative one;
//   - lines for the walk: open addressing over 64-byte buckets that hold four (key, tunnel id)
//     entries each and a sequence counter, so that a lookup reads one cache line. rte_hash reads
//     two dependent ones (the bucket, then the key store), and with 1M tunnels both miss.
// The control thread writes a bucket as the tunnel lines are written (counter odd, the words,
// counter even). A reader that sees a write under way in a bucket it probes asks the LfHash
// instead, so it never waits for the writer and never takes half of a change.
//
// A key lives in its home bucket (a hash of the key) or, if that is full, in the first bucket
// after it with a free entry; each bucket counts the entries stored past it whose home is at or
// before it (`passing`), and a lookup goes on to the next bucket only while that count is not
// zero. Entries never move, so a change to one key never hides another. There are at least twice
// as many entries as the table's capacity, so a bucket is half full on average.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "dataplane/dpdk.h"
#include "dataplane/tables/lf_hash.h"
#include "dataplane/tables/rcu.h"
#include "dataplane/tables/seqcount.h"

namespace gw::dp {

// A peer: (outer source, outer destination) of a received IPIP/SIT packet, network order. A
// `remote any` tunnel is keyed with remote_be = 0.
struct PeerKey {
  uint32_t remote_be;
  uint32_t local_be;
};
static_assert(sizeof(PeerKey) == 8);

class PeerTable {
 public:
  static constexpr uint32_t kWays = 4;           // entries per bucket
  static constexpr uint32_t kNoTunnel = ~0u;     // an empty entry's id
  static constexpr uint32_t kMaxProbe = 64;      // buckets a key may be placed past its home

  // `capacity`: keys it must hold (the tunnel table's size).
  PeerTable(const Rcu& rcu, const std::string& name, uint32_t capacity);
  PeerTable(const PeerTable&) = delete;
  PeerTable& operator=(const PeerTable&) = delete;

  bool ok() const { return hash_.ok(); }

  static uint64_t Key(uint32_t remote_be, uint32_t local_be) noexcept {
    return uint64_t{local_be} << 32 | remote_be;
  }
  static uint64_t Key(const PeerKey& k) noexcept { return Key(k.remote_be, k.local_be); }
  uint32_t Home(uint64_t key) const noexcept {
    return static_cast<uint32_t>((key * 0x9e3779b97f4a7c15ull) >> 32) & mask_;
  }
  // Reader: starts loading the home bucket of `key` (the burst stage).
  void Prefetch(uint64_t key) const noexcept { rte_prefetch0(&buckets_[Home(key)]); }

  // Reader: the tunnel id of `key`; false if none.
  [[gnu::always_inline]] bool Lookup(uint64_t key, uint32_t* id) const noexcept {
    uint32_t b = Home(key);
    for (uint32_t probe = 0;; ++probe) {
      const Bucket& k = buckets_[b];
      const uint32_t before = SeqBegin(k.seq);
      uint64_t keys[kWays];
      uint32_t ids[kWays];
      for (uint32_t i = 0; i < kWays; ++i) {
        keys[i] = LoadRelaxed(k.key[i]);
        ids[i] = LoadRelaxed(k.id[i]);
      }
      const uint32_t passing = LoadRelaxed(k.passing);
      if (!SeqUnchanged(k.seq, before)) [[unlikely]]
        return LookupHash(key, id);
      for (uint32_t i = 0; i < kWays; ++i) {
        if (keys[i] == key && ids[i] != kNoTunnel) {
          *id = ids[i];
          return true;
        }
      }
      if (passing == 0 || probe == kMaxProbe) return false;
      b = (b + 1) & mask_;
    }
  }

  // Writer (control thread only): add or replace, remove. The same errors as LfHash, and
  // ResourceExhausted when the lines have no free entry within kMaxProbe buckets of the key's home
  // (then nothing changed).
  absl::Status Set(const PeerKey& key, uint32_t id);
  absl::Status Delete(const PeerKey& key);
  uint32_t size() const { return hash_.size(); }
  // The authoritative copy (tests, benchmarks).
  const LfHash& hash() const { return hash_; }
  uint32_t buckets() const { return mask_ + 1; }

 private:
  friend struct PeerTablePeek;  // tests: a bucket as a writer leaves it mid-change

  struct alignas(64) Bucket {
    std::atomic<uint32_t> seq{0};  // odd: being written
    uint32_t passing = 0;          // entries stored after this bucket whose home is at or before it
    uint64_t key[kWays] = {};
    uint32_t id[kWays] = {kNoTunnel, kNoTunnel, kNoTunnel, kNoTunnel};
  };
  static_assert(sizeof(Bucket) == 64);

  [[gnu::cold]] bool LookupHash(uint64_t key, uint32_t* id) const noexcept;
  // Writer: where `key` is, as (bucket, way); false if absent.
  bool Find(uint64_t key, uint32_t* bucket, uint32_t* way) const noexcept;
  // Writer: `delta` to the `passing` count of buckets [from, to), an entry stored at `to` whose
  // home is `from` having come or gone.
  void AddPassing(uint32_t from, uint32_t to, int delta);

  LfHash hash_;
  uint32_t mask_;
  std::unique_ptr<Bucket[]> buckets_;
};

// The IPv6 underlay's peers (ip6tnl): (outer source, outer destination) of a received IPv6 tunnel
// packet → tunnel id, `remote any` keyed with remote = ::. A plain LfHash with 32-byte keys: the
// walk asks it directly (no worker cache, no buckets of its own; the burst's PeerMemo6 catches a
// run of packets from one peer).
struct PeerKey6 {
  uint8_t remote[16];
  uint8_t local[16];
};
static_assert(sizeof(PeerKey6) == 32);

class PeerTable6 {
 public:
  PeerTable6(const Rcu& rcu, const std::string& name, uint32_t capacity)
      : hash_(rcu, name, capacity, sizeof(PeerKey6)) {}
  bool ok() const { return hash_.ok(); }

  // Reader: the tunnel id of `key`; false if none.
  bool Lookup(const PeerKey6& key, uint32_t* id) const noexcept {
    uint64_t v;
    if (!hash_.Lookup(&key, &v)) return false;
    *id = static_cast<uint32_t>(v);
    return true;
  }
  // Writer (control thread only).
  absl::Status Set(const PeerKey6& key, uint32_t id) { return hash_.Set(&key, id); }
  absl::Status Delete(const PeerKey6& key) { return hash_.Delete(&key); }
  uint32_t size() const { return hash_.size(); }

 private:
  LfHash hash_;
};

}  // namespace gw::dp
