// The stress test binary's main: one EAL with a worker lcore (-l 0,1), so that each test can run
// the real Dataplane: the worker loop on lcore 1, the control thread (this one) on lcore 0.
// Ports are made from rings inside each test (rte_eth_from_rings), so no --vdev is needed here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dataplane/dpdk.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // A file prefix of our own: other DPDK tests may run on this machine at the same time. No shared
  // config, so that nothing is left under it (as unit_main.cc).
  const std::string prefix = "--file-prefix=gwstress_" + std::to_string(getpid());
  std::vector<std::string> args = {"stress_tests", "-l",          "0,1",  "--no-huge",
                                   "--no-pci",     "--no-shconf", "-m",   "1024",
                                   prefix,         "--log-level=*:warning", "--no-telemetry"};
  std::vector<char*> eal_argv;
  for (std::string& a : args) eal_argv.push_back(a.data());
  eal_argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "stress_tests: EAL init failed: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  const int rc = RUN_ALL_TESTS();
  rte_eal_cleanup();
  rmdir(runtime_dir.c_str());  // EAL makes it even without shared config, and leaves it
  return rc;
}
