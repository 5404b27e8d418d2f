"""Reassembly of tunnel packets (RFC 791; Linux reassembles before ipip/sit_rcv): IPIP and 6in4
packets to the gateway that the peer's stack fragmented (outer DF clear, a non-zero id) are put
back together, then decapsulated and the inner forwarded whole (TTL - 1) to the LAN:
- a 4in4 packet in 2 outer fragments (cut after 680 bytes of outer payload);
- a 6in4 packet in 2 outer fragments;
- a small 4in4 packet cut after 16 bytes, inside the inner IPv4 header.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
"""
PORTS = 2

# (inner, outer id, cuts in the outer payload)
SETS = [
    (ping4(REMOTE, HOST, id=0x5401, seq=1, size=1300), 0x7001, [680]),
    (ping6(REMOTE6, HOST6, seq=2, size=1200), 0x7002, [800]),
    (udp4(REMOTE, HOST, id=0x5403, seq=3, size=32), 0x7003, [16]),
]


def send():
    out = []
    for inner, oid, cuts in SETS:
        outer = ipip(inner, PEER, GW, ttl=64, df=False, id=oid)
        out += [(0, to_gw(0, PEER_MAC, f)) for f in split4(outer, cuts)]
    return out


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(inner)) for inner, _, _ in SETS]}


DROPS = {}
EVENTS = {"reassembled": len(SETS)}
