"""Hub hairpin through one `remote any` tunnel (NBMA hub): a packet decapsulated from node .190 whose
inner destination routes back into the same tunnel, via node .191, is re-encapsulated to .191.
Linux forwards it the same way (ip_forward allows leaving by the arrival device). TTL - 1 once."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.65.132.191 lladdr 52:54:00:00:00:91 dev port0
tunnel add tunl0 mode ipip remote any local 10.65.132.187
link set tunl0 up
route add 10.244.5.0/24 via 10.65.132.190 dev tunl0 onlink
route add 10.244.6.0/24 via 10.65.132.191 dev tunl0 onlink
"""
PORTS = 2

P = ping4("10.244.5.7", "10.244.6.9", ttl=64, id=0x1901, seq=1)
Q = udp4("10.244.6.9", "10.244.5.7", ttl=20, id=0x1902, df=True, size=300, seq=2)


def send():
    return [(0, to_gw(0, PEER3_MAC, ipip(P, PEER3, GW, ttl=64))),
            (0, to_gw(0, PEER4_MAC, ipip(Q, PEER4, GW, ttl=64)))]


def expect():
    return {0: [from_gw(0, PEER4_MAC, ipip(routed(P), GW, PEER4, ttl=63)),
                from_gw(0, PEER3_MAC, ipip(routed(Q), GW, PEER3, ttl=19))]}


DROPS = {}
