"""Underlay MTU: an outer packet larger than the egress port's MTU is dropped as mtu_exceeded.

port0's MTU is lowered to 1400 after the tunnel exists: a 1380-byte inner makes a 1400-byte outer
and passes, a 1381-byte inner (1401-byte outer) is dropped - whether gatewayd checks it against
the port MTU or derives a 1380 tunnel MTU from it, the result is the same.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
link set port0 mtu 1400
"""
PORTS = 2


def packets():
    for seq, size in enumerate((1380, 1381, 1200), 1):
        for p in (ip_sized(HOST, REMOTE, size, df=True, id=0x0500 + seq, seq=seq),
                  ip6_sized(HOST6, REMOTE6, size, seq=seq)):
            exp = from_gw(0, PEER_MAC, ipip(routed(p), GW, PEER, ttl=63)) if size <= 1380 else None
            yield to_gw(1, HOST_MAC, p), exp


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets() if e is not None]}


DROPS = {"mtu_exceeded": 2}
