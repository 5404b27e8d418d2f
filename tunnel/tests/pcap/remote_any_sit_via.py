"""`remote any` sit tunnel: an IPv6 route's `via` is the IPv4 outer destination.

    route add 2001:db8:5::/64 via 10.65.132.190 dev sit0 onlink
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.65.132.191 lladdr 52:54:00:00:00:91 dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add sit0 mode sit remote any local 10.65.132.187
link set sit0 up
route add 2001:db8:5::/64 via 10.65.132.190 dev sit0 onlink
route add 2001:db8:6::/64 via 10.65.132.191 dev sit0 onlink
"""
PORTS = 2

TO_5 = ping6(HOST6, "2001:db8:5::7", hlim=64, seq=1)
TO_6 = ping6(HOST6, "2001:db8:6::9", hlim=64, seq=2)
FROM_6 = ping6("2001:db8:6::9", HOST6, hlim=64, seq=2, reply=True)


def send():
    return [
        (1, to_gw(1, HOST_MAC, TO_5)),
        (1, to_gw(1, HOST_MAC, TO_6)),
        (0, to_gw(0, PEER4_MAC, ipip(FROM_6, PEER4, GW, ttl=64))),
    ]


def expect():
    return {
        0: [
            from_gw(0, PEER3_MAC, ipip(routed(TO_5), GW, PEER3, ttl=63)),
            from_gw(0, PEER4_MAC, ipip(routed(TO_6), GW, PEER4, ttl=63)),
        ],
        1: [from_gw(1, HOST_MAC, routed(FROM_6))],
    }


DROPS = {}
