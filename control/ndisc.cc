// IPv6 Neighbour Discovery (RFC 4861) on the control thread: Neighbour Solicitations for the
// gateway's addresses answered with Advertisements, the source link-layer option learned, NAs
// learned from, and the solicitations that resolve an IPv6 next hop (Resolver::Solicit).
#include <cstring>

#include "control/resolver.h"
#include "dataplane/packet/checksum.h"
#include "dataplane/packet/ip.h"
#include "dataplane/packet/ndisc.h"

namespace gw::ctl {

namespace {

using dp::kNdNa;
using dp::kNdNs;
constexpr uint8_t kOptSourceLl = dp::kNdOptSourceLl;
constexpr uint8_t kOptTargetLl = dp::kNdOptTargetLl;

IpAddr V6(const uint8_t* b) {
  IpAddr a;
  a.family = 6;
  std::memcpy(a.b.data(), b, 16);
  return a;
}

}  // namespace

void Resolver::HandleNdisc(rte_mbuf* m, uint16_t port) {
  const auto* ip = rte_pktmbuf_mtod(m, const rte_ipv6_hdr*);
  const auto* h = rte_pktmbuf_mtod_offset(m, const uint8_t*, sizeof(rte_ipv6_hdr));
  const uint32_t len = m->pkt_len - static_cast<uint32_t>(sizeof(rte_ipv6_hdr));
  // Options (RFC 4861 4.6): type, length in units of 8 bytes (0 is invalid).
  std::optional<uint64_t> lladdr;
  const uint8_t want = h[0] == kNdNs ? kOptSourceLl : kOptTargetLl;
  for (uint32_t off = 24; off + 2 <= len;) {
    const uint32_t olen = h[off + 1] * 8u;
    if (olen == 0 || off + olen > len) {
      c_.CountDrop(dp::Drop::bad_ndisc);
      rte_pktmbuf_free(m);
      return;
    }
    if (h[off] == want && olen >= 8) lladdr = MacAt(h + off + 2);
    off += olen;
  }
  const IpAddr target = V6(h + 8);
  if (h[0] == kNdNa) {
    c_.Count(dp::Event::punt_absorbed);
    if (!lladdr || !Learn(port, target, *lladdr, false)) c_.Count(dp::Event::arp_ignored);
    rte_pktmbuf_free(m);
    return;
  }
  // A solicitation for one of our addresses (the worker checked): advertise.
  const bool dad = dp::IsUnspecified6(ip->src_addr);
  if (dad && lladdr) {  // RFC 4861 7.1.1: no source link-layer option from ::
    c_.CountDrop(dp::Drop::bad_ndisc);
    rte_pktmbuf_free(m);
    return;
  }
  c_.Count(dp::Event::punt_absorbed);
  const IpAddr requester = V6(ip->src_addr);
  if (!dad && lladdr) Learn(port, requester, *lladdr, true);
  uint64_t dst_mac;
  if (lladdr) {
    dst_mac = *lladdr;
  } else {
    const auto* eth = rte_pktmbuf_mtod_offset(m, const rte_ether_hdr*,
                                              -static_cast<int>(sizeof(rte_ether_hdr)));
    dst_mac = MacAt(&eth->src_addr);
  }
  uint8_t dst_ip[16];
  if (dad) {
    static constexpr uint8_t kAllNodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                              0,    0,    0, 0, 0, 0, 0, 1};
    std::memcpy(dst_ip, kAllNodes, 16);
    static constexpr uint8_t kAllNodesMac[6] = {0x33, 0x33, 0, 0, 0, 1};
    dst_mac = MacAt(kAllNodesMac);
  } else {
    std::memcpy(dst_ip, ip->src_addr, 16);
  }
  rte_pktmbuf_free(m);
  // Router, Solicited (not for DAD), Override.
  if (SendNd(port, kNdNa, dad ? 0xa0 : 0xe0, target.b.data(), dst_ip, dst_mac, target.b.data(),
             kOptTargetLl))
    c_.Count(dp::Event::nd_adverts);
}

void Resolver::SolicitNd(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac) {
  const std::optional<IpAddr> src = gw_.SourceFor(port, target);
  // RFC 4861 7.2.2: to the solicited-node address ff02::1:ffXX:XXXX (MAC 33:33:ff:XX:XX:XX),
  // or to the target itself when probing a known neighbour. From :: (no address of ours) there is
  // no source link-layer option (RFC 4861 4.3).
  const uint8_t* t = target.b.data();
  const uint8_t solicited[16] = {0xff, 0x02, 0,    0,    0,     0,     0,     0,
                                 0,    0,    0,    0x01, 0xff, t[13], t[14], t[15]};
  const uint8_t solicited_mac[6] = {0x33, 0x33, 0xff, t[13], t[14], t[15]};
  static constexpr uint8_t kUnspecified[16] = {};
  if (SendNd(port, kNdNs, 0, src ? src->b.data() : kUnspecified,
             unicast_mac != nullptr ? t : solicited,
             unicast_mac != nullptr ? *unicast_mac : MacAt(solicited_mac), t,
             src ? kOptSourceLl : 0))
    c_.Count(dp::Event::nd_solicits);
}

// One Neighbour Solicitation or Advertisement: Ethernet, IPv6 (hop limit 255), the message with
// `flags` in its first reserved byte, `target`, and our link-layer address as option `opt` (0:
// none). False if the pool had no mbuf for it (counted no_mbuf).
bool Resolver::SendNd(uint16_t port, uint8_t type, uint8_t flags, const uint8_t* src,
                      const uint8_t* dst, uint64_t dst_mac, const uint8_t* target, uint8_t opt) {
  rte_mbuf* m = Alloc();
  if (m == nullptr) return false;
  const uint16_t icmp_len = opt != 0 ? 32 : 24;
  auto* o = reinterpret_cast<rte_ipv6_hdr*>(
      rte_pktmbuf_append(m, sizeof(rte_ipv6_hdr) + icmp_len));
  o->vtc_flow = rte_cpu_to_be_32(6u << 28);
  o->payload_len = rte_cpu_to_be_16(icmp_len);
  o->proto = IPPROTO_ICMPV6;
  o->hop_limits = dp::kNdHopLimit;
  std::memcpy(o->src_addr, src, 16);
  std::memcpy(o->dst_addr, dst, 16);
  auto* nd = reinterpret_cast<uint8_t*>(o + 1);
  std::memset(nd, 0, icmp_len);
  nd[0] = type;
  nd[4] = flags;
  std::memcpy(nd + 8, target, 16);
  if (opt != 0) {
    nd[24] = opt;
    nd[25] = 1;
    rte_ether_addr_copy(&dp_.tables().ports[port].mac, reinterpret_cast<rte_ether_addr*>(nd + 26));
  }
  const uint16_t ck = dp::Icmp6Checksum(m);
  std::memcpy(nd + 2, &ck, 2);
  SendWithMac(m, port, dst_mac, RTE_ETHER_TYPE_IPV6);
  return true;
}

}  // namespace gw::ctl
