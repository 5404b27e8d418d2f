#include "tunnel/datapath/tunnel_table.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "dataplane/packet/checksum.h"

namespace gw::dp {
namespace {

// The fields of an id without a tunnel.
const TunnelFast kFreeId = [] {
  TunnelFast f;
  f.present = false;
  return f;
}();

// rte_hash names are global to the process: each table's own.
std::string PathMtuTableName() {
  static std::atomic<uint32_t> n{0};
  return "gw_pmtu_" + std::to_string(n.fetch_add(1));
}

// `remote any` path MTUs: one per remote that answered with fragmentation needed, kept for
// --tunnel_pmtu_expires_s. Not one per tunnel: a few per `remote any` tunnel, bounded.
uint32_t PathMtuEntries(uint32_t capacity) { return std::clamp<uint32_t>(capacity, 1024, 65536); }

}  // namespace

void TunnelRec::BuildTemplate(uint32_t local_be, uint32_t remote_be, uint8_t tos) {
  tmpl = rte_ipv4_hdr{};
  tmpl.version_ihl = RTE_IPV4_VHL_DEF;  // version 4, IHL 5: no options
  tmpl.type_of_service = tos_inherit ? 0 : static_cast<uint8_t>(tos & ~0x03);  // ECN per packet
  tmpl.fragment_offset = pmtudisc ? rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG) : 0;
  tmpl.time_to_live = ttl;
  tmpl.src_addr = local_be;
  tmpl.dst_addr = remote_be;
  // Per packet the encap adds total length, TOS/ECN, TTL, protocol and (remote any) the
  // destination to this sum; everything else is fixed here.
  uint32_t sum = 0;
  for (int i = 0; i < 10; ++i) sum += TmplWord(i);
  tmpl_sum = sum;
}

TunnelView TunnelView::Pack(const TunnelFast& f) noexcept {
  TunnelView v{};
  std::memcpy(v.w, &f.tmpl, sizeof(f.tmpl));  // bytes 0..19
  // Bytes 2-3 and 10-11 (total length and checksum, written per packet): the path MTU.
  v.w[0] = (v.w[0] & ~(uint64_t{0xffff} << 16)) | uint64_t{f.pmtu} << 16;
  v.w[1] = (v.w[1] & ~(uint64_t{0xffff} << 16)) | uint64_t{f.pmtu_flags} << 16;
  const uint32_t sum = FoldSum(f.tmpl_sum);
  v.w[2] |= uint64_t{sum} << 32 | uint64_t{f.mtu} << 48;
  const uint8_t flags = static_cast<uint8_t>(
      (f.carries & (kCarryIpv4 | kCarryIpv6)) | (f.tos_inherit ? kTosInherit : 0) |
      (f.pmtudisc ? kPmtuDisc : 0) | (f.up ? kUp : 0) | (f.remote_any ? kRemoteAny : 0) |
      (f.present ? kPresent : 0) | (f.outer6 ? kOuter6 : 0));
  v.w[3] = uint64_t{f.bound_port} | uint64_t{f.ttl} << 16 | uint64_t{flags} << 24;
  return v;
}

TunnelTable::TunnelTable(const Rcu& rcu, uint32_t capacity, uint32_t workers)
    : rcu_(rcu),
      capacity_(capacity),
      workers_(std::max<uint32_t>(workers, 1)),
      slots_(std::make_unique<std::atomic<const TunnelRec*>[]>(capacity)),
      lines_(std::make_unique<TunnelLine[]>(size_t{capacity} * workers_)),
      pmtu_(rcu, PathMtuTableName(), PathMtuEntries(capacity), sizeof(PathMtuKey)) {
  for (uint32_t i = 0; i < capacity; ++i) {
    slots_[i].store(nullptr, std::memory_order_relaxed);
    WriteFast(i, kFreeId);
  }
}

bool TunnelTable::ReadPublished(uint32_t id, TunnelView* out) const noexcept {
  const TunnelRec* r = Get(id);
  if (r == nullptr) return false;
  *out = TunnelView::Pack(*r);
  return true;
}

void TunnelTable::WriteFast(uint32_t id, const TunnelFast& f) {
  const TunnelView v = TunnelView::Pack(f);
  for (uint32_t worker = 0; worker < workers_; ++worker) {
    TunnelLine& l = Lines(worker)[id];
    SeqWrite(l.seq, [&] {
      for (size_t i = 0; i < 3; ++i) StoreRelaxed(l.w[i], v.w[i]);
      StoreRelaxed(l.w3, static_cast<uint32_t>(v.w[3]));
    });
  }
}

TunnelCounters TunnelTable::Counters(uint32_t worker, uint32_t id) const noexcept {
  const TunnelCounters& c = Lines(worker)[id].c;
  TunnelCounters out;
  out.encap_packets = dp::Read(c.encap_packets);
  out.encap_bytes = dp::Read(c.encap_bytes);
  out.decap_packets = dp::Read(c.decap_packets);
  out.decap_bytes = dp::Read(c.decap_bytes);
  return out;
}

absl::Status TunnelTable::SetPathMtu(uint32_t id, uint32_t remote_be, uint16_t mtu,
                                     bool locked) {
  const PathMtuKey k{remote_be, id};
  uint64_t old;
  const bool had = pmtu_.Lookup(&k, &old);
  absl::Status s = pmtu_.Set(&k, uint64_t{mtu} | (locked ? uint64_t{1} << 16 : 0));
  if (s.ok() && !had) ++path_mtus_;
  return s;
}

void TunnelTable::DeletePathMtu(uint32_t id, uint32_t remote_be) {
  const PathMtuKey k{remote_be, id};
  if (pmtu_.Delete(&k).ok()) --path_mtus_;
}

TunnelTable::~TunnelTable() {
  for (uint32_t i = 0; i < capacity_; ++i) delete slots_[i].load(std::memory_order_relaxed);
  for (const Retired& r : retired_) delete r.rec;
}

void TunnelTable::Publish(std::unique_ptr<TunnelRec> rec) {
  const uint32_t id = rec->id;
  WriteFast(id, *rec);
  const TunnelRec* old = slots_[id].exchange(rec.release(), std::memory_order_acq_rel);
  if (old != nullptr) retired_.push_back({old, rcu_.Start()});
}

void TunnelTable::Remove(uint32_t id) {
  WriteFast(id, kFreeId);
  const TunnelRec* old = slots_[id].exchange(nullptr, std::memory_order_acq_rel);
  if (old != nullptr) retired_.push_back({old, rcu_.Start()});
}

void TunnelTable::Reclaim() {
  size_t n = 0;
  while (n < retired_.size() && rcu_.Passed(retired_[n].token)) delete retired_[n++].rec;
  retired_.erase(retired_.begin(), retired_.begin() + static_cast<long>(n));
}

void TunnelTable::Barrier() {
  if (retired_.empty()) return;
  rcu_.WaitFor(retired_.back().token);
  for (const Retired& r : retired_) delete r.rec;
  retired_.clear();
}

}  // namespace gw::dp
