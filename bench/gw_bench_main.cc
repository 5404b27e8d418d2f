// gw_bench: Google Benchmark microbenchmarks of the per-packet walk and its lookups.
//
//   build/bench/gw_bench [--benchmark_filter=REGEX] [--benchmark_repetitions=N] ...
//   GW_BENCH_TUNNELS=1,1024,65536  tunnel counts to run (default: all three)
//   GW_BENCH_MEM=1024              EAL memory, MiB (--no-huge)
//
// One EAL for the whole run (-l 0, --no-huge, a file prefix of its own, no telemetry); its
// runtime directory is removed on the way out.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "bench/benchmarks.h"
#include "bench/rig.h"

int main(int argc, char** argv) {
  const char* mem = std::getenv("GW_BENCH_MEM");
  const std::string prefix = "gwbench_" + std::to_string(getpid());
  std::vector<std::string> args = {"gw_bench",        "--no-huge", "--no-pci",
                                   "-m",              mem != nullptr ? mem : "1024",
                                   "--file-prefix",   prefix,      "--log-level=*:warning",
                                   "-l",              "0",         "--no-telemetry"};
  std::vector<char*> eal_argv;
  for (std::string& a : args) eal_argv.push_back(a.data());
  eal_argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), eal_argv.data()) < 0)
    gw::bench::Die(std::string("EAL init failed: ") + rte_strerror(rte_errno));
  const std::string runtime_dir = rte_eal_get_runtime_dir();

  std::vector<uint32_t> sizes = {1, 1024, 65536};
  if (const char* t = std::getenv("GW_BENCH_TUNNELS")) {
    sizes.clear();
    for (absl::string_view s : absl::StrSplit(t, ',')) {
      uint32_t n;
      if (!absl::SimpleAtoi(s, &n) || n == 0) gw::bench::Die("bad GW_BENCH_TUNNELS");
      sizes.push_back(n);
    }
  }
  for (uint32_t n : sizes) {
    gw::bench::RegisterProcessBenchmarks(n);
    gw::bench::RegisterLookupBenchmarks(n);
    gw::bench::RegisterSpreadBenchmarks(n);
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("tsc_hz", std::to_string(rte_get_tsc_hz()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();

  gw::bench::Rig::Release();
  rte_eal_cleanup();
  std::error_code ec;
  std::filesystem::remove_all(runtime_dir, ec);
  return 0;
}
