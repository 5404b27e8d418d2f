"""Outer TOS on encapsulation, for every inner ECN codepoint, IPv4 and IPv6 inner.

- tos 0x10: outer TOS = 0x10 (DSCP bits) | inner ECN;
- tos inherit: outer TOS = the whole inner TOS / traffic-class byte;
- default (tos 0): outer TOS = inner ECN only.
ECN is copied in RFC 6040 normal mode: an inner CE gives an outer CE.
(Linux's INET_ECN_encapsulate would write ECT(0) for an inner CE; the gatewayd spec follows
RFC 6040 and copies CE.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
tunnel add tfix mode any remote 10.65.132.188 local 10.65.132.187 tos 0x10
tunnel add tinh mode any remote 10.65.132.189 local 10.65.132.187 tos inherit
tunnel add tdef mode any remote 10.65.132.190 local 10.65.132.187
link set tfix up
link set tinh up
link set tdef up
route add 10.10.200.0/24 dev tfix
route add 2001:db8:200::/64 dev tfix
route add 10.10.201.0/24 dev tinh
route add 2001:db8:201::/64 dev tinh
route add 10.10.202.0/24 dev tdef
route add 2001:db8:202::/64 dev tdef
"""
PORTS = 2


def outer_tos(kind, inner_tos):
    if kind == "fix":
        return 0x10 | (inner_tos & 3)
    if kind == "inh":
        return inner_tos
    return inner_tos & 3


TUNNELS = [
    ("fix", "10.10.200.2", "2001:db8:200::2", PEER, PEER_MAC),
    ("inh", "10.10.201.2", "2001:db8:201::2", PEER2, PEER2_MAC),
    ("def", "10.10.202.2", "2001:db8:202::2", PEER3, PEER3_MAC),
]
DSCPS = [0x00, 0xb8]          # best effort, EF


def packets():
    seq = 0
    for kind, dst4, dst6, remote, remote_mac in TUNNELS:
        for dscp in DSCPS:
            for ecn in (NOT_ECT, ECT1, ECT0, CE):
                seq += 1
                tos = dscp | ecn
                for p in (ping4(HOST, dst4, ttl=64, id=0xB000 + seq, tos=tos, seq=seq),
                          ping6(HOST6, dst6, hlim=64, tc=tos, seq=seq)):
                    inner = routed(p)
                    yield (to_gw(1, HOST_MAC, p),
                           from_gw(0, remote_mac,
                                   ipip(inner, GW, remote, ttl=63, tos=outer_tos(kind, tos))))


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets()]}


DROPS = {}
