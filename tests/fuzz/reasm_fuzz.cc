// Fuzz target: reassembly of fragments addressed to the gateway (Local4 → Reassemble4 and
// Local6 → Reassemble6, frag.h, with DPDK's rte_ip_frag table), through the whole walk. The input
// is a list of 6-byte records, each one fragment of one of eight datagrams whose payload is fixed,
// so that overlapping, duplicate, tiny, out of order and missing fragments, and the table's clock,
// are the fuzzer's to choose:
//
//   byte 0     bits 0-1: the datagram; bits 2-7: clock advance, in 1/64 of the table's timeout
//   bytes 1-2  the fragment field as IPv4 has it (MF 0x2000, DF 0x4000, offset in 8-byte units in
//              the low 13 bits); for IPv6 the same offset and M, in the fragment header
//   bytes 3-4  payload length (mod 1500), taken from the datagram at that offset (zeros past it)
//   byte 5     bit 0: expire the table now (as the worker's housekeeping does); bit 1: flip a
//              payload byte (the datagram's output is no longer predictable); bit 2: the
//              fragment arrives on the other port; bit 3: IPv6
//
// IPv4: IPIP fragments from the peer 10.65.132.188 to the gateway (10.65.132.187) on port0 (or
// port1); the inner packet of datagrams 0-2 is UDP to a LAN host, of 3 an echo request to the
// tunnel address. IPv6 (RFC 8200 4.5, the fragment header right after the IPv6 header): from
// 2001:db8:1::2 to the gateway's 2001:db8:1::1 on port1 (or the same on port2's prefix, whose host
// has no neighbour: the reply is held); datagrams 0-2 are echo requests of 64, 600 and 1800 bytes
// (the last one's reply is larger than port1's MTU: the gateway fragments it, Fragment6), 3 is UDP.
//
// Invariants: a reassembled packet only leaves whole and exactly as it was sent (IPv4 datagrams
// 0-2 are forwarded out of port1 with one TTL less; an IPv6 echo reply, whole or in fragments,
// carries the request's identifier, sequence and data unchanged); everything else frame_check.h
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

// IPv6 datagram d's payload behind the fragment header: an ICMPv6 echo request (0-2) or UDP (3),
// from host `h` of port `p` (1 or 2) to the gateway there, its checksum over that pseudo-header.
constexpr uint8_t kHost6Mac[6] = {0x52, 0x54, 0x00, 0x0a, 0x64, 0x12};  // 2001:db8:1::2, port1
void Addr6(int p, uint8_t last, uint8_t* a) {
  const uint8_t x[16] = {0x20, 0x01, 0x0d, 0xb8, 0, static_cast<uint8_t>(p), 0, 0,
                         0,    0,    0,    0,    0, 0,                        0, last};
  std::memcpy(a, x, 16);
}
Bytes Inner6(int d, int p) {
  static const size_t kLen[4] = {64, 600, 1800, 200};
  const size_t n = kLen[d];
  Bytes b(n);
  for (size_t i = 8; i < n; ++i) b[i] = static_cast<uint8_t>(i * 5 + d);
  const uint8_t next = d == 3 ? 17 : 58;
  if (d == 3) {
    Put16(&b[0], 4000);
    Put16(&b[2], 5000);
    Put16(&b[4], static_cast<uint16_t>(n));
  } else {
    b[0] = 128;  // echo request
    b[1] = 0;
    Put16(&b[4], static_cast<uint16_t>(0x6000 + d));  // identifier
    Put16(&b[6], static_cast<uint16_t>(p));           // sequence
  }
  Bytes pseudo(40, 0);
  Addr6(p, 2, &pseudo[0]);
  Addr6(p, 1, &pseudo[16]);
  Put16(&pseudo[34], static_cast<uint16_t>(n));
  pseudo[39] = next;
  pseudo.insert(pseudo.end(), b.begin(), b.end());
  Put16(&b[d == 3 ? 6 : 2], static_cast<uint16_t>(~OnesSum(pseudo.data(), pseudo.size())));
  return b;
}

// The echo replies among frames a record made leave port1 (IPv6, the gateway's address as their
// source), whole or as fragments (put together here): each must carry its request's identifier,
// sequence and data as the fragments carried them, unless the request was tainted.
void CheckReplies6(const std::vector<Bytes>& frames, const Bytes (&req)[4],
                   const bool (&tainted)[4]) {
  std::vector<std::pair<uint32_t, Bytes>> whole;  // (fragment id or none, the ICMPv6 message)
  struct Part {
    uint32_t id;
    uint32_t at;
    bool more;
    Bytes data;
  };
  std::vector<Part> parts;
  for (const Bytes& f : frames) {
    if (f.size() < 54 || Get16(&f[12]) != 0x86dd) continue;
    const uint8_t* ip = &f[14];
    if (ip[6] == 58) {
      whole.emplace_back(0, Bytes(f.begin() + 54, f.end()));
    } else if (ip[6] == 44 && f.size() >= 62 && f[54] == 58) {
      const uint16_t fd = Get16(&f[56]);
      const uint32_t id = static_cast<uint32_t>(Get16(&f[58])) << 16 | Get16(&f[60]);
      parts.push_back({id, fd & ~7u, (fd & 1) != 0, Bytes(f.begin() + 62, f.end())});
    }
  }
  // Fragments of one reply: in order, contiguous, the last without M.
  for (size_t i = 0; i < parts.size();) {
    Bytes msg;
    size_t j = i;
    for (; j < parts.size() && parts[j].id == parts[i].id; ++j) {
      FUZZ_CHECK(parts[j].at == msg.size(),
                 absl::StrCat("an echo reply's fragment at ", parts[j].at, " after ", msg.size(),
                              " bytes"));
      msg.insert(msg.end(), parts[j].data.begin(), parts[j].data.end());
    }
    FUZZ_CHECK(!parts[j - 1].more, "an echo reply's last fragment has M set");
    whole.emplace_back(parts[i].id, std::move(msg));
    i = j;
  }
  for (const auto& [id, m] : whole) {
    if (m.size() < 8 || m[0] != 129) continue;
    const int d = Get16(&m[4]) - 0x6000;
    FUZZ_CHECK(d >= 0 && d < 3, absl::StrCat("an echo reply with identifier ", Get16(&m[4])));
    if (tainted[d]) continue;
    // (What the fragments carried: the request, then zeros past its end.)
    for (size_t i = 4; i < m.size(); ++i)
      FUZZ_CHECK(m[i] == (i < req[d].size() ? req[d][i] : 0),
                 absl::StrCat("IPv6 datagram ", d, " answered, but not with what it carried: byte ",
                              i, " of ", m.size()));
  }
}

}  // namespace
}  // namespace gw::fuzz

using namespace gw::fuzz;  // NOLINT

namespace {
Bytes g_inner[4];
Bytes g_expected[4];
Bytes g_inner6[3][4];  // [port][datagram], ports 1 and 2
uint64_t g_timeout = 0;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_timeout = rte_get_tsc_hz() / 2;
  InitWorker("reasm", g_timeout);
  for (int d = 0; d < 4; ++d) {
    g_inner[d] = Inner(d);
    g_expected[d] = Expected(d);
    g_inner6[1][d] = Inner6(d, 1);
    g_inner6[2][d] = Inner6(d, 2);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace dp = gw::dp;
  if (size > 64 * kRecord) return -1;
  bool tainted[4] = {};
  bool tainted6[3][4] = {};
  uint64_t now = 1;  // (0: the table takes it as "never")
  for (size_t r = 0; r + kRecord <= size; r += kRecord) {
    const uint8_t* rec = data + r;
    const int d = rec[0] & 3;
    now += (rec[0] >> 2) * (g_timeout / 64);
    const uint16_t frag = Get16(rec + 1);
    const size_t len = Get16(rec + 3) % 1500;
    const size_t at = (frag & 0x1fff) * 8u;
    const bool v6 = (rec[5] & 8) != 0;
    uint16_t port;
    Bytes f;
    if (!v6) {
      port = (rec[5] & 4) ? 1 : 0;
      f.assign(kPortMac[port], kPortMac[port] + 6);
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
    } else {
      port = (rec[5] & 4) ? 2 : 1;
      const Bytes& in = g_inner6[port][d];
      f.assign(kPortMac[port], kPortMac[port] + 6);
      f.insert(f.end(), kHost6Mac, kHost6Mac + 6);
      f.push_back(0x86);
      f.push_back(0xdd);
      uint8_t ip[48] = {0x60, 0, 0, 0, 0, 0, 44, 64};
      Put16(ip + 4, static_cast<uint16_t>(8 + len));
      Addr6(port, 2, ip + 8);
      Addr6(port, 1, ip + 24);
      ip[40] = d == 3 ? 17 : 58;
      Put16(ip + 42, static_cast<uint16_t>((frag & 0x1fff) << 3 | ((frag & 0x2000) ? 1 : 0)));
      Put16(ip + 46, static_cast<uint16_t>(0x7700 + d));
      f.insert(f.end(), ip, ip + 48);
      for (size_t i = 0; i < len; ++i) f.push_back(at + i < in.size() ? in[at + i] : 0);
    }
    const size_t hdrs = v6 ? 14 + 48 : 14 + 20;
    if ((rec[5] & 2) && len != 0) {
      f[hdrs + rec[4] % len] ^= 0x5a;
      (v6 ? tainted6[port][d] : tainted[d]) = true;
    }

    std::vector<IpId> ids;
    InputIds(f.data(), f.size(), &ids);
    IpId inner;
    if (!v6 && ParseId(g_inner[d].data(), g_inner[d].size(), &inner)) ids.push_back(inner);
    g->io.now = now;
    if (rec[5] & 1) {
      rte_ip_frag_table_del_expired_entries(g->io.frag_tbl, g->io.death_row, now);
      dp::FreeDeathRow(g->counters, g->io.death_row);
    }
    dp::Ctx ctx = MakeCtx();
    ctx.NewBurst();
    rte_mbuf* m = MakeMbuf(f.data(), f.size(), port);
    uint16_t out = dp::kDropped;  // (a fragment is the scalar walk's: the fast stages leave it)
    dp::ProcessBurst(ctx, &m, 1, g->env->tables().ports[port], g->hints.get(), false, true,
                     [&out](uint16_t, rte_mbuf*, uint16_t o) { out = o; });
    // Nothing but a reassembly can send datagrams 0-2's inner packet; it leaves through Send.
    std::vector<Bytes> sent;
    for (uint16_t i = 0; i < g->n_captured; ++i) {
      const Bytes got = Linear(g->captured[i]);
      if (g->captured[i]->port == 1) sent.push_back(got);
      if (v6 || g->captured[i]->port != 1 || d == 3 || tainted[d]) continue;
      FUZZ_CHECK(got == g_expected[d],
                 absl::StrCat("datagram ", d, " left reassembled but not as it was sent (",
                              got.size(), " bytes, expected ", g_expected[d].size(), ")"));
    }
    if (v6 && port == 1) CheckReplies6(sent, g_inner6[1], tainted6[1]);
    Finish(ctx, m, out, ids);
    DrainSideways(ids);
    if (g->io.death_row->cnt != 0) dp::FreeDeathRow(g->counters, g->io.death_row);
  }
  g->io.now = 0;
  EndInput();
  return 0;
}
