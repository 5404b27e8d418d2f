// Neighbour resolution on the control thread: ARP and IPv6 Neighbour Discovery, and the packets
// held while their next hop is resolved. The workers punt it what they cannot finish
// (dataplane/io.h): ARP (control/arp.cc), NS/NA (control/ndisc.cc), packets without a neighbour
// entry (here).
//   ARP (RFC 826): answers requests for the gateway's addresses, learns the requester, updates
//   entries from replies (a reply nobody asked for is ignored, as Linux's arp_accept=0).
//   ND (RFC 4861): answers Neighbour Solicitations for the gateway's addresses with
//   Advertisements, learns from the source link-layer option, updates entries from NAs.
//   Resolution: a packet whose next hop has no entry is held (a bounded queue per neighbour and
//   in all) while ARP requests / NSs go out every retrans interval; the answer releases the
//   queue in order, silence drops it (no_neighbour) after `probes` tries.
//   Ageing: a learned entry is trusted for `reachable` ms, then re-probed by unicast while it
//   keeps forwarding; unanswered probes delete it. Static entries (`neigh add`) are never
//   touched.
// The control thread is the only writer of the neighbour table; what it sends goes out through
// worker 0's inbox and TX queue, so it leaves in the order it was decided.
#pragma once

#include <chrono>
#include <cstring>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "control/gateway.h"
#include "control/net.h"
#include "dataplane/dataplane.h"

namespace gw::ctl {

struct ResolverOptions {
  uint32_t hold = 32;             // packets held per unresolved neighbour
  uint32_t held_max = 4096;       // held in all
  uint32_t retrans_ms = 1000;     // between solicitations (Linux retrans_time)
  uint32_t probes = 3;            // solicitations before giving up (Linux mcast/ucast_solicit)
  uint32_t reachable_ms = 30000;  // a learned entry is trusted this long, then re-probed
  // Entries (learned, being resolved, being re-probed) at most: a flood toward many unresolved
  // addresses of a connected prefix must not grow the control thread's memory without bound.
  uint32_t max_entries = 65536;  // --neighbours
};

class Resolver {
 public:
  Resolver(dp::Dataplane& dp, Gateway& gw, const ResolverOptions& opts);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Control thread: handles what the workers punted and the neighbour timers. Cheap when idle.
  void Poll();
  // After the workers stopped: frees everything held or queued; nothing is sent any more.
  void Shutdown();

  // A static entry was installed over (port, addr): a learned entry there is forgotten, and what
  // it held leaves with the static MAC.
  void OnStaticNeighbour(uint16_t port, const IpAddr& addr, uint64_t mac);
  // `neigh del` of a learned entry: removed from the table; what it held is dropped.
  bool DeleteLearned(uint16_t port, const IpAddr& addr);

  struct EntryView {
    IpAddr addr;
    uint16_t port;
    std::optional<std::array<uint8_t, 6>> lladdr;  // none while INCOMPLETE
    const char* state;                             // INCOMPLETE, REACHABLE, PROBE
  };
  std::vector<EntryView> Entries() const;  // sorted by port, family, address

 private:
  using Clock = std::chrono::steady_clock;
  enum class State : uint8_t { kIncomplete, kReachable, kProbe };
  struct Held {
    rte_mbuf* m;
    uint16_t ether_type;
  };
  struct Entry {
    State state = State::kIncomplete;
    uint64_t mac = 0;
    uint32_t probes = 0;  // solicitations sent in this state
    Clock::time_point deadline;
    std::deque<Held> held;
  };
  using Key = std::pair<uint16_t, IpAddr>;

  void HandleArp(rte_mbuf* m, uint16_t port);    // arp.cc
  void HandleNdisc(rte_mbuf* m, uint16_t port);  // ndisc.cc
  void HandleHold(rte_mbuf* m);
  void Timers(Clock::time_point now);
  // Creates (if `create`) or refreshes a learned entry, writes the table, releases held packets.
  // Returns false if there was no entry to update (or the address is static).
  bool Learn(uint16_t port, const IpAddr& a, uint64_t mac, bool create);
  void Release(uint16_t port, Entry& e);
  void AddHeld(int64_t n);  // held_ += n, and the control counters' `held` gauge
  void DropHeld(Entry& e);
  void Solicit(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac);
  void SolicitArp(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac);  // arp.cc
  void SolicitNd(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac);   // ndisc.cc
  bool SendNd(uint16_t port, uint8_t type, uint8_t flags, const uint8_t* src, const uint8_t* dst,
              uint64_t dst_mac, const uint8_t* target, uint8_t opt);
  // Ethernet in front of `m` (data at its L3 header), from `port`'s MAC to `mac`, and Send.
  void SendWithMac(rte_mbuf* m, uint16_t port, uint64_t mac, uint16_t ether_type);
  void Send(rte_mbuf* m, uint16_t port);
  rte_mbuf* Alloc();  // null when the pool is empty (counted no_mbuf)
  // A MAC address read from a frame, packed as the neighbour table stores it (dp::PackMac).
  static uint64_t MacAt(const void* p) {
    uint64_t v = 0;
    std::memcpy(&v, p, 6);
    return v;
  }
  bool WriteTable(uint16_t port, const IpAddr& a, const uint64_t* mac);  // null: delete

  dp::Dataplane& dp_;
  Gateway& gw_;
  const ResolverOptions opts_;
  dp::LcoreCounters& c_;
  rte_ring* inbox_;  // worker 0's
  absl::flat_hash_map<Key, Entry> entries_;
  uint32_t held_ = 0;
  Clock::time_point next_timers_{};
  bool shut_ = false;
};

}  // namespace gw::ctl
