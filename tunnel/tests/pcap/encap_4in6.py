"""4in6 encapsulation (RFC 2473, Linux ip6tnl `mode ipip6`) with ip6tnl's defaults.

An IPv4 LAN packet routed into an ipip6 tunnel gets an outer IPv6 header: flow label 0, traffic
class 0 with the inner ECN bits (RFC 6040), hop limit 64 (iproute2's default), source the local,
destination the remote, then (encaplimit 4, the default) a destination options header with the
tunnel encapsulation limit option: next header 60, then [4, 0, 0x04, 0x01, 4, 0x01, 0x01, 0x00].
The inner TTL is one lower. The underlay neighbour is a static IPv6 entry on port0.
A burst of 63 packets exercises the x4 and leftover paths.
"""
from lib import *

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.10.100.1/24 dev port1
neigh add {PEER6} lladdr {PEER_MAC} dev port0
{NEIGH_LAN}tunnel add t46 mode ipip6 remote {PEER6} local {GW6_UL}
link set t46 up
route add 10.10.200.0/24 dev t46
"""
PORTS = 2

PKTS = [
    ping4(HOST, REMOTE, ttl=64, id=0x4601, seq=1),
    udp4(HOST, "10.10.200.77", ttl=5, id=0x4602, df=True, size=500, seq=2),
    ping4(HOST, REMOTE, ttl=255, tos=0xb8, id=0x4603, seq=3),               # DSCP EF, Not-ECT: tc 0
    with_ecn(ping4(HOST, REMOTE, tos=0x28, id=0x4604, seq=4), ECT0),       # tc 0 | ECT(0)
    with_ecn(ping4(HOST, REMOTE, id=0x4605, seq=5), CE),                   # CE copied (RFC 6040)
] + [udp4(HOST, REMOTE, id=0x4700 + i, size=20 + i, seq=i) for i in range(58)]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in PKTS]


def expect():
    out = []
    for p in PKTS:
        inner = routed(p)
        out.append(from_gw(0, PEER_MAC, ip6tnl(inner, GW6_UL, PEER6, hlim=64, tc=inner.tos & 3)))
    return {0: out}


DROPS = {}
