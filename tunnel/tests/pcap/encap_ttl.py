"""Outer TTL on encapsulation.

- ttl inherit (the default, and when written explicitly): outer TTL = inner TTL / hop limit after
  the router's decrement;
- ttl 64: outer TTL is 64 whatever the inner.
The inner always loses exactly one.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
tunnel add tdef mode any remote 10.65.132.188 local 10.65.132.187
tunnel add tinh mode any remote 10.65.132.189 local 10.65.132.187 ttl inherit
tunnel add tfix mode any remote 10.65.132.190 local 10.65.132.187 ttl 64
link set tdef up
link set tinh up
link set tfix up
route add 10.10.200.0/24 dev tdef
route add 2001:db8:200::/64 dev tdef
route add 10.10.201.0/24 dev tinh
route add 2001:db8:201::/64 dev tinh
route add 10.10.202.0/24 dev tfix
route add 2001:db8:202::/64 dev tfix
"""
PORTS = 2

# tunnel name -> (IPv4 destination, IPv6 destination, remote, remote MAC, fixed TTL or None)
TUNNELS = [
    ("tdef", "10.10.200.2", "2001:db8:200::2", PEER, PEER_MAC, None),
    ("tinh", "10.10.201.2", "2001:db8:201::2", PEER2, PEER2_MAC, None),
    ("tfix", "10.10.202.2", "2001:db8:202::2", PEER3, PEER3_MAC, 64),
]
TTLS = [64, 2, 255, 100]


def packets():
    """(frame sent on port1, expected frame on port0)"""
    seq = 0
    for _name, dst4, dst6, remote, remote_mac, fixed in TUNNELS:
        for ttl in TTLS:
            seq += 1
            for p in (ping4(HOST, dst4, ttl=ttl, id=0xA000 + seq, seq=seq),
                      ping6(HOST6, dst6, hlim=ttl, seq=seq)):
                inner = routed(p)
                outer_ttl = fixed if fixed is not None else hop_limit(inner)
                yield (to_gw(1, HOST_MAC, p),
                       from_gw(0, remote_mac, ipip(inner, GW, remote, ttl=outer_ttl)))


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets()]}


DROPS = {}
