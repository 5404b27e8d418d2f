// The flow a received frame belongs to, as a 32-bit hash, for spreading packets over the workers
// (spread.h). A tunnel packet (IPv4 protocol 4/41, IPv6 next header 4/41, or 60 then 4/41) is
// hashed by its inner packet, since all of one tunnel's packets carry the same outer addresses
// and a NIC's RSS puts them on one queue; any other IP packet, in SpreadMode::kAll, by its own.
//
// What is hashed (CRC32C, SSE4.2, over the header fields in wire order):
//   source and destination address, protocol (IPv6: the next header), and the two port numbers
//   for TCP, UDP, UDP-Lite and SCTP when the packet is not a fragment and they are in the first
//   segment. A fragment hashes without ports (a later fragment has none), so all fragments of a
//   datagram go to one worker and its reassembly table; as with RSS, the fragments of a flow may
//   take another worker than its whole packets.
// A packet is never spread (kLocal: the receiving worker walks it) when it is not IP, is shorter
// than the headers read, or — in kTunnel mode — is not a tunnel packet, or is an outer fragment
// (it is reassembled where it arrived). The walk then drops or handles it as usual: nothing here
// decides a packet's fate, only which worker walks it.
#pragma once

#include <rte_hash_crc.h>

#include <cstdint>
#include <cstring>

#include "dataplane/dpdk.h"
#include "spread/datapath/plan.h"

namespace gw::spread {

inline constexpr uint64_t kLocal = UINT64_MAX;  // FlowHash: walk it here

namespace internal {

inline constexpr uint8_t kProtoIpip = 4, kProtoIpv6 = 41, kProtoTcp = 6, kProtoUdp = 17,
                         kProtoDestOpts = 60, kProtoSctp = 132, kProtoUdpLite = 136;
inline constexpr uint32_t kSeed = 0x9e3779b9u;

inline bool HasPorts(uint8_t proto) noexcept {
  return proto == kProtoTcp || proto == kProtoUdp || proto == kProtoSctp ||
         proto == kProtoUdpLite;
}

inline uint32_t Load32(const uint8_t* p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline uint64_t Load64(const uint8_t* p) noexcept {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

// `ip` .. `end`: an IPv4 header. Hash, or kLocal if it is not whole.
inline uint64_t Hash4(const uint8_t* ip, const uint8_t* end) noexcept {
  if (end - ip < 20 || (ip[0] >> 4) != 4) return kLocal;
  const uint32_t ihl = (ip[0] & 0xfu) * 4u;
  if (ihl < 20 || end - ip < static_cast<ptrdiff_t>(ihl)) return kLocal;
  const uint8_t proto = ip[9];
  uint32_t h = rte_hash_crc_8byte(Load64(ip + 12), kSeed);  // source, destination
  const bool fragment = (Load32(ip + 4) & rte_cpu_to_be_32(0x3fff)) != 0;  // MF or offset
  if (!fragment && HasPorts(proto) && end - ip >= static_cast<ptrdiff_t>(ihl + 4))
    h = rte_hash_crc_4byte(Load32(ip + ihl), h);
  return rte_hash_crc_1byte(proto, h);
}

// `ip` .. `end`: an IPv6 header.
inline uint64_t Hash6(const uint8_t* ip, const uint8_t* end) noexcept {
  if (end - ip < 40 || (ip[0] >> 4) != 6) return kLocal;
  const uint8_t nh = ip[6];
  uint32_t h = rte_hash_crc_8byte(Load64(ip + 8), kSeed);
  h = rte_hash_crc_8byte(Load64(ip + 16), h);
  h = rte_hash_crc_8byte(Load64(ip + 24), h);
  h = rte_hash_crc_8byte(Load64(ip + 32), h);
  if (HasPorts(nh) && end - ip >= 44) h = rte_hash_crc_4byte(Load32(ip + 40), h);
  return rte_hash_crc_1byte(nh, h);
}

// The inner packet of protocol `proto` (4: IPv4, 41: IPv6) at `p`.
inline uint64_t HashInner(uint8_t proto, const uint8_t* p, const uint8_t* end) noexcept {
  return proto == kProtoIpip ? Hash4(p, end) : Hash6(p, end);
}

}  // namespace internal

// The flow hash of the `len` bytes of a frame at `p` (Ethernet first) under `mode`, or kLocal.
// Reads nothing outside them.
inline uint64_t FlowHashFrame(const uint8_t* p, uint32_t len, SpreadMode mode) noexcept {
  using namespace internal;
  const uint8_t* end = p + len;
  if (len < sizeof(rte_ether_hdr)) return kLocal;
  const uint16_t type = reinterpret_cast<const rte_ether_hdr*>(p)->ether_type;
  const uint8_t* ip = p + sizeof(rte_ether_hdr);
  if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
    if (end - ip < 20 || (ip[0] >> 4) != 4) return kLocal;
    const uint8_t proto = ip[9];
    const bool fragment = (Load32(ip + 4) & rte_cpu_to_be_32(0x3fff)) != 0;
    if ((proto == kProtoIpip || proto == kProtoIpv6) && !fragment) {
      const uint64_t h = HashInner(proto, ip + (ip[0] & 0xfu) * 4u, end);
      if (h != kLocal || mode == SpreadMode::kTunnel) return h;
    }
    return mode == SpreadMode::kAll ? Hash4(ip, end) : kLocal;
  }
  if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
    if (end - ip < 40 || (ip[0] >> 4) != 6) return kLocal;
    uint8_t nh = ip[6];
    const uint8_t* inner = ip + 40;
    if (nh == kProtoDestOpts && end - inner >= 8) {  // the encapsulation limit option (RFC 2473)
      const ptrdiff_t len = (inner[1] + 1) * 8;
      nh = end - inner >= len ? inner[0] : kProtoDestOpts;
      if (nh != kProtoDestOpts) inner += len;
    }
    if (nh == kProtoIpip || nh == kProtoIpv6) {
      const uint64_t h = HashInner(nh, inner, end);
      if (h != kLocal || mode == SpreadMode::kTunnel) return h;
    }
    return mode == SpreadMode::kAll ? Hash6(ip, end) : kLocal;
  }
  return kLocal;
}

// The same for a received mbuf: its first segment only.
inline uint64_t FlowHash(const rte_mbuf* m, SpreadMode mode) noexcept {
  return FlowHashFrame(rte_pktmbuf_mtod(m, const uint8_t*), m->data_len, mode);
}

// Which of `n` workers a hash belongs to. CRC32C is linear: a bit of the key that never reaches
// the top bits (ports or addresses differing only in their low bits) would never change the
// worker, so the hash is mixed first (MurmurHash3's finalizer, every input bit reaching every
// output bit), then multiply-shift maps it onto n without a division, evenly for any n.
inline uint16_t WorkerOf(uint32_t hash, uint16_t n) noexcept {
  hash ^= hash >> 16;
  hash *= 0x85ebca6bu;
  hash ^= hash >> 13;
  hash *= 0xc2b2ae35u;
  hash ^= hash >> 16;
  return static_cast<uint16_t>((uint64_t{hash} * n) >> 32);
}

}  // namespace gw::spread
