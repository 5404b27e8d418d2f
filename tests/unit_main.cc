// The unit test binary's main: one EAL for the whole run (DPDK cannot re-initialise), sized for
// one set of small tables at a time, then every test, then the EAL is torn down.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "dataplane/dpdk.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // A file prefix of our own, so that two runs at once (plain and ASan builds) never meet; and no
  // shared config, so that nothing is written under it (rte_eal_cleanup leaves 6 MB of fbarray
  // files behind otherwise; --in-memory would do it but does not go with --no-huge in 22.11).
  const std::string prefix = "--file-prefix=gwunit_" + std::to_string(getpid());
  std::vector<std::string> args = {"unit_tests", "--no-huge",     "--no-shconf",
                                   "--no-pci",   "-m",            "512",
                                   prefix,       "--log-level=*:warning",
                                   "-l",         "0",             "--no-telemetry"};
  std::vector<char*> eal_argv;
  for (std::string& a : args) eal_argv.push_back(a.data());
  eal_argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), eal_argv.data()) < 0) {
    std::fprintf(stderr, "unit_tests: EAL init failed: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  const int rc = RUN_ALL_TESTS();
  rte_eal_cleanup();
  rmdir(runtime_dir.c_str());  // EAL makes it even without shared config, and leaves it
  return rc;
}
