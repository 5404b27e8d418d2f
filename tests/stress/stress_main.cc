// The stress test binary's main: one EAL with a worker lcore (-l 0,1), so that each test can run
// the real Dataplane: the worker loop on lcore 1, the control thread (this one) on lcore 0.
// Ports are made from rings inside each test (rte_eth_from_rings), so no --vdev is needed here.
#include <gtest/gtest.h>

#include "tests/test_eal.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return gw::testing::RunWithTestEal("gwstress", "0,1", "1024");
}
