"""Hop limits through an ip6tnl tunnel (as Linux: the router hop is on the inner packet):
- an inner IPv6 packet with hop limit 1 routed into the tunnel is not encapsulated: ICMPv6 time
  exceeded (code 0) back to its source from port1's first IPv6 address (ttl_exceeded); an IPv4
  inner with TTL 1 gets ICMP time exceeded the same way;
- hop limit 2 leaves with 1: t66 (`hoplimit inherit`) gives the outer hop limit 1 too;
- t67 (`hoplimit 1`): every outer header has hop limit 1 whatever the inner's.
"""
from lib import *

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add {PEER6} lladdr {PEER_MAC} dev port0
neigh add {PEER6_2} lladdr {PEER2_MAC} dev port0
{NEIGH_LAN}tunnel add t66 mode any remote {PEER6} local {GW6_UL} hoplimit inherit
tunnel add t67 mode ip6ip6 remote {PEER6_2} local {GW6_UL} hoplimit 1
link set t66 up
link set t67 up
route add 2001:db8:200::/64 dev t66
route add 10.10.200.0/24 dev t66
route add 2001:db8:201::/64 dev t67
"""
PORTS = 2

EXPIRED6 = ping6(HOST6, REMOTE6, hlim=1, seq=1)
EXPIRED4 = ping4(HOST, REMOTE, ttl=1, id=0x6602, seq=2)
LAST6 = ping6(HOST6, REMOTE6, hlim=2, seq=3)
LAST4 = ping4(HOST, REMOTE, ttl=2, id=0x6604, seq=4)
FIXED = ping6(HOST6, REMOTE6_B, hlim=200, seq=5)


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in (EXPIRED6, EXPIRED4, LAST6, LAST4, FIXED)]


def expect():
    return {
        1: [from_gw(1, HOST_MAC, time_exceeded6(GW_LAN6, EXPIRED6)),
            GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, EXPIRED4)))],
        0: [from_gw(0, PEER_MAC, ip6tnl(routed(LAST6), GW6_UL, PEER6, hlim=1)),
            from_gw(0, PEER_MAC, ip6tnl(routed(LAST4), GW6_UL, PEER6, hlim=1)),
            from_gw(0, PEER2_MAC, ip6tnl(routed(FIXED), GW6_UL, PEER6_2, hlim=1))],
    }


DROPS = {"ttl_exceeded": 2}
EVENTS = {"icmp_errors": 2}
