"""no_neighbour: the packet is routed but its next hop has no static neighbour entry.
- a `via` next hop without an entry; a connected IPv4 host and a connected IPv6 host without one;
- a tunnel whose remote has no neighbour entry (the outer cannot be sent);
- a decapsulated packet for a LAN host without an entry.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2


def send():
    return [
        (1, to_gw(1, HOST_MAC, ping4(HOST, "192.0.2.10", id=0x0F01, seq=1))),
        (0, to_gw(0, UL_ROUTER_MAC, ping4("192.0.2.10", "10.10.100.50", id=0x0F02, seq=2))),
        (1, to_gw(1, HOST_MAC, ping6(HOST6, "2001:db8:100::50", seq=3))),
        (1, to_gw(1, HOST_MAC, ping4(HOST, REMOTE, id=0x0F04, seq=4))),
        (0, to_gw(0, PEER_MAC, ipip(ping4(REMOTE, HOST, id=0x0F05, seq=5), PEER, GW, ttl=64))),
    ]


def expect():
    return {}


DROPS = {"no_neighbour": 5}
