"""Plain forwarding above the egress MTU (port0's MTU is 1400): a 1400-byte IPv4 (DF) or IPv6
packet is forwarded; a 1401- or 1500-byte one is dropped as mtu_exceeded and its source gets
- IPv4 with DF: ICMP fragmentation needed (RFC 792 3/4, RFC 1191: next-hop MTU 1400), from
  port1's first address, TTL 64, TOS 0xc0, quoting 548 bytes of the packet as received (TTL 64);
- IPv6: ICMPv6 packet too big (RFC 4443 3.2, MTU 1400), from port1's first IPv6 address,
  hop limit 64, quoting the packet as received up to 1280 bytes in all.
IPv4 without DF is fragmented instead: frag_plain.py.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
link set port0 mtu 1400
"""
PORTS = 2
MTU = 1400


def packets():
    for seq, size in enumerate((1400, 1401, 1500), 1):
        yield ip_sized(HOST, "192.0.2.10", size, df=True, id=0x0600 + seq, seq=seq)
        yield ip6_sized(HOST6, "2001:db8:ffff::10", size, seq=seq)


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in packets()]


def expect():
    fwd, err = [], []
    for p in packets():
        if len(p) <= MTU:
            fwd.append(from_gw(0, UL_ROUTER_MAC, routed(p)))
        elif isinstance(p, IP):
            err.append(GenId(from_gw(1, HOST_MAC, frag_needed4(GW_LAN, p, MTU))))
        else:
            err.append(from_gw(1, HOST_MAC, packet_too_big6(GW_LAN6, p, MTU)))
    return {0: fwd, 1: err}


DROPS = {"mtu_exceeded": 4}
EVENTS = {"icmp_errors": 4, "fragmented": 0}
