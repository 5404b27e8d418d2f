// Fuzz target: reassembly of fragments addressed to the gateway (Local4 → Reassemble4, frag.h,
// with DPDK's rte_ip_frag table), through the whole walk. The input is a list of 6-byte records,
// each one IPIP fragment from the peer 10.65.132.188 to the gateway (10.65.132.187) of one of four
// datagrams whose payload (the inner packet) is fixed, so that overlapping, duplicate, tiny, out
// of order and missing fragments, and the table's clock, are the fuzzer's to choose:
//
//   byte 0     bits 0-1: the datagram; bits 2-7: clock advance, in 1/64 of the table's timeout
//   bytes 1-2  the IPv4 flags / fragment offset field (MF, DF, offset in 8-byte units)
//   bytes 3-4  payload length (mod 1500), taken from the datagram at that offset (zeros past it)
//   byte 5     bit 0: expire the table now (as the worker's housekeeping does); bit 1: flip a
//              payload byte (the datagram's output is no longer predictable); bit 2: the
//              fragment arrives on port 1 instead of port 0
//
// Invariants: a reassembled packet only leaves whole and exactly as it was sent (datagrams 0-2 are
// UDP to a LAN host, forwarded out of port1 with one TTL less); everything else frame_check.h
// checks; the books balance and every mbuf is back after each input (the table emptied first).
#include "tests/fuzz/worker_harness.h"

namespace gw::fuzz {
namespace {

constexpr size_t kRecord = 6;
constexpr uint8_t kHostMac[6] = {0x52, 0x54, 0x00, 0x0a, 0x64, 0x02};  // 10.10.100.2, port1
constexpr uint8_t kPeerMac[6] = {0x52, 0x54, 0x00, 0x41, 0x84, 0xbc};  // 10.65.132.188, port0

void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void PutChecksum(uint8_t* ip, size_t hl) {
  ip[10] = ip[11] = 0;
  Put16(ip + 10, static_cast<uint16_t>(~OnesSum(ip, hl)));
}

// Datagram d's outer payload: an inner IPv4 packet (0-2: UDP 10.10.200.5 → 10.10.100.2, 3: an
// ICMP echo request to the tunnel address 10.10.100.10).
Bytes Inner(int d) {
  static const size_t kLen[4] = {64, 600, 1372, 200};
  const size_t n = kLen[d];
  Bytes b(n);
  for (size_t i = 20; i < n; ++i) b[i] = static_cast<uint8_t>(i * 7 + d);
  b[0] = 0x45;
  Put16(&b[2], static_cast<uint16_t>(n));
  Put16(&b[4], static_cast<uint16_t>(0x4000 + d));
  b[8] = 33;
  const uint8_t src[4] = {10, 10, 200, 5};
  const uint8_t dst[4] = {10, 10, 100, static_cast<uint8_t>(d == 3 ? 10 : 2)};
  std::memcpy(&b[12], src, 4);
  std::memcpy(&b[16], dst, 4);
  if (d == 3) {
    b[9] = 1;
    b[20] = 8;
    b[21] = 0;
    b[22] = b[23] = 0;
    Put16(&b[22], static_cast<uint16_t>(~OnesSum(&b[20], n - 20)));
  } else {
    b[9] = 17;
    Put16(&b[20], 4000);
    Put16(&b[22], 5000);
    Put16(&b[24], static_cast<uint16_t>(n - 20));
    b[26] = b[27] = 0;  // (no UDP checksum)
  }
  PutChecksum(b.data(), 20);
  return b;
}

// What leaves port1 for datagram d (0-2), reassembled and forwarded.
Bytes Expected(int d) {
  Bytes in = Inner(d);
  in[8] -= 1;
  PutChecksum(in.data(), 20);
  Bytes f(kHostMac, kHostMac + 6);
  f.insert(f.end(), kPortMac[1], kPortMac[1] + 6);
  f.push_back(0x08);
  f.push_back(0x00);
  f.insert(f.end(), in.begin(), in.end());
  return f;
}

}  // namespace
}  // namespace gw::fuzz

using namespace gw::fuzz;  // NOLINT

namespace {
Bytes g_inner[4];
Bytes g_expected[4];
uint64_t g_timeout = 0;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_timeout = rte_get_tsc_hz() / 2;
  InitWorker("reasm", g_timeout);
  for (int d = 0; d < 4; ++d) {
    g_inner[d] = Inner(d);
    g_expected[d] = Expected(d);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace dp = gw::dp;
  if (size > 64 * kRecord) return -1;
  bool tainted[4] = {};
  uint64_t now = 1;  // (0: the table takes it as "never")
  for (size_t r = 0; r + kRecord <= size; r += kRecord) {
    const uint8_t* rec = data + r;
    const int d = rec[0] & 3;
    now += (rec[0] >> 2) * (g_timeout / 64);
    const uint16_t frag = Get16(rec + 1);
    const size_t len = Get16(rec + 3) % 1500;
    const size_t at = (frag & 0x1fff) * 8u;
    const uint16_t port = (rec[5] & 4) ? 1 : 0;

    Bytes f(kPortMac[port], kPortMac[port] + 6);
    f.insert(f.end(), kPeerMac, kPeerMac + 6);
    f.push_back(0x08);
    f.push_back(0x00);
    uint8_t ip[20] = {0x45, 0, 0, 0, 0, 0, 0, 0, 64, 4, 0, 0, 10, 65, 132, 188, 10, 65, 132, 187};
    Put16(ip + 2, static_cast<uint16_t>(20 + len));
    Put16(ip + 4, static_cast<uint16_t>(0x7700 + d));
    Put16(ip + 6, frag);
    PutChecksum(ip, 20);
    f.insert(f.end(), ip, ip + 20);
    for (size_t i = 0; i < len; ++i)
      f.push_back(at + i < g_inner[d].size() ? g_inner[d][at + i] : 0);
    if ((rec[5] & 2) && len != 0) {
      f[14 + 20 + rec[4] % len] ^= 0x5a;
      tainted[d] = true;
    }

    std::vector<IpId> ids;
    InputIds(f.data(), f.size(), &ids);
    IpId inner;
    if (ParseId(g_inner[d].data(), g_inner[d].size(), &inner)) ids.push_back(inner);
    g->io.now = now;
    if (rec[5] & 1) {
      rte_ip_frag_table_del_expired_entries(g->io.frag_tbl, g->io.death_row, now);
      dp::FreeDeathRow(g->counters, g->io.death_row);
    }
    dp::Ctx ctx = MakeCtx();
    ctx.NewBurst();
    rte_mbuf* m = MakeMbuf(f.data(), f.size(), port);
    const uint16_t out = dp::Process(ctx, m, g->env->tables().ports[port]);
    // Nothing but a reassembly can send datagrams 0-2's inner packet; it leaves through Send.
    for (uint16_t i = 0; i < g->n_captured; ++i) {
      const Bytes got = Linear(g->captured[i]);
      if (g->captured[i]->port != 1 || d == 3 || tainted[d]) continue;
      FUZZ_CHECK(got == g_expected[d],
                 absl::StrCat("datagram ", d, " left reassembled but not as it was sent (",
                              got.size(), " bytes, expected ", g_expected[d].size(), ")"));
    }
    Finish(ctx, m, out, ids);
    DrainSideways(ids);
    if (g->io.death_row->cnt != 0) dp::FreeDeathRow(g->counters, g->io.death_row);
  }
  g->io.now = 0;
  EndInput();
  return 0;
}
