"""Hairpin: a packet decapsulated from one tunnel whose inner destination routes into another tunnel
is re-encapsulated and goes back out the underlay port.

The inner TTL/hop limit drops by exactly one for the whole crossing, and the new outer TTL
(ttl inherit) is that decremented value. ECN: the arriving outer is CE over an ECT(0) inner, so the
decapsulated inner becomes CE (RFC 6040), and the new outer copies it (tos 0 | CE).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
tunnel add tun2 mode any remote 10.65.132.189 local 10.65.132.187
link set tun1 up
link set tun2 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
route add 10.10.201.0/24 dev tun2
route add 2001:db8:201::/64 dev tun2
"""
PORTS = 2

A_TO_B = ping4(REMOTE, REMOTE_B, ttl=64, id=0x8001, seq=1)
B_TO_A = udp4(REMOTE_B, REMOTE, ttl=30, id=0x8002, df=True, size=200, seq=2)
A_TO_B6 = ping6(REMOTE6, REMOTE6_B, hlim=64, seq=3)
ECN_A_TO_B = ping4(REMOTE, REMOTE_B, ttl=64, id=0x8004, tos=0x20 | ECT0, seq=4)


def send():
    return [
        (0, to_gw(0, PEER_MAC, ipip(A_TO_B, PEER, GW, ttl=64))),
        (0, to_gw(0, PEER2_MAC, ipip(B_TO_A, PEER2, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(A_TO_B6, PEER, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(ECN_A_TO_B, PEER, GW, ttl=64, tos=CE))),
    ]


def expect():
    a_b, b_a, a_b6 = routed(A_TO_B), routed(B_TO_A), routed(A_TO_B6)
    ecn = with_ecn(routed(ECN_A_TO_B), CE)
    return {0: [
        from_gw(0, PEER2_MAC, ipip(a_b, GW, PEER2, ttl=63)),
        from_gw(0, PEER_MAC, ipip(b_a, GW, PEER, ttl=29)),
        from_gw(0, PEER2_MAC, ipip(a_b6, GW, PEER2, ttl=63)),
        from_gw(0, PEER2_MAC, ipip(ecn, GW, PEER2, ttl=63, tos=CE)),
    ]}


DROPS = {}
