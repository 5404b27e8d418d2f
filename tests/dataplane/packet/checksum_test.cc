// dataplane/packet/checksum: RFC 1624's incremental update must agree with recomputing the
// RFC 1071 checksum from scratch, for every header and every one-word change.
#include "dataplane/packet/checksum.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "tests/dataplane/packets.h"

namespace gw::testing {
namespace {

TEST(FoldSum, FoldsCarriesTwice) {
  EXPECT_EQ(dp::FoldSum(0), 0);
  EXPECT_EQ(dp::FoldSum(0xffff), 0xffff);
  EXPECT_EQ(dp::FoldSum(0x1fffe), 0xffff);
  EXPECT_EQ(dp::FoldSum(0x12345), 0x2346);
  EXPECT_EQ(dp::FoldSum(0xffffffff), 0xffff);
  EXPECT_EQ(dp::FoldSum(0x0001ffff), 0x0001);
}

TEST(ChecksumReplace16, RfcExampleTtlDecrement) {
  // 45 00 00 54 12 34 40 00 40 01 00 00 c0 00 02 01 c6 33 64 02, TTL 64 -> 63.
  Bytes h = Ip4{.src = "192.0.2.1", .dst = "198.51.100.2", .ttl = 64, .proto = 1,
                .payload = {}}
                .Build();
  const uint16_t hc = static_cast<uint16_t>((h[10] << 8) | h[11]);
  const uint16_t old_word = static_cast<uint16_t>((h[8] << 8) | h[9]);
  h[8] = 63;
  h[10] = h[11] = 0;
  const uint16_t want = InetChecksum(h.data(), 20);
  EXPECT_EQ(dp::ChecksumReplace16(hc, old_word, static_cast<uint16_t>((h[8] << 8) | h[9])), want);
}

// Random headers, random word changes, both byte orders: the patched checksum is the one a full
// recomputation gives.
TEST(ChecksumReplace16, AgreesWithRecomputationOnRandomHeaders) {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 20000; ++round) {
    uint8_t h[20];
    for (uint8_t& b : h) b = static_cast<uint8_t>(rng());
    h[0] = 0x45;
    h[10] = h[11] = 0;
    uint16_t c = InetChecksum(h, 20);
    h[10] = static_cast<uint8_t>(c >> 8);
    h[11] = static_cast<uint8_t>(c);
    const int w = static_cast<int>(rng() % 10);
    if (w == 5) continue;  // the checksum word itself
    const uint16_t new_word = round % 7 == 0 ? static_cast<uint16_t>(round % 3 == 0 ? 0 : 0xffff)
                                             : static_cast<uint16_t>(rng());
    // Network order, as the dataplane patches headers in place.
    uint16_t hc_n, old_n;
    std::memcpy(&hc_n, &h[10], 2);
    std::memcpy(&old_n, &h[2 * w], 2);
    uint8_t nw[2] = {static_cast<uint8_t>(new_word >> 8), static_cast<uint8_t>(new_word)};
    uint16_t new_n;
    std::memcpy(&new_n, nw, 2);
    const uint16_t got_n = dp::ChecksumReplace16(hc_n, old_n, new_n);
    std::memcpy(&h[2 * w], nw, 2);
    h[10] = h[11] = 0;
    const uint16_t want = InetChecksum(h, 20);
    uint8_t got[2];
    std::memcpy(got, &got_n, 2);
    ASSERT_EQ((got[0] << 8) | got[1], want) << "round " << round << " word " << w;
  }
}

}  // namespace
}  // namespace gw::testing
