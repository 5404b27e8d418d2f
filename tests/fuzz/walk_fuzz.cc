// Fuzz target: the packet walk (dataplane/forward.h) as a worker runs it, over the gateway of
// kWalkConfig (fuzz_env.h), with a worker's slow-path state: captured sends, a punt ring that is
// emptied after each input, the fragment pools, the reassembly table, the ICMP bucket, the worker's
// caches.
//
// Each input is walked three times, through the vector walk (dataplane/vector.h: ProcessBurst) as
// Worker::Run calls it:
//   1. as one frame received on each port in turn (a frame larger than an mbuf is chained, as
//      net_pcap does), with the fast stages (--fast_path=on, the default);
//   2. as one burst on port (byte 0 % 3): frames of [2-byte big-endian length][bytes]..., through
//      the burst stage (prefetching if byte 0 has bit 7), the fast stages and the scalar walk;
//   3. the same burst with every packet on the scalar walk (--fast_path=off), from the same state.
// Invariants, any broken one aborts: every frame sent is well formed and a forwarded packet's
// TTL / hop limit is one lower than when it arrived (frame_check.h); every packet held for a
// neighbour likewise (without Ethernet); the books balance after every input (dataplane/books.h);
// every mbuf of both pools is back after every input (the reassembly table emptied first); and
// 2 and 3 agree: each packet's answer and bytes, every frame sent or punted by a slow path, every
// drop and event counter (the fast stages change nothing but the speed).
#include <array>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "spread/datapath/flow_hash.h"
#include "tests/fuzz/worker_harness.h"

using namespace gw::fuzz;  // NOLINT

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  InitWorker("walk", rte_get_tsc_hz() * 2);
  return 0;
}

namespace {

// The burst of length-prefixed frames after byte 0, on `port`, walked once; what became of it.
Outcome WalkBurst(const uint8_t* data, size_t size, uint16_t port, bool prefetch, bool fast) {
  namespace dp = gw::dp;
  rte_mbuf* pkts[kMaxFrames];
  uint16_t n = 0;
  std::vector<IpId> ids;
  for (size_t off = 1; off + 2 <= size && n < kMaxFrames;) {
    const size_t len = std::min<size_t>(Get16(data + off), size - off - 2);
    InputIds(data + off + 2, len, &ids);
    pkts[n++] = MakeMbuf(data + off + 2, len, port);
    off += 2 + len;
  }
  Outcome o;
  if (n == 0) return o;
  dp::Ctx ctx = MakeCtx();
  ctx.NewBurst();
  g->io.frag6_id = 0;  // (both walks number what they fragment alike)
  dp::ProcessBurst(ctx, pkts, n, g->env->tables().ports[port], g->hints.get(), prefetch, fast,
                   [&](uint16_t, rte_mbuf* m, uint16_t out) { Finish(ctx, m, out, ids, &o); });
  DrainSideways(ids, &o);
  return o;
}

using Tally = std::pair<std::array<uint64_t, gw::dp::kDropCount>,
                        std::array<uint64_t, gw::dp::kEventCount>>;
Tally Counted() { return {g->counters.drops, g->counters.events}; }
Tally Since(const Tally& a, const Tally& b) {
  Tally d;
  for (size_t i = 0; i < d.first.size(); ++i) d.first[i] = b.first[i] - a.first[i];
  for (size_t i = 0; i < d.second.size(); ++i) d.second[i] = b.second[i] - a.second[i];
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace dp = gw::dp;
  if (size > 9000) return -1;
  // 0. The flow hash that spreads packets over workers (spread/datapath/flow_hash.h) reads
  // nothing past the frame (a heap block of exactly its size), and a tunnel packet's hash is the
  // same whether everything or only tunnel packets are spread.
  {
    using gw::spread::SpreadMode;
    std::unique_ptr<uint8_t[]> exact(new uint8_t[size == 0 ? 1 : size]);
    if (size != 0) std::memcpy(exact.get(), data, size);
    const auto len = static_cast<uint32_t>(size);
    const uint64_t tunnel = gw::spread::FlowHashFrame(exact.get(), len, SpreadMode::kTunnel);
    const uint64_t all = gw::spread::FlowHashFrame(exact.get(), len, SpreadMode::kAll);
    FUZZ_CHECK(tunnel == gw::spread::kLocal || tunnel == all,
               "a tunnel packet's flow hash differs between --spread=tunnel and all");
  }
  // 1. The whole input as one frame, received on each port.
  std::vector<IpId> ids;
  InputIds(data, size, &ids);
  for (uint16_t port = 0; port < kPorts; ++port) {
    dp::Ctx ctx = MakeCtx();
    ctx.NewBurst();
    rte_mbuf* m = MakeMbuf(data, size, port);
    dp::ProcessBurst(ctx, &m, 1, g->env->tables().ports[port], g->hints.get(), port == 1, true,
                     [&](uint16_t, rte_mbuf* p, uint16_t out) { Finish(ctx, p, out, ids); });
    DrainSideways(ids);
  }
  EndInput();

  // 2 and 3. The input as a burst of length-prefixed frames on one port, with and without the
  // fast stages.
  if (size >= 1) {
    const uint16_t port = data[0] % kPorts;
    const bool prefetch = (data[0] & 0x80) != 0;
    const Tally t0 = Counted();
    const Outcome fast = WalkBurst(data, size, port, prefetch, true);
    EndInput();
    const Tally t1 = Counted();
    const Outcome scalar = WalkBurst(data, size, port, prefetch, false);
    EndInput();
    const Tally t2 = Counted();
    FUZZ_CHECK(fast.answers.size() == scalar.answers.size(), "packets answered");
    for (size_t i = 0; i < fast.answers.size(); ++i)
      FUZZ_CHECK(fast.answers[i] == scalar.answers[i],
                 absl::StrCat("packet ", i, ": the fast stages answered ", fast.answers[i].first,
                              " (", fast.answers[i].second.size(), " bytes), the scalar walk ",
                              scalar.answers[i].first, " (", scalar.answers[i].second.size(),
                              " bytes)"));
    FUZZ_CHECK(fast.sideways == scalar.sideways, "frames sent or punted by the slow paths differ");
    const Tally df = Since(t0, t1);
    const Tally ds = Since(t1, t2);
    for (size_t i = 0; i < df.first.size(); ++i)
      FUZZ_CHECK(df.first[i] == ds.first[i],
                 absl::StrCat("drop ", std::string(dp::kDropNames[i]), ": ", df.first[i], " with the fast "
                              "stages, ", ds.first[i], " without"));
    for (size_t i = 0; i < df.second.size(); ++i)
      FUZZ_CHECK(df.second[i] == ds.second[i],
                 absl::StrCat("event ", std::string(dp::kEventNames[i]), ": ", df.second[i], " with the fast "
                              "stages, ", ds.second[i], " without"));
  }
  return 0;
}
