// Fuzz target: the packet walk (dataplane/forward.h) as a worker runs it, over the gateway of
// kWalkConfig (fuzz_env.h), with a worker's slow-path state: captured sends, a punt ring that is
// emptied after each input, the fragment pools, the reassembly table, the ICMP bucket, the worker's
// caches.
//
// Each input is walked twice:
//   1. as one frame received on each port in turn (a frame larger than an mbuf is chained, as
//      net_pcap does);
//   2. as one burst on port (byte 0 % 3): frames of [2-byte big-endian length][bytes]..., through
//      the burst stage (prefetching if byte 0 has bit 7) and then Process, as Worker::Run does.
// Invariants, any broken one aborts: every frame sent is well formed and a forwarded packet's
// TTL / hop limit is one lower than when it arrived (frame_check.h); every packet held for a
// neighbour likewise (without Ethernet); the books balance after every input (dataplane/books.h);
// and every mbuf of both pools is back after every input (the reassembly table emptied first).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tests/fuzz/worker_harness.h"

using namespace gw::fuzz;  // NOLINT

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  InitWorker("walk", rte_get_tsc_hz() * 2);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace dp = gw::dp;
  if (size > 9000) return -1;
  // 1. The whole input as one frame, received on each port.
  std::vector<IpId> ids;
  InputIds(data, size, &ids);
  for (uint16_t port = 0; port < kPorts; ++port) {
    dp::Ctx ctx = MakeCtx();
    ctx.NewBurst();
    rte_mbuf* m = MakeMbuf(data, size, port);
    dp::StageBurst(ctx, &m, 1, g->hints.get(), port == 1);
    ctx.hint = &g->hints->route[0];
    const uint16_t out = dp::Process(ctx, m, g->env->tables().ports[port]);
    Finish(ctx, m, out, ids);
    DrainSideways(ids);
  }
  EndInput();

  // 2. The input as a burst of length-prefixed frames on one port.
  if (size >= 1) {
    const uint16_t port = data[0] % kPorts;
    const bool prefetch = (data[0] & 0x80) != 0;
    rte_mbuf* pkts[kMaxFrames];
    uint16_t n = 0;
    ids.clear();
    for (size_t off = 1; off + 2 <= size && n < kMaxFrames;) {
      const size_t len = std::min<size_t>(Get16(data + off), size - off - 2);
      InputIds(data + off + 2, len, &ids);
      pkts[n++] = MakeMbuf(data + off + 2, len, port);
      off += 2 + len;
    }
    if (n != 0) {
      dp::Ctx ctx = MakeCtx();
      ctx.NewBurst();
      dp::StageBurst(ctx, pkts, n, g->hints.get(), prefetch);
      for (uint16_t i = 0; i < n; ++i) {
        ctx.hint = &g->hints->route[i];
        const uint16_t out = dp::Process(ctx, pkts[i], g->env->tables().ports[port]);
        Finish(ctx, pkts[i], out, ids);
      }
      DrainSideways(ids);
    }
    EndInput();
  }
  return 0;
}
