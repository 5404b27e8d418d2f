// The sequence-counter protocol of the walk's lines (TunnelTable's tunnel lines, PeerTable's
// buckets): one writer, the control thread, and readers that never wait for it.
//   Writer: SeqWrite(seq, fn) makes the counter odd, lets fn store the words (StoreRelaxed), and
//   makes it even again.
//   Reader: before = SeqBegin(seq), the words loaded with LoadRelaxed, then SeqUnchanged(seq,
//   before); if false, a write was under way and the words may be a mix: the reader takes its
//   answer from the authoritative copy instead (RCU-published record, rte_hash).
#pragma once

#include <atomic>
#include <cstdint>

namespace gw::dp {

template <typename T>
[[gnu::always_inline]] inline T LoadRelaxed(const T& v) noexcept {
  return std::atomic_ref<T>(const_cast<T&>(v)).load(std::memory_order_relaxed);
}

template <typename T>
inline void StoreRelaxed(T& field, T v) noexcept {
  std::atomic_ref<T>(field).store(v, std::memory_order_relaxed);
}

[[gnu::always_inline]] inline uint32_t SeqBegin(const std::atomic<uint32_t>& seq) noexcept {
  return seq.load(std::memory_order_acquire);
}

// After the loads: whether they all came from one version (no write began or was under way).
[[gnu::always_inline]] inline bool SeqUnchanged(const std::atomic<uint32_t>& seq,
                                               uint32_t before) noexcept {
  std::atomic_thread_fence(std::memory_order_acquire);
  return (before & 1) == 0 && seq.load(std::memory_order_relaxed) == before;
}

template <typename Fn>
inline void SeqWrite(std::atomic<uint32_t>& seq, Fn fn) {
  const uint32_t s = seq.load(std::memory_order_relaxed);
  seq.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // odd before any word changes
  fn();
  seq.store(s + 2, std::memory_order_release);
}

}  // namespace gw::dp
