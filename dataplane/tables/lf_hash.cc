#include "dataplane/tables/lf_hash.h"

#include "absl/strings/str_cat.h"

namespace gw::dp {

LfHash::LfHash(const Rcu& rcu, const std::string& name, uint32_t entries, uint32_t key_len)
    : rcu_(rcu) {
  rte_hash_parameters p{};
  p.name = name.c_str();
  p.entries = entries < 8 ? 8 : entries;
  p.key_len = key_len;
  p.hash_func = rte_jhash;
  p.socket_id = static_cast<int>(rte_socket_id());
  p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
  h_ = rte_hash_create(&p);
  if (h_ == nullptr) return;
  rte_hash_rcu_config rc{};
  rc.v = rcu.qsbr();
  rc.mode = RTE_HASH_QSBR_MODE_DQ;
  if (rte_hash_rcu_qsbr_add(h_, &rc) != 0) {
    rte_hash_free(h_);
    h_ = nullptr;
  }
}

LfHash::~LfHash() {
  if (h_ != nullptr) rte_hash_free(h_);
}

absl::Status LfHash::Set(const void* key, uint64_t value) {
  int rc = rte_hash_add_key_data(h_, key, reinterpret_cast<void*>(static_cast<uintptr_t>(value)));
  if (rc == -ENOSPC) {
    // Deleted keys wait in the RCU defer queue, and the add only reclaims those whose grace
    // period is over: let the workers pass one, then try again.
    rcu_.Synchronize();
    rc = rte_hash_add_key_data(h_, key, reinterpret_cast<void*>(static_cast<uintptr_t>(value)));
  }
  if (rc == -ENOSPC) return absl::ResourceExhaustedError("table full");
  if (rc < 0) return absl::InternalError(absl::StrCat("hash add failed: ", rte_strerror(-rc)));
  return absl::OkStatus();
}

absl::Status LfHash::Delete(const void* key) {
  int rc = rte_hash_del_key(h_, key);
  if (rc == -ENOENT) return absl::NotFoundError("no such entry");
  if (rc < 0) return absl::InternalError(absl::StrCat("hash delete failed: ", rte_strerror(-rc)));
  return absl::OkStatus();
}

}  // namespace gw::dp
