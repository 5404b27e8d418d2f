"""6in4 decapsulation (sit) to a LAN port: the inner IPv6 packet leaves port1 with hop limit - 1,
traffic class and flow label untouched."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add sit1 mode sit remote 10.65.132.188 local 10.65.132.187
link set sit1 up
route add 2001:db8:200::/64 dev sit1
"""
PORTS = 2

INNER = [
    ping6(REMOTE6, HOST6, hlim=64, seq=1, reply=True),
    udp6(REMOTE6, HOST6, hlim=9, tc=0x28, size=900, seq=2),
    IPv6(src=REMOTE6, dst=HOST6, hlim=64, fl=0xabcde) / UDP(sport=1, dport=2) / payload(10, 3),
    IPv6(src=REMOTE6, dst=HOST6, hlim=2, nh=59),      # bare header; leaves with hop limit 1
]


def send():
    frames = [to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64)) for p in INNER]
    return [(0, f) for f in frames]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(p)) for p in INNER]}


DROPS = {}
