"""`mode any` carries both IPv4 (outer proto 4) and IPv6 (outer proto 41) in one tunnel."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun0 mode any remote 10.65.132.188 local 10.65.132.187
link set tun0 up
route add 10.10.200.0/24 dev tun0
route add 2001:db8:200::/64 dev tun0
"""
PORTS = 2

PKTS = [
    ping4(HOST, REMOTE, ttl=64, id=0x2001, seq=1),
    ping6(HOST6, REMOTE6, hlim=64, seq=2),
    udp4(HOST, REMOTE, ttl=33, id=0x2002, df=True, size=100, seq=3),
    udp6(HOST6, REMOTE6, hlim=17, size=100, seq=4),
]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in PKTS]


def expect():
    out = []
    for p in PKTS:
        inner = routed(p)
        out.append(from_gw(0, PEER_MAC, ipip(inner, GW, PEER, ttl=hop_limit(inner), tos=0, df=True, id=0)))
    return {0: out}


DROPS = {}
