// ICMP errors about the tunnel's own outer packets (RFC 2003 section 4, RFC 4213 3.4; Linux's
// ipip_err / ipip6_err), registered in dataplane/features.h for quoted protocols 4 and 41. Written
// once for any outer family (Outer: outer4.h), like encap and decap.
//   Enters: an ICMP error addressed to the gateway, its checksum verified, the quoted outer header
//   whole in the quote (dataplane/icmp.h, IcmpErrorIn).
//   Ours, or icmp_refused: the ICMP's destination is the quoted source (a tunnel's local
//   address), the quoted destination is a unicast remote, and (quoted destination, quoted source)
//   names a tunnel as decap looks one up (exact pair, then `remote any`), which carries the quoted
//   protocol. So nobody can lower a path MTU or make us relay without quoting the outer header of
//   a tunnel packet we could have sent.
//   Fragmentation needed (3/4): the path MTU. An MTU above the one known for that remote (the
//   one learned, else the ingress port's MTU), or a path MTU already locked: icmp_handled, as
//   Linux ignores them (__ip_rt_update_pmtu). Otherwise the message goes to the control thread
//   (punt kPmtu), which learns it, publishes it in the tunnel's fields and expires it (the
//   tunnel's control part: tunnel/control/pmtu.cc). Nothing here writes a table.
//   Relayed to the inner source (RFC 2003 4), when the quote holds the inner header and 8 bytes
//   of what follows it: destination unreachable codes 0-2 and 6-15 become host unreachable (3/1)
//   for an IPv4 inner, address unreachable (ICMPv6 1/3) for an IPv6 inner (Linux's sit); time
//   exceeded in transit (11/0) becomes host unreachable for IPv4 (RFC 2003 4.4), ICMPv6 time
//   exceeded (3/0) for IPv6 (Linux's sit). The error quotes the inner packet as far as the
//   router quoted it and is sent like any ICMP error of ours (IcmpError4/6: from our address,
//   rate-limited by the worker's token bucket, never about an ICMP error): event icmp_relayed.
//   The received message itself is counted icmp_handled, as a packet answered with an error is
//   counted under its reason.
//   Everything else about our packets (port unreachable, source route failed, source quench,
//   redirect, parameter problem, reassembly time exceeded, a quote too short): icmp_handled.
#pragma once

#include <cstdint>

#include "dataplane/ctx.h"
#include "dataplane/icmp.h"
#include "dataplane/walk.h"
#include "tunnel/datapath/outer4.h"

namespace gw::dp {

template <class Outer>
struct TunnelIcmpError {
  static constexpr bool Serves(uint8_t quoted_proto) noexcept {
    return quoted_proto == IPPROTO_IPIP || quoted_proto == IPPROTO_IPV6;
  }

  // Destination unreachable and time exceeded that RFC 2003 4 relays (port unreachable: MUST
  // NOT; fragmentation needed: the path MTU; source route failed: ours alone).
  static constexpr bool Relayed(uint8_t type, uint8_t code) noexcept {
    if (type == 3) return code <= 2 || (code >= 6 && code <= 15);
    return type == 11 && code == 0;
  }

  static uint16_t Input(Ctx& ctx, rte_mbuf* m, const IcmpErrorIn& e) noexcept {
    using Addr = typename Outer::Addr;
    const auto* ip = rte_pktmbuf_mtod(m, const typename Outer::Header*);
    const auto* q = rte_pktmbuf_mtod_offset(m, const typename Outer::Header*, e.quote_off);
    const Addr local = Outer::SentLocal(q);
    const Addr remote = Outer::SentRemote(q);
    if (Outer::Local(ip) != local || !Outer::IsUnicast(remote))
      return Dropped(ctx, Drop::icmp_refused);
    uint32_t id;
    TunnelView tun;
    if (!Outer::LookupPeer(ctx, remote, local, &id) ||
        !ctx.t->tunnels.Read(ctx.tunnel.tl, id, &tun))
      return Dropped(ctx, Drop::icmp_refused);
    const uint8_t proto = Outer::Proto(q);
    if (!(tun.carries() & (proto == IPPROTO_IPIP ? kCarryIpv4 : kCarryIpv6)))
      return Dropped(ctx, Drop::icmp_refused);

    if (e.type == 3 && e.code == 4) return FragNeeded(ctx, m, id, tun, remote, e.mtu);
    if (!Relayed(e.type, e.code)) return Dropped(ctx, Drop::icmp_handled);
    return Relay(ctx, m, e, Outer::Length(q), proto);
  }

 private:
  // The path MTU known toward `remote` (learned, else the ingress port's MTU) decides whether the
  // control thread needs to see it.
  static uint16_t FragNeeded(Ctx& ctx, rte_mbuf* m, uint32_t id, const TunnelView& tun,
                             typename Outer::Addr remote, uint16_t mtu) noexcept {
    uint16_t known = m->port < RTE_MAX_ETHPORTS
                         ? ctx.t->ports[m->port].mtu.load(std::memory_order_relaxed)
                         : uint16_t{0xffff};
    bool locked = false;
    if (tun.remote_any()) {
      uint16_t learned;
      if (Outer::PathMtu(ctx, id, remote, &learned, &locked)) known = learned;
    } else if (tun.pmtu() != 0) {
      known = tun.pmtu();
      locked = tun.pmtu_locked();
    }
    if (mtu > known || locked) return Dropped(ctx, Drop::icmp_handled);
    PuntMeta meta{};
    meta.kind = PuntKind::kPmtu;
    meta.port = m->port;
    return Punt(ctx, m, meta);
  }

  // The quoted inner packet, as far as the quote goes, answered in place with the relayed error.
  static uint16_t Relay(Ctx& ctx, rte_mbuf* m, const IcmpErrorIn& e, uint32_t qhlen,
                        uint8_t proto) noexcept {
    ctx.c->CountDrop(Drop::icmp_handled);
    const uint32_t off = e.quote_off + qhlen;
    const uint32_t len = e.quote_len - qhlen;
    if (len < sizeof(rte_ipv4_hdr)) return kDropped;
    const auto* inner = rte_pktmbuf_mtod_offset(m, const uint8_t*, off);
    const bool v4 = proto == IPPROTO_IPIP;
    const uint32_t hlen = v4 ? (inner[0] & 0x0fu) * 4 : uint32_t{sizeof(rte_ipv6_hdr)};
    if ((inner[0] >> 4) != (v4 ? 4 : 6) || hlen < sizeof(rte_ipv4_hdr) || len < hlen + 8)
      return kDropped;
    rte_pktmbuf_adj(m, static_cast<uint16_t>(off));
    TrimTo(m, len);
    // IcmpError4/6 count icmp_errors once the error is built and on its way (not when the rate
    // limit, the inner source or the route stop it).
    const uint64_t& sent = ctx.c->events[static_cast<size_t>(Event::icmp_errors)];
    const uint64_t before = dp::Read(sent);
    const uint16_t out = v4             ? IcmpError4(ctx, m, 3, 1, 0)
                         : e.type == 11 ? IcmpError6(ctx, m, 3, 0, 0)
                                        : IcmpError6(ctx, m, 1, 3, 0);
    if (dp::Read(sent) != before) ctx.c->Count(Event::icmp_relayed);
    return out;
  }
};

}  // namespace gw::dp
