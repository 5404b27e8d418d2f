// gw::dp::ProcessBurst over bursts of 32 mbufs, as Worker::Run calls it (the burst stage, the
// vector walk's fast stages, the scalar walk for the rest), with no driver around it: what the
// walk itself costs per packet.
//   process/*           the stage's bulk route lookup only (the worker's default at default sizes)
//   process_prefetch/*  the stage with its prefetching (the worker's default above 65536 tunnels)
//   process_scalar/*    every packet through the scalar walk (--fast_path=off), for comparison
//   stage/{lookup,classify,fast}/*  the vector walk's stages alone, cumulative: the burst stage's
//                       bulk lookups; + the classification; + the fast stages (no commit, so
//                       nothing the fast stages leave is walked: on these workloads they take
//                       every packet, and process/* - stage/fast/* is the commit pass)
//
// Process rewrites each mbuf in place (Ethernet stripped, outer header prepended or removed), so
// every iteration first resets the 32 mbufs from the next 32 prebuilt frames (memcpy of 64 bytes
// and the mbuf fields a PMD sets). That reset is timed apart from the walk:
//   cycles_per_pkt        rte_rdtsc around the Process loop only, per packet (median burst;
//                         _mean: the mean, preempted bursts included)
//   reset_cycles_per_pkt  the reset, per packet (reset/* measures it alone)
//   items_per_second      packets per second of walk time (manual time = the walk's TSC cycles)
#include "bench/benchmarks.h"

#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench/rig.h"
#include "dataplane/vector.h"

namespace gw::bench {
namespace {

void BM_Process(benchmark::State& state, Kind kind, uint32_t tunnels, bool prefetch, bool fast) {
  Rig& rig = Rig::Get(tunnels);
  const Frames& frames = rig.frames(kind);
  auto& burst = rig.burst();
  const dp::PortState& in_port = rig.tables().ports[0];
  const uint64_t drops_before = rig.TotalDrops();
  const double tsc_hz = static_cast<double>(rte_get_tsc_hz());
  BurstCycles reset_cycles;
  BurstCycles walk_cycles;
  uint64_t packets = 0;
  uint64_t out_sum = 0;
  uint32_t next = 0;
  uint16_t ip_id = 0;
  dp::BurstHints hints;
  for (auto _ : state) {
    const uint64_t t0 = rte_rdtsc();
    for (uint16_t i = 0; i < kBurst; ++i) ResetMbuf(burst[i], frames.frame(next + i));
    const uint64_t t1 = rte_rdtsc();
    dp::Ctx ctx = rig.ctx(ip_id);
    dp::ProcessBurst(ctx, burst.data(), kBurst, in_port, &hints, prefetch, fast,
                     [&out_sum](uint16_t, rte_mbuf*, uint16_t out) { out_sum += out; });
    ip_id = ctx.ip_id;
    const uint64_t t2 = rte_rdtsc();
    benchmark::DoNotOptimize(out_sum);
    reset_cycles.Add(t1 - t0);
    walk_cycles.Add(t2 - t1);
    packets += kBurst;
    next = (next + kBurst) % kFrames;
    state.SetIterationTime(static_cast<double>(t2 - t1) / tsc_hz);
  }
  if (rig.TotalDrops() != drops_before) {
    state.SkipWithError("packets were dropped: the walk did not forward the workload");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  walk_cycles.Report(state, "cycles_per_pkt");
  reset_cycles.Report(state, "reset_cycles_per_pkt");
}

// The vector walk's stages (dataplane/vector.h) up to `upto`: 1 the burst stage, 2 + classify,
// 3 + the fast stages. Timed as BM_Process is.
void BM_Stages(benchmark::State& state, Kind kind, uint32_t tunnels, int upto) {
  Rig& rig = Rig::Get(tunnels);
  const Frames& frames = rig.frames(kind);
  auto& burst = rig.burst();
  const dp::PortState& in_port = rig.tables().ports[0];
  const double tsc_hz = static_cast<double>(rte_get_tsc_hz());
  BurstCycles cycles;
  uint64_t packets = 0;
  uint64_t taken = 0;
  uint32_t next = 0;
  dp::BurstHints hints;
  dp::BurstClasses classes;
  uint16_t outs[kBurst];
  for (auto _ : state) {
    for (uint16_t i = 0; i < kBurst; ++i) ResetMbuf(burst[i], frames.frame(next + i));
    const uint64_t t0 = rte_rdtsc();
    dp::Ctx ctx = rig.ctx(0);
    dp::StageBurst(ctx, burst.data(), kBurst, &hints, false);
    if (upto >= 2) dp::ClassifyStage(ctx, burst.data(), kBurst, hints.route,
                                     dp::PackMac(in_port.mac), &classes);
    if (upto >= 3) {
      for (uint16_t i = 0; i < kBurst; ++i) outs[i] = dp::kSlow;
      dp::FastStagesRun(ctx, burst.data(), hints.route, classes, outs);
      for (uint16_t i = 0; i < kBurst; ++i) taken += outs[i] != dp::kSlow;
    }
    const uint64_t t1 = rte_rdtsc();
    benchmark::DoNotOptimize(classes);
    cycles.Add(t1 - t0);
    packets += kBurst;
    next = (next + kBurst) % kFrames;
    state.SetIterationTime(static_cast<double>(t1 - t0) / tsc_hz);
  }
  if (upto >= 3 && taken != packets) {
    state.SkipWithError("the fast stages left packets to the scalar walk on this workload");
    return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  cycles.Report(state, "cycles_per_pkt");
}

// The reset alone: the baseline the walk figures above already leave out.
void BM_Reset(benchmark::State& state, Kind kind, uint32_t tunnels) {
  Rig& rig = Rig::Get(tunnels);
  const Frames& frames = rig.frames(kind);
  auto& burst = rig.burst();
  BurstCycles cycles;
  uint64_t packets = 0;
  uint32_t next = 0;
  for (auto _ : state) {
    const uint64_t t0 = rte_rdtsc();
    for (uint16_t i = 0; i < kBurst; ++i) ResetMbuf(burst[i], frames.frame(next + i));
    const uint64_t t1 = rte_rdtsc();
    benchmark::ClobberMemory();
    cycles.Add(t1 - t0);
    packets += kBurst;
    next = (next + kBurst) % kFrames;
  }
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  cycles.Report(state, "cycles_per_pkt");
}

}  // namespace

void RegisterProcessBenchmarks(uint32_t tunnels) {
  // GW_BENCH_ITERATIONS=N: exactly N bursts per benchmark instead of as many as fill the time,
  // so that instruction counts (valgrind --tool=callgrind, scripts/perf/instr.sh) of two builds
  // compare exactly, whatever else the machine is doing.
  const char* fixed = std::getenv("GW_BENCH_ITERATIONS");
  const int64_t iterations = fixed != nullptr ? std::atoll(fixed) : 0;
  auto fix = [iterations](benchmark::internal::Benchmark* b) {
    if (iterations > 0) b->Iterations(iterations);
    return b;
  };
  const struct {
    const char* name;
    Kind kind;
  } kinds[] = {
      {"encap", Kind::kEncap}, {"decap", Kind::kDecap}, {"route", Kind::kRoute},
      {"mixed", Kind::kMixed}};
  for (const auto& k : kinds) {
    const std::string suffix = absl::StrCat(k.name, "/tunnels:", tunnels);
    fix(benchmark::RegisterBenchmark(("process/" + suffix).c_str(), BM_Process, k.kind, tunnels,
                                     false, true))
        ->UseManualTime();
    fix(benchmark::RegisterBenchmark(("process_prefetch/" + suffix).c_str(), BM_Process, k.kind,
                                     tunnels, true, true))
        ->UseManualTime();
    fix(benchmark::RegisterBenchmark(("process_scalar/" + suffix).c_str(), BM_Process, k.kind,
                                     tunnels, false, false))
        ->UseManualTime();
    const char* stages[] = {"lookup", "classify", "fast"};
    for (int upto = 1; upto <= 3; ++upto)
      fix(benchmark::RegisterBenchmark(
              absl::StrCat("stage/", stages[upto - 1], "/", suffix).c_str(), BM_Stages, k.kind,
              tunnels, upto))
          ->UseManualTime();
  }
  benchmark::RegisterBenchmark(absl::StrCat("reset/encap/tunnels:", tunnels).c_str(), BM_Reset,
                               Kind::kEncap, tunnels);
}

}  // namespace gw::bench
