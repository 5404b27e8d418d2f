#include "control/slowpath.h"

#include <algorithm>
#include <cstring>

#include "control/log.h"
#include "dataplane/icmp.h"

namespace gw::ctl {
namespace {

constexpr uint8_t kNdNs = 135;
constexpr uint8_t kNdNa = 136;
constexpr uint8_t kOptSourceLl = 1;
constexpr uint8_t kOptTargetLl = 2;
constexpr uint32_t kPollBudget = 1024;  // punted packets handled per Poll
constexpr auto kTimerPeriod = std::chrono::milliseconds(50);

dp::NeighKey KeyOf(uint16_t port, const IpAddr& a) {
  return a.family == 4 ? dp::NeighKey4(port, a.v4_be()) : dp::NeighKey6(port, a.b.data());
}

IpAddr V6(const uint8_t* b) {
  IpAddr a;
  a.family = 6;
  std::memcpy(a.b.data(), b, 16);
  return a;
}

uint64_t MacAt(const void* p) {
  uint64_t v = 0;
  std::memcpy(&v, p, 6);
  return v;
}

}  // namespace

SlowPath::SlowPath(dp::Dataplane& dp, Gateway& gw, const SlowPathOptions& opts)
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

SlowPath::~SlowPath() {
  gw_.SetStaticNeighbourHook(nullptr);
  gw_.SetLearnedNeighbourDelete(nullptr);
  Shutdown();
}

void SlowPath::Shutdown() {
  if (shut_) return;
  shut_ = true;
  for (auto& [key, e] : entries_) {
    c_.CountDrop(dp::Drop::no_neighbour, e.held.size());
    for (const Held& h : e.held) rte_pktmbuf_free(h.m);
    held_ -= static_cast<uint32_t>(e.held.size());
    e.held.clear();
  }
  if (rte_ring* r = dp_.punt_ring()) {
    void* m;
    while (rte_ring_sc_dequeue(r, &m) == 0) {
      c_.CountDrop(dp::Drop::slowpath_full);
      rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
  }
}

void SlowPath::Poll() {
  if (shut_) return;
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
        default:
          rte_pktmbuf_free(m);
      }
    }
    done += n;
  }
  const auto now = Clock::now();
  if (now >= next_timers_) {
    Timers(now);
    next_timers_ = now + kTimerPeriod;
  }
}

rte_mbuf* SlowPath::Alloc() {
  rte_mbuf* m = rte_pktmbuf_alloc(dp_.pool());
  if (m == nullptr) c_.CountDrop(dp::Drop::frag_failed);  // (out of mbufs)
  return m;
}

void SlowPath::Send(rte_mbuf* m, uint16_t port) {
  m->port = port;  // (the worker reads it after the dequeue)
  if (shut_ || inbox_ == nullptr || rte_ring_sp_enqueue(inbox_, m) != 0) {
    c_.CountDrop(dp::Drop::tx_full);
    rte_pktmbuf_free(m);
  }
}

bool SlowPath::WriteTable(uint16_t port, const IpAddr& a, const uint64_t* mac) {
  const dp::NeighKey k = KeyOf(port, a);
  dp::Tables& t = dp_.tables();
  const bool ok = mac != nullptr ? t.neighbours.Set(&k, *mac).ok() : t.neighbours.Delete(&k).ok();
  t.neigh_gen.fetch_add(1, std::memory_order_release);
  return ok;
}

// ---- ARP ----

void SlowPath::HandleArp(rte_mbuf* m, uint16_t port) {
  auto* a = rte_pktmbuf_mtod(m, rte_arp_hdr*);
  const uint32_t sip = a->arp_data.arp_sip;
  const uint32_t tip = a->arp_data.arp_tip;
  const uint64_t sha = MacAt(&a->arp_data.arp_sha);
  const IpAddr sender = IpAddr::V4(sip);
  if (rte_be_to_cpu_16(a->arp_opcode) == RTE_ARP_OP_REPLY) {
    if (sip == 0 || !Learn(port, sender, sha, false)) c_.Count(dp::Event::arp_ignored);
    rte_pktmbuf_free(m);
    return;
  }
  // A request. Gratuitous (sender = target): refreshes an entry we have, nothing else.
  if (sip == tip) {
    if (!Learn(port, sender, sha, false)) c_.Count(dp::Event::arp_ignored);
    rte_pktmbuf_free(m);
    return;
  }
  if (sip != 0) Learn(port, sender, sha, true);  // (0.0.0.0: an address probe, RFC 5227)
  // The reply, in the request's own buffer (without the frame's padding).
  if (m->pkt_len > sizeof(rte_arp_hdr))
    rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - sizeof(rte_arp_hdr)));
  const rte_ether_addr& mine = dp_.tables().ports[port].mac;
  a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
  a->arp_data.arp_tha = a->arp_data.arp_sha;
  a->arp_data.arp_tip = sip;
  rte_ether_addr_copy(&mine, &a->arp_data.arp_sha);
  a->arp_data.arp_sip = tip;
  c_.Count(dp::Event::arp_replies);
  SendWithMac(m, port, sha, RTE_ETHER_TYPE_ARP);
}

// ---- IPv6 Neighbour Discovery ----

void SlowPath::HandleNdisc(rte_mbuf* m, uint16_t port) {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  const auto* h = rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
  const uint32_t len = m->pkt_len - static_cast<uint32_t>(sizeof(rte_ipv6_hdr));
  // Options (RFC 4861 4.6): type, length in units of 8 bytes (0 is invalid).
  std::optional<uint64_t> lladdr;
  const uint8_t want = h[0] == kNdNs ? kOptSourceLl : kOptTargetLl;
  for (uint32_t off = 24; off + 2 <= len;) {
    const uint32_t olen = h[off + 1] * 8u;
    if (olen == 0 || off + olen > len) {
      c_.CountDrop(dp::Drop::bad_ndisc);
      rte_pktmbuf_free(m);
      return;
    }
    if (h[off] == want && olen >= 8) lladdr = MacAt(h + off + 2);
    off += olen;
  }
  const IpAddr target = V6(h + 8);
  if (h[0] == kNdNa) {
    if (!lladdr || !Learn(port, target, *lladdr, false)) c_.Count(dp::Event::arp_ignored);
    rte_pktmbuf_free(m);
    return;
  }
  // A solicitation for one of our addresses (the worker checked): advertise.
  const bool dad = dp::IsUnspecified6(ip->src_addr);
  if (dad && lladdr) {  // RFC 4861 7.1.1: no source link-layer option from ::
    c_.CountDrop(dp::Drop::bad_ndisc);
    rte_pktmbuf_free(m);
    return;
  }
  const IpAddr requester = V6(ip->src_addr);
  if (!dad && lladdr) Learn(port, requester, *lladdr, true);
  uint64_t dst_mac;
  if (lladdr) {
    dst_mac = *lladdr;
  } else {
    const auto* eth = rte_pktmbuf_mtod_offset(m, const rte_ether_hdr*,
                                              -static_cast<int>(sizeof(rte_ether_hdr)));
    dst_mac = MacAt(&eth->src_addr);
  }
  uint8_t dst_ip[16];
  if (dad) {
    static constexpr uint8_t kAllNodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                              0,    0,    0, 0, 0, 0, 0, 1};
    std::memcpy(dst_ip, kAllNodes, 16);
    static constexpr uint8_t kAllNodesMac[6] = {0x33, 0x33, 0, 0, 0, 1};
    dst_mac = MacAt(kAllNodesMac);
  } else {
    std::memcpy(dst_ip, ip->src_addr, 16);
  }
  rte_pktmbuf_free(m);
  // Router, Solicited (not for DAD), Override.
  SendNd(port, kNdNa, dad ? 0xa0 : 0xe0, target.b.data(), dst_ip, dst_mac, target.b.data(),
         kOptTargetLl);
  c_.Count(dp::Event::nd_adverts);
}

// ---- resolution ----

void SlowPath::HandleHold(rte_mbuf* m) {
  const dp::PuntMeta meta = *dp::Meta(m);
  IpAddr a;
  a.family = meta.family;
  std::memcpy(a.b.data(), meta.addr, meta.family == 4 ? 4 : 16);
  const uint16_t port = meta.port;
  auto [it, created] = entries_.try_emplace(Key{port, a});
  Entry& e = it->second;
  if (created) {
    // Resolved since the worker looked (a static entry, or an answer just handled)?
    const dp::NeighKey k = KeyOf(port, a);
    uint64_t mac;
    if (dp_.tables().neighbours.Lookup(&k, &mac)) {
      entries_.erase(it);
      SendWithMac(m, port, mac, meta.ether_type);
      return;
    }
  }
  if (e.state != State::kIncomplete) {  // answered between the worker's lookup and now
    e.held.push_back({m, meta.ether_type});
    ++held_;
    Release(port, e);
    return;
  }
  if (e.held.size() >= opts_.hold || held_ >= opts_.held_max) {
    c_.CountDrop(dp::Drop::no_neighbour);
    rte_pktmbuf_free(m);
  } else {
    e.held.push_back({m, meta.ether_type});
    ++held_;
    c_.Count(dp::Event::neigh_held);
  }
  if (created) {
    e.probes = 1;
    e.deadline = Clock::now() + std::chrono::milliseconds(opts_.retrans_ms);
    Solicit(port, a, nullptr);
  }
}

bool SlowPath::Learn(uint16_t port, const IpAddr& a, uint64_t mac, bool create) {
  if (gw_.IsStaticNeighbour(port, a)) return false;
  auto it = entries_.find(Key{port, a});
  if (it == entries_.end()) {
    if (!create) return false;
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

void SlowPath::Release(uint16_t port, Entry& e) {
  for (const Held& h : e.held) {
    c_.Count(dp::Event::neigh_released);
    SendWithMac(h.m, port, e.mac, h.ether_type);
  }
  held_ -= static_cast<uint32_t>(e.held.size());
  e.held.clear();
}

void SlowPath::DropHeld(Entry& e) {
  c_.CountDrop(dp::Drop::no_neighbour, e.held.size());
  for (const Held& h : e.held) rte_pktmbuf_free(h.m);
  held_ -= static_cast<uint32_t>(e.held.size());
  e.held.clear();
}

void SlowPath::OnStaticNeighbour(uint16_t port, const IpAddr& addr, uint64_t mac) {
  auto it = entries_.find(Key{port, addr});
  if (it == entries_.end()) return;
  it->second.mac = mac;
  Release(port, it->second);
  entries_.erase(it);
}

bool SlowPath::DeleteLearned(uint16_t port, const IpAddr& addr) {
  auto it = entries_.find(Key{port, addr});
  if (it == entries_.end()) return false;
  DropHeld(it->second);
  if (it->second.state != State::kIncomplete) WriteTable(port, addr, nullptr);
  entries_.erase(it);
  return true;
}

void SlowPath::Timers(Clock::time_point now) {
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
void SlowPath::Solicit(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac) {
  const rte_ether_addr& mine = dp_.tables().ports[port].mac;
  const std::optional<IpAddr> src = gw_.SourceFor(port, target);
  if (target.family == 4) {
    rte_mbuf* m = Alloc();
    if (m == nullptr) return;
    auto* a = reinterpret_cast<rte_arp_hdr*>(rte_pktmbuf_append(m, sizeof(rte_arp_hdr)));
    a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
    a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
    a->arp_hlen = 6;
    a->arp_plen = 4;
    a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
    rte_ether_addr_copy(&mine, &a->arp_data.arp_sha);
    a->arp_data.arp_sip = src ? src->v4_be() : 0;
    std::memset(&a->arp_data.arp_tha, 0, 6);
    a->arp_data.arp_tip = target.v4_be();
    c_.Count(dp::Event::arp_requests);
    static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    SendWithMac(m, port, unicast_mac != nullptr ? *unicast_mac : MacAt(kBroadcast),
                RTE_ETHER_TYPE_ARP);
    return;
  }
  // RFC 4861 7.2.2: to the solicited-node address ff02::1:ffXX:XXXX (MAC 33:33:ff:XX:XX:XX),
  // or to the target itself when probing a known neighbour. From :: (no address of ours) there is
  // no source link-layer option (RFC 4861 4.3).
  const uint8_t* t = target.b.data();
  const uint8_t solicited[16] = {0xff, 0x02, 0,    0,    0,     0,     0,     0,
                                 0,    0,    0,    0x01, 0xff, t[13], t[14], t[15]};
  const uint8_t solicited_mac[6] = {0x33, 0x33, 0xff, t[13], t[14], t[15]};
  static constexpr uint8_t kUnspecified[16] = {};
  SendNd(port, kNdNs, 0, src ? src->b.data() : kUnspecified,
         unicast_mac != nullptr ? t : solicited,
         unicast_mac != nullptr ? *unicast_mac : MacAt(solicited_mac), t, src ? kOptSourceLl : 0);
  c_.Count(dp::Event::nd_solicits);
}

// One Neighbour Solicitation or Advertisement: Ethernet, IPv6 (hop limit 255), the message with
// `flags` in its first reserved byte, `target`, and our link-layer address as option `opt` (0:
// none).
void SlowPath::SendNd(uint16_t port, uint8_t type, uint8_t flags, const uint8_t* src,
                      const uint8_t* dst, uint64_t dst_mac, const uint8_t* target, uint8_t opt) {
  rte_mbuf* m = Alloc();
  if (m == nullptr) return;
  const uint16_t icmp_len = opt != 0 ? 32 : 24;
  auto* o = reinterpret_cast<rte_ipv6_hdr*>(
      rte_pktmbuf_append(m, sizeof(rte_ipv6_hdr) + icmp_len));
  o->vtc_flow = rte_cpu_to_be_32(6u << 28);
  o->payload_len = rte_cpu_to_be_16(icmp_len);
  o->proto = IPPROTO_ICMPV6;
  o->hop_limits = 255;
  std::memcpy(o->src_addr, src, 16);
  std::memcpy(o->dst_addr, dst, 16);
  auto* nd = reinterpret_cast<uint8_t*>(o + 1);
  std::memset(nd, 0, icmp_len);
  nd[0] = type;
  nd[4] = flags;
  std::memcpy(nd + 8, target, 16);
  if (opt != 0) {
    nd[24] = opt;
    nd[25] = 1;
    rte_ether_addr_copy(&dp_.tables().ports[port].mac, reinterpret_cast<rte_ether_addr*>(nd + 26));
  }
  const uint16_t ck = dp::Icmp6Checksum(m);
  std::memcpy(nd + 2, &ck, 2);
  SendWithMac(m, port, dst_mac, RTE_ETHER_TYPE_IPV6);
}

void SlowPath::SendWithMac(rte_mbuf* m, uint16_t port, uint64_t mac, uint16_t ether_type) {
  auto* eth = reinterpret_cast<rte_ether_hdr*>(rte_pktmbuf_prepend(m, sizeof(rte_ether_hdr)));
  std::memcpy(&eth->dst_addr, &mac, 6);
  rte_ether_addr_copy(&dp_.tables().ports[port].mac, &eth->src_addr);
  eth->ether_type = rte_cpu_to_be_16(ether_type);
  Send(m, port);
}

std::vector<SlowPath::EntryView> SlowPath::Entries() const {
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
