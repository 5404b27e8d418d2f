// The EAL of a test binary (DPDK cannot re-initialise: one per process): no hugepages, no PCI, a
// file prefix of its own so that runs at once (plain and ASan builds, other DPDK tests) never
// meet, and no shared config so that nothing is written under it (rte_eal_cleanup leaves 6 MB of
// fbarray files behind otherwise; --in-memory would do it but does not go with --no-huge in
// 22.11). EAL makes the runtime directory even so, and leaves it: RunWithTestEal removes it.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dataplane/dpdk.h"
#include "dataplane/io.h"

namespace gw::testing {

// rte_eal_init with `lcores` (-l) and `mem_mb` (-m), every test, rte_eal_cleanup; the exit status.
inline int RunWithTestEal(const char* name, const char* lcores, const char* mem_mb) {
  const std::string prefix = std::string("--file-prefix=") + name + "_" + std::to_string(getpid());
  std::vector<std::string> args = {name,     "--no-huge", "--no-pci", "--no-shconf",
                                   "-m",     mem_mb,      prefix,     "--log-level=*:warning",
                                   "-l",     lcores,      "--no-telemetry"};
  std::vector<char*> eal_argv;
  for (std::string& a : args) eal_argv.push_back(a.data());
  eal_argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "%s: EAL init failed: %s\n", name, rte_strerror(rte_errno));
    return 1;
  }
  // The mbuf field the walk's slow paths use (io.h), as Dataplane::Create registers it.
  if (gw::dp::RegisterPuntMeta() < 0) {
    std::fprintf(stderr, "%s: cannot register the punt field\n", name);
    return 1;
  }
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  const int rc = RUN_ALL_TESTS();
  rte_eal_cleanup();
  rmdir(runtime_dir.c_str());
  return rc;
}

}  // namespace gw::testing
