"""A big ping to the gateway: the LAN host's stack sends a 3028-byte echo request (3000 bytes of
data) as 3 fragments (1480 + 1480 + 48 payload bytes, MTU 1500); the gateway reassembles it,
answers with a 3028-byte echo reply (DF clear), and fragments the reply to port1's MTU 1500 like
Linux: 1500 + 1500 + 68 bytes (1480, 1480, 48 payload), MF on the first two, one id (chosen by
the gateway: taken from the actual frames, and required to be the same in the three fragments).
Twice: fragments in order, then in reverse order.
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 10.65.132.187/24 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2

REQ = [ping4(HOST, GW_LAN, id=0x5601, seq=1, size=3000),
       ping4(HOST, GW_LAN, id=0x5602, seq=2, size=3000, tos=0x10)]


def send():
    f1 = split4(REQ[0], [1480, 2960])
    f2 = split4(REQ[1], [1480, 2960])
    return [(1, to_gw(1, HOST_MAC, f)) for f in f1 + f2[::-1]]


def expect():
    out = []
    for r in REQ:
        out += [GenId(from_gw(1, HOST_MAC, f)) for f in frag4(echo_reply4(r), 1500)]
    return {1: out}


DROPS = {}
EVENTS = {"reassembled": 2, "icmp_echo_replies": 2, "fragmented": 2, "fragments_out": 6}


def check(actual, stats):
    out = actual[1]
    fails = []
    for k in range(0, min(len(out), 6), 3):
        ids = {IP(f[14:]).id for f in out[k:k + 3]}
        if len(ids) != 1:
            fails.append(f"port1: the fragments #{k}..#{k + 2} of one echo reply have ids {sorted(ids)}")
    return fails
