// ARP (RFC 826) on the control thread: requests for the gateway's addresses answered in their
// own buffer, replies and announcements learned from (arp_accept=0: only entries we have), and
// the requests that resolve an IPv4 next hop (Resolver::Solicit).
#include <cstring>

#include "control/resolver.h"

namespace gw::ctl {

void Resolver::HandleArp(rte_mbuf* m, uint16_t port) {
  c_.Count(dp::Event::punt_absorbed);  // (learned from, answered in its own buffer, or ignored)
  auto* a = rte_pktmbuf_mtod(m, rte_arp_hdr*);
  const uint32_t sip = a->arp_data.arp_sip;
  const uint32_t tip = a->arp_data.arp_tip;
  const uint64_t sha = MacAt(&a->arp_data.arp_sha);
  const IpAddr sender = IpAddr::V4(sip);
  if (rte_be_to_cpu_16(a->arp_opcode) == RTE_ARP_OP_REPLY) {
    if (sip == 0 || !Learn(port, sender, sha, false)) c_.Count(dp::Event::arp_ignored);
    rte_pktmbuf_free(m);
    return;
  }
  // A request. Gratuitous (sender = target): refreshes an entry we have, nothing else.
  if (sip == tip) {
    if (!Learn(port, sender, sha, false)) c_.Count(dp::Event::arp_ignored);
    rte_pktmbuf_free(m);
    return;
  }
  if (sip != 0) Learn(port, sender, sha, true);  // (0.0.0.0: an address probe, RFC 5227)
  // The reply, in the request's own buffer (without the frame's padding).
  if (m->pkt_len > sizeof(rte_arp_hdr))
    rte_pktmbuf_trim(m, static_cast<uint16_t>(m->pkt_len - sizeof(rte_arp_hdr)));
  const rte_ether_addr& mine = dp_.tables().ports[port].mac;
  a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
  a->arp_data.arp_tha = a->arp_data.arp_sha;
  a->arp_data.arp_tip = sip;
  rte_ether_addr_copy(&mine, &a->arp_data.arp_sha);
  a->arp_data.arp_sip = tip;
  c_.Count(dp::Event::arp_replies);
  SendWithMac(m, port, sha, RTE_ETHER_TYPE_ARP);
}

void Resolver::SolicitArp(uint16_t port, const IpAddr& target, const uint64_t* unicast_mac) {
  const rte_ether_addr& mine = dp_.tables().ports[port].mac;
  const std::optional<IpAddr> src = gw_.SourceFor(port, target);
  rte_mbuf* m = Alloc();
  if (m == nullptr) return;
  auto* a = reinterpret_cast<rte_arp_hdr*>(rte_pktmbuf_append(m, sizeof(rte_arp_hdr)));
  a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
  a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
  a->arp_hlen = 6;
  a->arp_plen = 4;
  a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
  rte_ether_addr_copy(&mine, &a->arp_data.arp_sha);
  a->arp_data.arp_sip = src ? src->v4_be() : 0;
  std::memset(&a->arp_data.arp_tha, 0, 6);
  a->arp_data.arp_tip = target.v4_be();
  c_.Count(dp::Event::arp_requests);
  static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  SendWithMac(m, port, unicast_mac != nullptr ? *unicast_mac : MacAt(kBroadcast),
              RTE_ETHER_TYPE_ARP);
}

}  // namespace gw::ctl
