"""`remote any` (NBMA) tunnel with per-route outer destinations: Calico's pattern

    ip tunnel add tunl0 mode ipip remote any local 10.65.132.187
    ip route add 10.244.5.0/24 via 10.65.132.190 dev tunl0 onlink

The outer destination is the route's `via`; each node's neighbour MAC is used on the underlay.
Packets from any node to the local address are decapsulated (lookup (any, local) matches).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.65.132.191 lladdr 52:54:00:00:00:91 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tunl0 mode ipip remote any local 10.65.132.187
link set tunl0 up
route add 10.244.5.0/24 via 10.65.132.190 dev tunl0 onlink
route add 10.244.6.0/24 via 10.65.132.191 dev tunl0 onlink
"""
PORTS = 2

TO_5 = ping4(HOST, "10.244.5.7", ttl=64, id=0x9001, seq=1)
TO_6 = udp4(HOST, "10.244.6.9", ttl=64, id=0x9002, df=True, size=120, seq=2)
TO_5B = ping4(HOST, "10.244.5.8", ttl=7, id=0x9003, seq=3)
FROM_5 = ping4("10.244.5.7", HOST, ttl=64, id=0x9101, seq=1, reply=True)
FROM_6 = udp4("10.244.6.9", HOST, ttl=64, id=0x9102, size=120, seq=2)


def send():
    return [
        (1, to_gw(1, HOST_MAC, TO_5)),
        (1, to_gw(1, HOST_MAC, TO_6)),
        (1, to_gw(1, HOST_MAC, TO_5B)),
        (0, to_gw(0, PEER3_MAC, ipip(FROM_5, PEER3, GW, ttl=64))),
        (0, to_gw(0, PEER4_MAC, ipip(FROM_6, PEER4, GW, ttl=64))),
    ]


def expect():
    return {
        0: [
            from_gw(0, PEER3_MAC, ipip(routed(TO_5), GW, PEER3, ttl=63)),
            from_gw(0, PEER4_MAC, ipip(routed(TO_6), GW, PEER4, ttl=63)),
            from_gw(0, PEER3_MAC, ipip(routed(TO_5B), GW, PEER3, ttl=6)),
        ],
        1: [
            from_gw(1, HOST_MAC, routed(FROM_5)),
            from_gw(1, HOST_MAC, routed(FROM_6)),
        ],
    }


DROPS = {}
