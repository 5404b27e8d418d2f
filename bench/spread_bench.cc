// Spreading over the workers (spread/, docs/architecture.md 1.1c), what it costs the worker that
// received the burst, per packet of the burst:
//   spread/hash/{decap,route}           FlowHash alone (decap: the inner flow behind the outer
//                                       header; route: a plain packet, mode all)
//   spread/burst/decap/workers:N        SpreadBurst as worker 0 of N: hash, target, one
//                                       enqueue per target worker, compaction of its own packets
//   spread/drain/decap/workers:N        the receiving side's dequeue of what was handed over, per
//                                       packet handed over (the walk after it is process/*)
// Both ends run on one core here, so the packets' lines are in its cache: a real hand-over also
// moves each packet's first line (and the ring slots) to the other core's cache, which this does
// not show (docs/performance.md 6 models it).
#include <benchmark/benchmark.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "bench/benchmarks.h"
#include "bench/rig.h"
#include "spread/datapath/spread.h"

namespace gw::bench {
namespace {

void BM_Hash(benchmark::State& state, Kind kind, uint32_t tunnels, spread::SpreadMode mode) {
  Rig& rig = Rig::Get(tunnels);
  const Frames& frames = rig.frames(kind);
  auto& burst = rig.burst();
  BurstCycles cycles;
  uint64_t packets = 0, sum = 0;
  uint32_t next = 0;
  for (auto _ : state) {
    for (uint16_t i = 0; i < kBurst; ++i) ResetMbuf(burst[i], frames.frame(next + i));
    const uint64_t t0 = rte_rdtsc();
    for (uint16_t i = 0; i < kBurst; ++i) sum += spread::FlowHash(burst[i], mode);
    cycles.Add(rte_rdtsc() - t0);
    benchmark::DoNotOptimize(sum);
    packets += kBurst;
    next = (next + kBurst) % kFrames;
  }
  if (sum == 0) state.SkipWithError("no packet was hashed");
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  cycles.Report(state, "cycles_per_pkt");
}

void BM_Burst(benchmark::State& state, uint32_t tunnels, uint16_t workers, bool drain) {
  Rig& rig = Rig::Get(tunnels);
  const Frames& frames = rig.frames(Kind::kDecap);
  auto& burst = rig.burst();
  std::vector<rte_ring*> rings(workers);
  for (uint16_t w = 0; w < workers; ++w) {
    rings[w] = rte_ring_create(absl::StrCat("gwbench_sp", w).c_str(), 1024, SOCKET_ID_ANY,
                               RING_F_SC_DEQ);
    if (rings[w] == nullptr) Die("ring");
  }
  const spread::SpreadPlan plan{rings.data(), workers, 0};
  dp::LcoreCounters c;
  BurstCycles cycles;
  uint64_t packets = 0, handed = 0;
  uint32_t next = 0;
  rte_mbuf* pkts[kBurst];
  for (auto _ : state) {
    for (uint16_t i = 0; i < kBurst; ++i) ResetMbuf(burst[i], frames.frame(next + i));
    std::copy(burst.begin(), burst.end(), pkts);
    const uint64_t t0 = rte_rdtsc();
    const uint16_t kept =
        spread::SpreadBurst(plan, spread::SpreadMode::kTunnel, c, 0, pkts, kBurst);
    const uint64_t t1 = rte_rdtsc();
    uint16_t back = 0;
    for (uint16_t w = 1; w < workers; ++w)
      back += static_cast<uint16_t>(rte_ring_sc_dequeue_burst(
          rings[w], reinterpret_cast<void**>(pkts + kept + back), kBurst, nullptr));
    const uint64_t t2 = rte_rdtsc();
    if (kept + back != kBurst) {
      state.SkipWithError("packets lost in the rings");
      break;
    }
    // (drain: per packet handed over; burst: per packet received)
    cycles.Add(drain ? (back != 0 ? (t2 - t1) * kBurst / back : 0) : t1 - t0);
    handed += back;
    packets += kBurst;
    next = (next + kBurst) % kFrames;
  }
  for (rte_ring* r : rings) rte_ring_free(r);
  state.counters["handed_share"] = packets ? static_cast<double>(handed) / packets : 0;
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  cycles.Report(state, "cycles_per_pkt");
}

}  // namespace

void RegisterSpreadBenchmarks(uint32_t tunnels) {
  const std::string t = absl::StrCat("/tunnels:", tunnels);
  benchmark::RegisterBenchmark(("spread/hash/decap" + t).c_str(), BM_Hash, Kind::kDecap, tunnels,
                               spread::SpreadMode::kTunnel);
  benchmark::RegisterBenchmark(("spread/hash/route" + t).c_str(), BM_Hash, Kind::kRoute, tunnels,
                               spread::SpreadMode::kAll);
  for (uint16_t w : {2, 4, 16}) {
    benchmark::RegisterBenchmark(absl::StrCat("spread/burst/decap/workers:", w, t).c_str(),
                                 BM_Burst, tunnels, w, false);
    benchmark::RegisterBenchmark(absl::StrCat("spread/drain/decap/workers:", w, t).c_str(),
                                 BM_Burst, tunnels, w, true);
  }
}

}  // namespace gw::bench
