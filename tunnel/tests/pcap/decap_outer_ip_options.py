"""Decapsulation honours the outer IHL: an outer IPv4 header carrying options (IHL 6, four NOPs)
is stripped whole, as Linux's ipip_rcv does (it pulls ip_hdrlen bytes)."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
"""
PORTS = 2

INNER = ping4(REMOTE, HOST, ttl=64, id=0x7101, seq=1, reply=True)


def send():
    outer = IP(src=PEER, dst=GW, ttl=64, id=0, flags="DF", proto=4, options=[IPOption_NOP()] * 4)
    assert outer.copy().__class__(bytes(outer / INNER)).ihl == 6
    return [(0, to_gw(0, PEER_MAC, outer / INNER))]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(INNER))]}


DROPS = {}
