#include "tunnel/datapath/peer_table.h"

#include <algorithm>
#include <cstring>

namespace gw::dp {

PeerTable::PeerTable(const Rcu& rcu, const std::string& name, uint32_t capacity)
    : hash_(rcu, name, capacity, sizeof(PeerKey)),
      // Twice the capacity in entries, at least 16 buckets.
      mask_(static_cast<uint32_t>(
                rte_align64pow2(std::max<uint64_t>(16, uint64_t{capacity} * 2 / kWays))) -
            1),
      buckets_(std::make_unique<Bucket[]>(size_t{mask_} + 1)) {}

bool PeerTable::LookupHash(uint64_t key, uint32_t* id) const noexcept {
  PeerKey k;
  std::memcpy(&k, &key, sizeof(k));
  uint64_t v;
  if (!hash_.Lookup(&k, &v)) return false;
  *id = static_cast<uint32_t>(v);
  return true;
}

bool PeerTable::Find(uint64_t key, uint32_t* bucket, uint32_t* way) const noexcept {
  uint32_t b = Home(key);
  for (uint32_t probe = 0; probe <= kMaxProbe; ++probe, b = (b + 1) & mask_) {
    const Bucket& k = buckets_[b];
    for (uint32_t i = 0; i < kWays; ++i) {
      if (k.key[i] == key && k.id[i] != kNoTunnel) {
        *bucket = b;
        *way = i;
        return true;
      }
    }
    if (k.passing == 0) return false;
  }
  return false;
}

void PeerTable::AddPassing(uint32_t from, uint32_t to, int delta) {
  for (uint32_t p = from; p != to; p = (p + 1) & mask_) {
    Bucket& k = buckets_[p];
    SeqWrite(k.seq, [&] { StoreRelaxed(k.passing, k.passing + static_cast<uint32_t>(delta)); });
  }
}

absl::Status PeerTable::Set(const PeerKey& pk, uint32_t id) {
  const uint64_t key = Key(pk);
  uint32_t b;
  uint32_t w;
  if (Find(key, &b, &w)) {
    if (absl::Status s = hash_.Set(&pk, id); !s.ok()) return s;
    Bucket& k = buckets_[b];
    SeqWrite(k.seq, [&] { StoreRelaxed(k.id[w], id); });
    return absl::OkStatus();
  }
  // The first free entry from the key's home on.
  const uint32_t home = Home(key);
  uint32_t probe = 0;
  for (b = home; probe <= kMaxProbe; ++probe, b = (b + 1) & mask_) {
    const Bucket& k = buckets_[b];
    const auto* free = std::find(k.id, k.id + kWays, kNoTunnel);
    if (free != k.id + kWays) {
      w = static_cast<uint32_t>(free - k.id);
      break;
    }
  }
  if (probe > kMaxProbe) return absl::ResourceExhaustedError("peer table full");
  if (absl::Status s = hash_.Set(&pk, id); !s.ok()) return s;
  Bucket& k = buckets_[b];
  SeqWrite(k.seq, [&] {
    StoreRelaxed(k.key[w], key);
    StoreRelaxed(k.id[w], id);
  });
  AddPassing(home, b, +1);
  return absl::OkStatus();
}

absl::Status PeerTable::Delete(const PeerKey& pk) {
  const uint64_t key = Key(pk);
  uint32_t b;
  uint32_t w;
  if (Find(key, &b, &w)) {
    Bucket& k = buckets_[b];
    SeqWrite(k.seq, [&] {
      StoreRelaxed(k.id[w], kNoTunnel);
      StoreRelaxed(k.key[w], uint64_t{0});
    });
    AddPassing(Home(key), b, -1);
  }
  return hash_.Delete(&pk);
}

}  // namespace gw::dp
