#include "control/resolver.h"

#include <algorithm>
#include <cstring>

#include "control/log.h"


namespace gw::ctl {
namespace {

constexpr uint32_t kPollBudget = 1024;  // punted packets handled per Poll
constexpr auto kTimerPeriod = std::chrono::milliseconds(50);

dp::NeighKey KeyOf(uint16_t port, const IpAddr& a) {
  return a.family == 4 ? dp::NeighKey4(port, a.v4_be()) : dp::NeighKey6(port, a.b.data());
}

}  // namespace

Resolver::Resolver(dp::Dataplane& dp, Gateway& gw, const ResolverOptions& opts)
    : dp_(dp),
      gw_(gw),
      opts_(opts),
      c_(dp.control_counters()),
      inbox_(dp.workers().empty() ? nullptr : dp.workers().front()->inbox()) {
  gw_.SetStaticNeighbourHook(
      [this](uint16_t port, const IpAddr& a, uint64_t mac) { OnStaticNeighbour(port, a, mac); });
  gw_.SetLearnedNeighbourDelete(
      [this](uint16_t port, const IpAddr& a) { return DeleteLearned(port, a); });
}

Resolver::~Resolver() {
  gw_.SetStaticNeighbourHook(nullptr);
  gw_.SetLearnedNeighbourDelete(nullptr);
  Shutdown();
}

void Resolver::Shutdown() {
  if (shut_) return;
  shut_ = true;
  dp::BooksOpen(c_);
  for (auto& [key, e] : entries_) {
    c_.CountDrop(dp::Drop::no_neighbour, e.held.size());
    for (const Held& h : e.held) rte_pktmbuf_free(h.m);
    AddHeld(-static_cast<int64_t>(e.held.size()));
    e.held.clear();
  }
  if (rte_ring* r = dp_.punt_ring()) {
    void* m;
    while (rte_ring_sc_dequeue(r, &m) == 0) {
      c_.CountDrop(dp::Drop::slowpath_full);
      rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
  }
  dp::BooksClose(c_);
}

void Resolver::AddHeld(int64_t n) {
  held_ = static_cast<uint32_t>(static_cast<int64_t>(held_) + n);
  std::atomic_ref<uint64_t>(c_.held).store(held_, std::memory_order_relaxed);
}

void Resolver::Poll() {
  if (shut_) return;
  // The books (dataplane/books.h) are in motion until the round is over.
  dp::BooksOpen(c_);
  struct Close {
    dp::LcoreCounters& c;
    ~Close() { dp::BooksClose(c); }
  } books_close{c_};
  rte_ring* ring = dp_.punt_ring();
  void* frames[64];
  uint32_t done = 0;
  while (done < kPollBudget) {
    const unsigned n = rte_ring_sc_dequeue_burst(ring, frames, 64, nullptr);
    if (n == 0) break;
    for (unsigned i = 0; i < n; ++i) {
      auto* m = static_cast<rte_mbuf*>(frames[i]);
      const dp::PuntMeta& meta = *dp::Meta(m);
      switch (meta.kind) {
        case dp::PuntKind::kArp:
          HandleArp(m, meta.port);
          break;
        case dp::PuntKind::kNdisc:
          HandleNdisc(m, meta.port);
          break;
        case dp::PuntKind::kHold:
          HandleHold(m);
          break;
        case dp::PuntKind::kPmtu:  // the tunnels' path MTU (tunnel/control/pmtu.cc)
          gw_.mutable_tunnel_config().PathMtuMessage(
              rte_pktmbuf_mtod(m, const uint8_t*), m->data_len,
              meta.port < RTE_MAX_ETHPORTS
                  ? dp_.tables().ports[meta.port].mtu.load(std::memory_order_relaxed)
                  : uint16_t{0xffff},
              c_);
          c_.Count(dp::Event::punt_absorbed);  // (the books: taken in like ARP/ND)
          rte_pktmbuf_free(m);
          break;
        default:
          c_.Count(dp::Event::punt_absorbed);  // (cannot happen: the workers punt nothing else)
          rte_pktmbuf_free(m);
      }
    }
    done += n;
  }
  const auto now = Clock::now();
  if (now >= next_timers_) {
    Timers(now);
    gw_.mutable_tunnel_config().ExpirePathMtus(c_);
    next_timers_ = now + kTimerPeriod;
  }
}

rte_mbuf* Resolver::Alloc() {
  rte_mbuf* m = rte_pktmbuf_alloc(dp_.pool());
  // Not a drop: no packet is lost, a message the gateway meant to send is not sent.
  if (m == nullptr) c_.Count(dp::Event::no_mbuf);
  return m;
}

void Resolver::Send(rte_mbuf* m, uint16_t port) {
  m->port = port;  // (the worker reads it after the dequeue)
  if (shut_ || inbox_ == nullptr || rte_ring_sp_enqueue(inbox_, m) != 0) {
    c_.CountDrop(dp::Drop::tx_full);
    rte_pktmbuf_free(m);
    return;
  }
  c_.Count(dp::Event::inbox_queued);
}

bool Resolver::WriteTable(uint16_t port, const IpAddr& a, const uint64_t* mac) {
  const dp::NeighKey k = KeyOf(port, a);
  dp::Tables& t = dp_.tables();
  const bool ok = mac != nullptr ? t.neighbours.Set(&k, *mac).ok() : t.neighbours.Delete(&k).ok();
  t.neigh_gen.fetch_add(1, std::memory_order_release);
  return ok;
}

// ---- resolution ----

void Resolver::HandleHold(rte_mbuf* m) {
  const dp::PuntMeta meta = *dp::Meta(m);
  IpAddr a;
  a.family = meta.family;
  std::memcpy(a.b.data(), meta.addr, meta.family == 4 ? 4 : 16);
  const uint16_t port = meta.port;
  if (!entries_.contains(Key{port, a})) {
    // Resolved since the worker looked (a static entry, or an answer just handled)?
    const dp::NeighKey k = KeyOf(port, a);
    uint64_t mac;
    if (dp_.tables().neighbours.Lookup(&k, &mac)) {
      c_.Count(dp::Event::neigh_released);  // (in the books: released, as if held a moment)
      SendWithMac(m, port, mac, meta.ether_type);
      return;
    }
    if (entries_.size() >= opts_.max_entries) {
      // As many neighbours are known or being resolved as the table holds: no new one.
      c_.CountDrop(dp::Drop::no_neighbour);
      rte_pktmbuf_free(m);
      return;
    }
  }
  auto [it, created] = entries_.try_emplace(Key{port, a});
  Entry& e = it->second;
  if (e.state != State::kIncomplete) {  // answered between the worker's lookup and now
    e.held.push_back({m, meta.ether_type});
    AddHeld(1);
    Release(port, e);
    return;
  }
  if (e.held.size() >= opts_.hold || held_ >= opts_.held_max) {
    c_.CountDrop(dp::Drop::no_neighbour);
    rte_pktmbuf_free(m);
  } else {
    e.held.push_back({m, meta.ether_type});
    AddHeld(1);
    c_.Count(dp::Event::neigh_held);
  }
  if (created) {
    e.probes = 1;
    e.deadline = Clock::now() + std::chrono::milliseconds(opts_.retrans_ms);
    Solicit(port, a, nullptr);
  }
}

bool Resolver::Learn(uint16_t port, const IpAddr& a, uint64_t mac, bool create) {
  if (gw_.IsStaticNeighbour(port, a)) return false;
  auto it = entries_.find(Key{port, a});
  if (it == entries_.end()) {
    if (!create || entries_.size() >= opts_.max_entries) return false;
    it = entries_.try_emplace(Key{port, a}).first;
  }
  Entry& e = it->second;
  const bool changed = e.state == State::kIncomplete || e.mac != mac;
  if (changed && !WriteTable(port, a, &mac)) {
    // The table is full: nothing can be learned; what waited for it is lost.
    DropHeld(e);
    entries_.erase(it);
    return false;
  }
  e.state = State::kReachable;
  e.mac = mac;
  e.probes = 0;
  e.deadline = Clock::now() + std::chrono::milliseconds(opts_.reachable_ms);
  c_.Count(dp::Event::neigh_learned);
  LogNeighLearned(port, a, mac, changed);
  Release(port, e);
  return true;
}

void Resolver::Release(uint16_t port, Entry& e) {
  for (const Held& h : e.held) {
    c_.Count(dp::Event::neigh_released);
    SendWithMac(h.m, port, e.mac, h.ether_type);
  }
  AddHeld(-static_cast<int64_t>(e.held.size()));
  e.held.clear();
}

void Resolver::DropHeld(Entry& e) {
  c_.CountDrop(dp::Drop::no_neighbour, e.held.size());
  for (const Held& h : e.held) rte_pktmbuf_free(h.m);
  AddHeld(-static_cast<int64_t>(e.held.size()));
  e.held.clear();
}

void Resolver::OnStaticNeighbour(uint16_t port, const IpAddr& addr, uint64_t mac) {
  auto it = entries_.find(Key{port, addr});
  if (it == entries_.end()) return;
  it->second.mac = mac;
  dp::BooksOpen(c_);
  Release(port, it->second);
  dp::BooksClose(c_);
  entries_.erase(it);
}

bool Resolver::DeleteLearned(uint16_t port, const IpAddr& addr) {
  auto it = entries_.find(Key{port, addr});
  if (it == entries_.end()) return false;
  dp::BooksOpen(c_);
  DropHeld(it->second);
  dp::BooksClose(c_);
  if (it->second.state != State::kIncomplete) WriteTable(port, addr, nullptr);
  entries_.erase(it);
  return true;
}

void Resolver::Timers(Clock::time_point now) {
  const auto retrans = std::chrono::milliseconds(opts_.retrans_ms);
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto cur = it++;
    const uint16_t port = cur->first.first;
    const IpAddr& a = cur->first.second;
    Entry& e = cur->second;
    if (now < e.deadline) continue;
    switch (e.state) {
      case State::kIncomplete:
        if (e.probes < opts_.probes) {
          ++e.probes;
          e.deadline = now + retrans;
          Solicit(port, a, nullptr);
        } else {
          c_.Count(dp::Event::neigh_failed);
          LogNeighFailed(port, a, e.probes, false);
          DropHeld(e);
          entries_.erase(cur);
        }
        break;
      case State::kReachable:
        e.state = State::kProbe;
        e.probes = 1;
        e.deadline = now + retrans;
        Solicit(port, a, &e.mac);
        break;
      case State::kProbe:
        if (e.probes < opts_.probes) {
          ++e.probes;
          e.deadline = now + retrans;
          Solicit(port, a, &e.mac);
        } else {
          c_.Count(dp::Event::neigh_failed);
          LogNeighFailed(port, a, e.probes, true);
          WriteTable(port, a, nullptr);
          entries_.erase(cur);
        }
        break;
    }
  }
}

// An ARP request (IPv4) or a Neighbour Solicitation (IPv6) for `target`: broadcast /
// solicited-node multicast, or unicast to a known MAC when re-probing.
void Resolver::Solicit(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac) {
  if (target.family == 4) {
    SolicitArp(port, target, unicast_mac);
  } else {
    SolicitNd(port, target, unicast_mac);
  }
}

void Resolver::SendWithMac(rte_mbuf* m, uint16_t port, uint64_t mac, uint16_t ether_type) {
  auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ether_hdr)));
  std::memcpy(&eth->dst_addr, &mac, 6);
  rte_ether_addr_copy(&dp_.tables().ports[port].mac, &eth->src_addr);
  eth->ether_type = rte_cpu_to_be_16(ether_type);
  Send(m, port);
}

std::vector<Resolver::EntryView> Resolver::Entries() const {
  std::vector<EntryView> v;
  v.reserve(entries_.size());
  for (const auto& [key, e] : entries_) {
    EntryView ev{key.second, key.first, std::nullopt, "INCOMPLETE"};
    if (e.state != State::kIncomplete) {
      std::array<uint8_t, 6> mac;
      std::memcpy(mac.data(), &e.mac, 6);
      ev.lladdr = mac;
      ev.state = e.state == State::kReachable ? "REACHABLE" : "PROBE";
    }
    v.push_back(ev);
  }
  std::sort(v.begin(), v.end(), [](const EntryView& a, const EntryView& b) {
    return std::tie(a.port, a.addr.family, a.addr.b) < std::tie(b.port, b.addr.family, b.addr.b);
  });
  return v;
}

}  // namespace gw::ctl
