// A lock-free rte_hash (one writer, many readers) whose values are 64-bit words stored in the
// data pointer itself, so an update is a single atomic store and there is nothing to free.
// Deleted key slots are recycled through the RCU defer queue (rte_hash_rcu_qsbr_add), i.e. only
// after every worker has passed a quiescent state.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "dataplane/dpdk.h"
#include "dataplane/tables/rcu.h"

namespace gw::dp {

class LfHash {
 public:
  LfHash(const Rcu& rcu, const std::string& name, uint32_t entries, uint32_t key_len);
  ~LfHash();
  LfHash(const LfHash&) = delete;
  LfHash& operator=(const LfHash&) = delete;

  bool ok() const { return h_ != nullptr; }
  const rte_hash* raw() const { return h_; }

  // Reader. Returns false when absent.
  bool Lookup(const void* key, uint64_t* value) const noexcept {
    void* data;
    if (rte_hash_lookup_data(h_, key, &data) < 0) return false;
    *value = reinterpret_cast<uintptr_t>(data);
    return true;
  }

  // Writer (control thread only).
  absl::Status Set(const void* key, uint64_t value);
  absl::Status Delete(const void* key);
  uint32_t size() const { return static_cast<uint32_t>(rte_hash_count(h_)); }

 private:
  const Rcu& rcu_;
  rte_hash* h_ = nullptr;
};

}  // namespace gw::dp
