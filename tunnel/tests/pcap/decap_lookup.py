"""Decapsulation lookup: the tunnel is found by (outer src, outer dst) first, then by
(remote any, outer dst); nothing else is accepted.

  tunA: mode ipip, remote 10.65.132.188, local 10.65.132.187
  tunW: mode any,  remote any,           local 10.65.132.187
- from .188 (IPv4 inner): exact match tunA -> decapsulated;
- from .188 (IPv6 inner): exact match tunA wins over the wildcard even though tunA cannot carry
  IPv6 -> mode_mismatch;
- from .189 (IPv4 and IPv6 inner): no exact match, wildcard tunW -> decapsulated;
- from .188 to 10.10.100.1 (also a gateway address, but no tunnel has it as local) -> unknown_peer.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tunA mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tunW mode any remote any local 10.65.132.187
link set tunA up
link set tunW up
"""
PORTS = 2

A4 = ping4(REMOTE, HOST, id=0x0701, seq=1, reply=True)
A6 = ping6(REMOTE6, HOST6, seq=2, reply=True)
B4 = ping4("10.10.201.2", HOST, id=0x0703, seq=3, reply=True)
B6 = ping6("2001:db8:201::2", HOST6, seq=4, reply=True)
C4 = ping4(REMOTE, HOST, id=0x0705, seq=5, reply=True)


def send():
    return [
        (0, to_gw(0, PEER_MAC, ipip(A4, PEER, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(A6, PEER, GW, ttl=64))),       # mode_mismatch
        (0, to_gw(0, PEER2_MAC, ipip(B4, PEER2, GW, ttl=64))),
        (0, to_gw(0, PEER2_MAC, ipip(B6, PEER2, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(C4, PEER, GW_LAN, ttl=64))),   # unknown_peer
    ]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(p)) for p in (A4, B4, B6)]}


DROPS = {"mode_mismatch": 1, "unknown_peer": 1}
