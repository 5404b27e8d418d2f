"""Decapsulation over the IPv6 underlay (RFC 2473, Linux ip6tnl): IPv4-in-IPv6 (next header 4)
and IPv6-in-IPv6 (41) addressed to the gateway's underlay address from a configured remote, with
or without a destination options header carrying the encapsulation limit in front (a receiver
takes both, whatever its own `encaplimit`). The inner is routed as if received (one hop: TTL /
hop limit one lower) and the outer ECN applied as RFC 6040 says: outer CE over an ECT inner marks
it CE. The outer hop limit does not matter (the packet is for the gateway).
"""
from lib import *

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
{NEIGH_LAN}tunnel add t6 mode any remote {PEER6} local {GW6_UL}
link set t6 up
"""
PORTS = 2

V4 = [ping4(REMOTE, HOST, id=0x6401 + i, seq=i, reply=True) for i in range(4)]
V6 = [ping6(REMOTE6, HOST6, seq=10 + i, reply=True) for i in range(4)]


def cases():
    """(outer packet, expected inner as it leaves)"""
    yield ip6tnl(V4[0], PEER6, GW6_UL, hlim=64), routed(V4[0])
    yield ip6tnl(V4[1], PEER6, GW6_UL, hlim=1, encaplimit=None), routed(V4[1])
    yield ip6tnl(V6[0], PEER6, GW6_UL, hlim=64, encaplimit=3), routed(V6[0])
    yield ip6tnl(V6[1], PEER6, GW6_UL, hlim=200, tc=0xb8, encaplimit=None), routed(V6[1])
    # RFC 6040: outer CE, inner ECT(0) → inner CE; outer ECT(1), inner Not-ECT → unchanged.
    e4 = with_ecn(V4[2], ECT0)
    yield ip6tnl(e4, PEER6, GW6_UL, hlim=64, tc=CE), routed(with_ecn(e4, CE))
    e6 = with_ecn(V6[2], ECT1)
    yield ip6tnl(e6, PEER6, GW6_UL, hlim=64, tc=CE, encaplimit=None), routed(with_ecn(e6, CE))
    yield ip6tnl(V6[3], PEER6, GW6_UL, hlim=64, tc=ECT1), routed(V6[3])


def send():
    return [(0, to_gw(0, PEER_MAC, o)) for o, _ in cases()]


def expect():
    return {1: [from_gw(1, HOST_MAC, i) for _, i in cases()]}


DROPS = {}
