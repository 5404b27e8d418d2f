// The table lookups of the walk, one key per call as the walk makes them today, and 32 keys per
// call as a gather → bulk lookup → apply walk would (the rte_fib and rte_hash bulk APIs):
//   lookup/fib4_n1      dp::Lookup4: rte_fib_lookup_bulk(n = 1) per packet (a call through
//                       the FIB's function pointer each time)
//   lookup/fib4_bulk32  one rte_fib_lookup_bulk of 32 destinations
//   lookup/peer_n1      PeerTable::Lookup (the walk's bucket lines) of a decap peer key, one per call
//   lookup/peer_lines32 the same for 32 keys, their buckets prefetched first (as the burst stage)
//   lookup/peer_bulk32  rte_hash_lookup_bulk_data of 32 peer keys (the PeerTable's LfHash copy)
//   lookup/peer_cached  Outer4::LookupPeer: the worker's peer cache, then the buckets (what Decap does)
//   lookup/neigh_n1     the neighbour hash, one key per call, over `tunnels` distinct neighbours
//   lookup/neigh_bulk32 the same, 32 keys per call
//   lookup/tunnel_rec   next hop → tunnel slot → record (the pointer chase Encap starts with)
// Keys follow the workload's destinations (uniform over min(tunnels, 64k)); cycles_per_pkt is
// rte_rdtsc around the lookups, per key (median burst; _mean: the mean).
#include <benchmark/benchmark.h>

#include "bench/benchmarks.h"
#include "bench/rig.h"

namespace gw::bench {
namespace {

template <typename Body>
void Timed(benchmark::State& state, Body body) {
  BurstCycles cycles;
  uint64_t keys = 0;
  uint32_t next = 0;
  for (auto _ : state) {
    const uint64_t t0 = rte_rdtsc();
    body(next);
    cycles.Add(rte_rdtsc() - t0);
    keys += kBurst;
    next = (next + kBurst) % kFrames;
  }
  state.SetItemsProcessed(static_cast<int64_t>(keys));
  cycles.Report(state, "cycles_per_pkt");
}

void BM_Fib4N1(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<uint32_t>& dst = rig.frames(Kind::kEncap).dst_host();
  uint64_t sum = 0;
  Timed(state, [&](uint32_t next) {
    dp::Ctx ctx = rig.ctx(0);
    for (uint16_t i = 0; i < kBurst; ++i) sum += dp::Lookup4(ctx, rte_cpu_to_be_32(dst[next + i]));
    benchmark::DoNotOptimize(sum);
  });
}

void BM_Fib4Bulk32(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<uint32_t>& dst = rig.frames(Kind::kEncap).dst_host();
  uint64_t nh[kBurst];
  Timed(state, [&](uint32_t next) {
    rte_fib_lookup_bulk(rig.tables().route4.Reader(), const_cast<uint32_t*>(&dst[next]), nh,
                        kBurst);
    benchmark::DoNotOptimize(nh);
  });
}

void BM_PeerN1(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<dp::PeerKey>& keys = rig.frames(Kind::kDecap).peer_keys();
  uint64_t sum = 0;
  Timed(state, [&](uint32_t next) {
    for (uint16_t i = 0; i < kBurst; ++i) {
      uint32_t v = 0;
      rig.tables().peers.Lookup(dp::PeerTable::Key(keys[next + i]), &v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  });
}

void BM_PeerLines32(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<dp::PeerKey>& keys = rig.frames(Kind::kDecap).peer_keys();
  const dp::PeerTable& peers = rig.tables().peers;
  uint64_t sum = 0;
  uint64_t found = 0;
  Timed(state, [&](uint32_t next) {
    for (uint16_t i = 0; i < kBurst; ++i) peers.Prefetch(dp::PeerTable::Key(keys[next + i]));
    for (uint16_t i = 0; i < kBurst; ++i) {
      uint32_t v = 0;
      found += peers.Lookup(dp::PeerTable::Key(keys[next + i]), &v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  });
  if (found != static_cast<uint64_t>(state.iterations()) * kBurst)
    state.SkipWithError("peer keys missing");
}

void BM_PeerBulk32(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<dp::PeerKey>& keys = rig.frames(Kind::kDecap).peer_keys();
  const void* ptrs[kBurst];
  void* data[kBurst];
  uint64_t hits = 0;
  Timed(state, [&](uint32_t next) {
    for (uint16_t i = 0; i < kBurst; ++i) ptrs[i] = &keys[next + i];
    rte_hash_lookup_bulk_data(rig.tables().peers.hash().raw(), ptrs, kBurst, &hits, data);
    benchmark::DoNotOptimize(data);
  });
  if (hits != (uint64_t{1} << kBurst) - 1) state.SkipWithError("peer keys missing");
}

// dp::Outer4::LookupPeer as Decap calls it: the worker's direct-mapped peer cache (lcore_cache.h) first,
// the peer buckets on a miss.
void BM_PeerCached(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<dp::PeerKey>& keys = rig.frames(Kind::kDecap).peer_keys();
  uint64_t sum = 0;
  Timed(state, [&](uint32_t next) {
    dp::Ctx ctx = rig.ctx(0);
    for (uint16_t i = 0; i < kBurst; ++i) {
      uint32_t v = 0;
      dp::Outer4::LookupPeer(ctx, keys[next + i].remote_be, keys[next + i].local_be, &v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  });
}

// A neighbour table of its own with `tunnels` entries (100.64.1.0 + i on port1), the rig's
// tables left as perf.sh has them.
class NeighTable {
 public:
  NeighTable(Rig& rig, uint32_t n)
      : hash_(rig.tables().rcu, "gwbench_neigh", std::max<uint32_t>(n, 1024), sizeof(dp::NeighKey)) {
    if (!hash_.ok()) Die("neighbour hash");
    for (uint32_t i = 0; i < n; ++i) {
      if (!hash_.Set(&Key(i), 0x0000cafe0000u + i).ok()) Die("neighbour add");
    }
    const std::vector<dp::PeerKey>& peers = rig.frames(Kind::kDecap).peer_keys();
    for (const dp::PeerKey& p : peers) keys_.push_back(dp::NeighKey4(1, p.remote_be));
  }
  dp::LfHash& hash() { return hash_; }
  const std::vector<dp::NeighKey>& keys() const { return keys_; }

 private:
  static const dp::NeighKey& Key(uint32_t i) {
    static dp::NeighKey k;
    k = dp::NeighKey4(1, rte_cpu_to_be_32(kRemoteBase + i));
    return k;
  }
  dp::LfHash hash_;
  std::vector<dp::NeighKey> keys_;
};

void BM_NeighN1(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  NeighTable nt(rig, tunnels);
  uint64_t sum = 0;
  Timed(state, [&](uint32_t next) {
    for (uint16_t i = 0; i < kBurst; ++i) {
      uint64_t mac = 0;
      nt.hash().Lookup(&nt.keys()[next + i], &mac);
      sum += mac;
    }
    benchmark::DoNotOptimize(sum);
  });
}

void BM_NeighBulk32(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  NeighTable nt(rig, tunnels);
  const void* ptrs[kBurst];
  void* data[kBurst];
  uint64_t hits = 0;
  Timed(state, [&](uint32_t next) {
    for (uint16_t i = 0; i < kBurst; ++i) ptrs[i] = &nt.keys()[next + i];
    rte_hash_lookup_bulk_data(nt.hash().raw(), ptrs, kBurst, &hits, data);
    benchmark::DoNotOptimize(data);
  });
}

void BM_TunnelRec(benchmark::State& state, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const std::vector<uint32_t>& dst = rig.frames(Kind::kEncap).dst_host();
  // The next-hop ids, looked up once outside the timed part.
  std::vector<uint32_t> ids(kFrames);
  {
    dp::Ctx ctx = rig.ctx(0);
    for (uint32_t k = 0; k < kFrames; ++k) ids[k] = dp::Lookup4(ctx, rte_cpu_to_be_32(dst[k]));
  }
  uint64_t sum = 0;
  Timed(state, [&](uint32_t next) {
    for (uint16_t i = 0; i < kBurst; ++i) {
      const dp::NextHop& nh = rig.tables().nexthops.Get(ids[next + i]);
      const dp::TunnelRec* rec = rig.tables().tunnels.Get(nh.tunnel);
      sum += rec->up + rec->mtu;
    }
    benchmark::DoNotOptimize(sum);
  });
}

}  // namespace

void RegisterLookupBenchmarks(uint32_t tunnels) {
  const struct {
    const char* name;
    void (*fn)(benchmark::State&, uint32_t);
  } benches[] = {
      {"fib4_n1", BM_Fib4N1},   {"fib4_bulk32", BM_Fib4Bulk32}, {"peer_n1", BM_PeerN1},
      {"peer_lines32", BM_PeerLines32}, {"peer_bulk32", BM_PeerBulk32}, {"peer_cached", BM_PeerCached},
      {"neigh_n1", BM_NeighN1},       {"neigh_bulk32", BM_NeighBulk32},
      {"tunnel_rec", BM_TunnelRec},
  };
  for (const auto& b : benches)
    benchmark::RegisterBenchmark(absl::StrCat("lookup/", b.name, "/tunnels:", tunnels).c_str(),
                                 b.fn, tunnels);
}

}  // namespace gw::bench
