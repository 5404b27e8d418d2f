// Invariants of what the walk sends, checked on every frame a fuzz target sees leave: the frame is
// well formed (Ethernet from the egress port's MAC; IPv4 with a valid header checksum and a total
// length equal to the frame's; IPv6 with a consistent payload length; the inner packet of an
// encapsulation likewise), and a forwarded packet's TTL / hop limit is exactly one lower than when
// it arrived. Written from the RFCs' layouts, not with the dataplane's helpers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dataplane/dpdk.h"
#include "tests/fuzz/fuzz_env.h"

namespace gw::fuzz {

using Bytes = std::vector<uint8_t>;

inline uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// RFC 1071 over `n` bytes: 0xffff when a header with its checksum in place is valid.
inline uint16_t OnesSum(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2) s += Get16(p + i);
  if (n % 2 != 0) s += p[n - 1] << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<uint16_t>(s);
}

// The bytes of an mbuf chain, and whether the chain's lengths agree with its segments.
inline Bytes Linear(const rte_mbuf* m) {
  Bytes b;
  uint32_t total = 0;
  uint16_t segs = 0;
  for (const rte_mbuf* s = m; s != nullptr; s = s->next) {
    const auto* d = rte_pktmbuf_mtod(s, const uint8_t*);
    b.insert(b.end(), d, d + s->data_len);
    total += s->data_len;
    ++segs;
  }
  FUZZ_CHECK(total == m->pkt_len, absl::StrCat("pkt_len ", m->pkt_len, " but segments hold ", total));
  FUZZ_CHECK(segs == m->nb_segs, absl::StrCat("nb_segs ", m->nb_segs, " but ", segs, " segments"));
  return b;
}

// An IP header as the TTL rule identifies it: the fields a router leaves alone.
struct IpId {
  uint8_t family;
  uint8_t proto;
  uint16_t id;  // IPv4
  uint8_t src[16];
  uint8_t dst[16];
  uint8_t ttl;
  bool Same(const IpId& o) const {
    return family == o.family && proto == o.proto && id == o.id &&
           std::memcmp(src, o.src, 16) == 0 && std::memcmp(dst, o.dst, 16) == 0;
  }
};

inline bool ParseId(const uint8_t* p, size_t n, IpId* out) {
  if (n < 1) return false;
  IpId id{};
  if ((p[0] >> 4) == 4 && n >= 20) {
    id.family = 4;
    id.proto = p[9];
    id.id = Get16(p + 4);
    std::memcpy(id.src, p + 12, 4);
    std::memcpy(id.dst, p + 16, 4);
    id.ttl = p[8];
  } else if ((p[0] >> 4) == 6 && n >= 40) {
    id.family = 6;
    id.proto = p[6];
    std::memcpy(id.src, p + 8, 16);
    std::memcpy(id.dst, p + 24, 16);
    id.ttl = p[7];
  } else {
    return false;
  }
  *out = id;
  return true;
}

// The IP headers an input frame carries (after Ethernet; and the inner one of IPIP / SIT), the
// ones a forwarded copy can be recognised by.
inline void InputIds(const uint8_t* f, size_t n, std::vector<IpId>* ids) {
  if (n < 14) return;
  IpId o;
  if (!ParseId(f + 14, n - 14, &o)) return;
  ids->push_back(o);
  const size_t hl = o.family == 4 ? (f[14] & 0x0f) * 4u : 40;
  if ((o.proto == 4 || o.proto == 41) && hl >= 20 && n > 14 + hl) {
    IpId i;
    if (ParseId(f + 14 + hl, n - 14 - hl, &i)) ids->push_back(i);
  }
}

class FrameChecker {
 public:
  // `is_local(family, addr)`: an address of the gateway (what it originates comes from those).
  // The IP packet at `off` of `f`; with `eth`, `f` is a frame with its Ethernet header at 0
  // (off 14); `depth` 1 is a packet the gateway encapsulated.
  template <class IsLocal>
  void Check(const Bytes& f, size_t off, uint16_t port, const std::vector<IpId>& inputs,
             IsLocal&& is_local, const char* what, bool eth = true, int depth = 0) {
    what_ = what;
    if (eth && depth == 0) {
      FUZZ_CHECK(port < kPorts, Where(absl::StrCat("egress port ", port)));
      FUZZ_CHECK(f.size() >= 14, Where("shorter than Ethernet"));
      FUZZ_CHECK(std::memcmp(f.data() + 6, kPortMac[port], 6) == 0,
                 Where("Ethernet source is not the egress port's MAC"));
      const uint16_t et = Get16(f.data() + 12);
      FUZZ_CHECK(et == 0x0800 || et == 0x86dd, Where(absl::StrFormat("ethertype %04x", et)));
    }
    const uint8_t* ip = f.data() + off;
    const size_t n = f.size() - off;
    FUZZ_CHECK(n >= 20, Where("no IP header"));
    const bool v4 = (ip[0] >> 4) == 4;
    if (eth && depth == 0) FUZZ_CHECK(v4 == (Get16(f.data() + 12) == 0x0800), Where("version vs ethertype"));
    size_t hl;
    uint8_t proto;
    if (v4) {
      hl = (ip[0] & 0x0f) * 4u;
      FUZZ_CHECK(hl >= 20 && hl <= n, Where("IHL"));
      FUZZ_CHECK(OnesSum(ip, hl) == 0xffff, Where("IPv4 header checksum"));
      FUZZ_CHECK(Get16(ip + 2) == n, Where(absl::StrCat("IPv4 total length ", Get16(ip + 2),
                                                        " but ", n, " bytes")));
      proto = ip[9];
    } else {
      FUZZ_CHECK((ip[0] >> 4) == 6, Where("IP version"));
      FUZZ_CHECK(n >= 40, Where("IPv6 header cut"));
      FUZZ_CHECK(Get16(ip + 4) + 40u == n, Where(absl::StrCat("IPv6 payload length ",
                                                              Get16(ip + 4), " but ", n, " bytes")));
      hl = 40;
      proto = ip[6];
    }
    IpId me;
    ParseId(ip, n, &me);
    bool known = false;
    bool ok = false;
    for (const IpId& in : inputs) {
      if (!me.Same(in)) continue;
      known = true;
      ok |= me.ttl + 1 == in.ttl;
    }
    // What the gateway originates (echo replies, ICMP errors) starts afresh.
    const bool originated = (proto == 1 || proto == 58) && is_local(me.family, me.src);
    if (known && !originated) {
      FUZZ_CHECK(ok, Where(absl::StrCat("TTL/hop limit ", me.ttl,
                                        " is not one less than when it arrived")));
      return;  // forwarded as it came: what it carries is its own business
    }
    // A header the gateway wrote: what it carries must be whole too (encapsulation).
    if (v4 && (proto == 4 || proto == 41) && depth == 0 && n > hl && !originated) {
      const bool frag = (Get16(ip + 6) & 0x3fff) != 0;
      if (!frag) Check(f, off + hl, port, inputs, is_local, what, eth, 1);
    }
  }

 private:
  std::string Where(const std::string& s) const { return absl::StrCat(what_, ": ", s); }
  const char* what_ = "";
};

}  // namespace gw::fuzz
