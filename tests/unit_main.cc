// The unit test binary's main: one EAL for the whole run (DPDK cannot re-initialise), sized for
// one set of small tables at a time, then every test, then the EAL is torn down.
#include <gtest/gtest.h>

#include "tests/test_eal.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return gw::testing::RunWithTestEal("gwunit", "0", "512");
}
