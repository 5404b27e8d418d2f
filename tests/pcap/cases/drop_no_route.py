"""no_route: nothing matches the destination (there is no default route).
- plain IPv4 and IPv6 destinations with no route;
- a decapsulated inner whose destination has no route;
- an encapsulated packet whose outer destination (the tunnel remote 10.99.0.1) has no underlay
  route. (The spec says the outer is 'routed in the underlay' but does not name this drop;
  no_route is assumed.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tfar mode ipip remote 10.99.0.1 local 10.65.132.187
link set tun1 up
link set tfar up
route add 10.10.200.0/24 dev tun1
route add 10.10.201.0/24 dev tfar
"""
PORTS = 2


def send():
    return [
        (1, to_gw(1, HOST_MAC, ping4(HOST, "198.51.100.1", id=0x0E01, seq=1))),
        (1, to_gw(1, HOST_MAC, ping6(HOST6, "2001:db8:dead::1", seq=2))),
        (0, to_gw(0, PEER_MAC, ipip(ping4(REMOTE, "198.51.100.1", id=0x0E03, seq=3), PEER, GW, ttl=64))),
        (1, to_gw(1, HOST_MAC, ping4(HOST, REMOTE_B, id=0x0E04, seq=4))),
    ]


def expect():
    return {}


DROPS = {"no_route": 4}
