"""Reassembly in any order: IPIP packets to the gateway in 3 outer fragments each, arriving out of
order (3,1,2), reversed (3,2,1), and two packets' fragments interleaved, are reassembled,
decapsulated and their inners forwarded whole (TTL - 1), each as soon as its last missing
fragment arrives.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.10.100.3 lladdr 52:54:00:00:01:03 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
"""
PORTS = 2

A = ping4(REMOTE, HOST, id=0x5501, seq=1, size=1372)      # inner 1400
B = udp4(REMOTE, HOST2, id=0x5502, seq=2, size=972)       # inner 1000
C = ping4(REMOTE, HOST, id=0x5503, seq=3, size=600)
D = ping4(REMOTE, HOST2, id=0x5504, seq=4, size=600)


def frags(inner, oid, cuts):
    return split4(ipip(inner, PEER, GW, ttl=64, df=False, id=oid), cuts)


FA = frags(A, 0x7101, [464, 936])
FB = frags(B, 0x7102, [320, 640])
FC = frags(C, 0x7103, [200, 400])
FD = frags(D, 0x7104, [200, 400])
ORDER = [FA[2], FA[0], FA[1],                       # A complete
         FB[2], FB[1], FB[0],                       # B complete
         FC[1], FD[2], FC[0], FD[0], FD[1],         # D complete
         FC[2]]                                     # C complete


def send():
    return [(0, to_gw(0, PEER_MAC, f)) for f in ORDER]


def expect():
    mac = {HOST: HOST_MAC, HOST2: HOST2_MAC}
    return {1: [from_gw(1, mac[p.dst], routed(p)) for p in (A, B, D, C)]}


DROPS = {}
EVENTS = {"reassembled": 4}
