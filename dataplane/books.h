// The books: where every packet a worker received went, from its counters (counters.h), so that a
// packet that vanished, was counted twice or leaked shows as an imbalance (docs/reliability.md 3,
// docs/architecture.md 1.12). Per worker:
//
//   received + made = sent + dropped + handed_off
//
//   received    `processed`: packets the worker took off its RX queues and walked, or dropped
//               because another worker's ring was full (`spread_full`), and packets it took off
//               its own inbound ring (`spread_in`: another worker received them)
//   made        packets the walk made besides them: ICMP errors built in a dropped packet's own mbuf
//               (`icmp_errors`: "answered in place"), fragments (`fragments_out`), packets
//               reassembled from fragments (`reassembled`)
//   sent        frames queued for TX: the walk's answer for a received packet (received −
//               walk_dropped − walk_handed_off: no count on the forwarding path) and those the walk
//               queued itself (`sent_slowpath`: fragments, answers to reassembled packets)
//   dropped     the drop reasons the walk counted: every reason but `tx_full` (counted after the
//               walk, against `sent`) and the reassembly table's give-ups (`reasm_dropped`)
//   handed_off  `punted` (to the control thread), `fragmented` (the original of fragments),
//               `reasm_in` (fragments given to the reassembly table)
//
// A dropped packet answered with an ICMP error counts under its reason (dropped) and its mbuf,
// now the error, as made; what happens to the error is booked like any packet.
// The reassembly table: reasm_in = reasm_used + reasm_dropped + waiting; the transmit side:
// tx_queued = sent + inbox_sent = (accepted by the port) + tx_full. Spreading (spread/): what a
// worker hands to another is not received by it (`spread_out`); over all workers,
// Σ spread_out = Σ spread_in + (in the workers' inbound rings).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "dataplane/counters.h"

namespace gw::dp {

struct WalkBooks {
  uint64_t received = 0;
  uint64_t answered_in_place = 0;  // made: ICMP errors in a dropped packet's mbuf
  uint64_t fragments_made = 0;     // made: fragments
  uint64_t reassembled = 0;        // made: whole packets out of the reassembly table
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t punted = 0;         // handed off
  uint64_t fragmented = 0;     // handed off
  uint64_t to_reassembly = 0;  // handed off
  uint64_t reasm_used = 0;
  uint64_t reasm_dropped = 0;
  uint64_t inbox_sent = 0;  // frames of the control thread this worker queued
  uint64_t tx_full = 0;     // queued, refused by the TX queue
  uint64_t spread_out = 0;  // taken off RX, handed to another worker (not received here)
  uint64_t spread_in = 0;   // received from another worker's hands (part of received)

  uint64_t made() const { return answered_in_place + fragments_made + reassembled; }
  uint64_t handed_off() const { return punted + fragmented + to_reassembly; }
  // received + made − (sent + dropped + handed_off): 0 when the books balance.
  int64_t off() const {
    return static_cast<int64_t>(received + made()) -
           static_cast<int64_t>(sent + dropped + handed_off());
  }
  int64_t reasm_waiting() const {
    return static_cast<int64_t>(to_reassembly) - static_cast<int64_t>(reasm_used + reasm_dropped);
  }
  uint64_t tx_queued() const { return sent + inbox_sent; }

  WalkBooks& operator+=(const WalkBooks& o) {
    received += o.received;
    answered_in_place += o.answered_in_place;
    fragments_made += o.fragments_made;
    reassembled += o.reassembled;
    sent += o.sent;
    dropped += o.dropped;
    punted += o.punted;
    fragmented += o.fragmented;
    to_reassembly += o.to_reassembly;
    reasm_used += o.reasm_used;
    reasm_dropped += o.reasm_dropped;
    inbox_sent += o.inbox_sent;
    tx_full += o.tx_full;
    spread_out += o.spread_out;
    spread_in += o.spread_in;
    return *this;
  }
};

// A worker's books from its counters (a consistent copy: ReadBooks).
inline WalkBooks WalkBooksOf(const LcoreCounters& c) {
  WalkBooks b;
  b.received = Read(c.processed);
  b.answered_in_place = c.event(Event::icmp_errors);
  b.fragments_made = c.event(Event::fragments_out);
  b.reassembled = c.event(Event::reassembled);
  b.sent = b.received - c.event(Event::walk_dropped) - c.event(Event::walk_handed_off) +
           c.event(Event::sent_slowpath);
  uint64_t drops = 0;  // (tx_full apart: refusals at a flush come outside BooksOpen/Close)
  for (size_t i = 0; i < kDropCount; ++i)
    if (i != static_cast<size_t>(Drop::tx_full)) drops += Read(c.drops[i]);
  b.tx_full = c.drop(Drop::tx_full);
  b.reasm_dropped = c.event(Event::reasm_dropped);
  b.dropped = drops - b.reasm_dropped;
  b.punted = c.event(Event::punted);
  b.fragmented = c.event(Event::fragmented);
  b.to_reassembly = c.event(Event::reasm_in);
  b.reasm_used = c.event(Event::reasm_used);
  b.inbox_sent = c.event(Event::inbox_sent);
  b.spread_out = c.event(Event::spread_out);
  b.spread_in = c.event(Event::spread_in);
  return b;
}

// Copies `n` counter blocks that other threads write, so that each copy holds whole books: no
// owner was inside BooksOpen/BooksClose while it was read (retried up to `tries` times).
// `also` runs inside the same window (e.g. ring occupancy read with the counters). Returns
// whether the copy is consistent; an inconsistent one is the last attempt.
template <class Also>
inline bool ReadBooks(const LcoreCounters* const* src, LcoreCounters* dst, size_t n, Also&& also,
                      int tries = 1000) {
  for (int t = 0; t < tries; ++t) {
    bool ok = true;
    std::vector<uint64_t> before(n);
    for (size_t i = 0; i < n; ++i) {
      before[i] = std::atomic_ref<uint64_t>(const_cast<uint64_t&>(src[i]->seq))
                      .load(std::memory_order_acquire);
      ok &= (before[i] & 1) == 0;
    }
    also();
    for (size_t i = 0; i < n; ++i) {
      LcoreCounters& d = dst[i];
      const LcoreCounters& s = *src[i];
      d.processed = Read(s.processed);
      d.busy_cycles = Read(s.busy_cycles);
      d.busy_packets = Read(s.busy_packets);
      for (size_t k = 0; k < kDropCount; ++k) d.drops[k] = Read(s.drops[k]);
      for (size_t k = 0; k < kEventCount; ++k) d.events[k] = Read(s.events[k]);
      d.held = Read(s.held);
    }
    std::atomic_thread_fence(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i)
      ok &= std::atomic_ref<uint64_t>(const_cast<uint64_t&>(src[i]->seq))
                .load(std::memory_order_relaxed) == before[i];
    if (ok) return true;
  }
  return false;
}

}  // namespace gw::dp
