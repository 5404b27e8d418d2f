"""A big ping6 to the gateway (RFC 8200 4.5): the LAN host's stack sends a 3048-byte ICMPv6 echo
request (3000 bytes of data) as 3 fragments of 1448, 1448 and 112 payload bytes behind a
fragment header (MTU 1500); the gateway reassembles it, answers with a 3048-byte echo reply, and
— as its source, since routers do not fragment IPv6 but hosts do — fragments the reply to port1's
MTU like Linux: 1448 + 1448 + 112 payload bytes, M on the first two, one identification chosen
by the gateway (taken from the actual frames, required to be the same in the three fragments and
different between the two replies). Twice: fragments in order, then in reverse order.
"""
from lib import *

CONFIG = """\
addr add 2001:db8:100::1/64 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2

REQ = [ping6(HOST6, GW_LAN6, seq=1, size=3000), ping6(HOST6, GW_LAN6, seq=2, size=3000, tc=0x20)]


def send():
    f1 = frag6(REQ[0], 1500, id=0x0a0b0c0d)
    f2 = frag6(REQ[1], 1500, id=0x0a0b0c0e)
    return [(1, to_gw(1, HOST_MAC, f)) for f in f1 + f2[::-1]]


def expect():
    out = []
    for r in REQ:
        out += [GenId(from_gw(1, HOST_MAC, f), which=(), frag6=True)
                for f in frag6(echo_reply6(r), 1500)]
    return {1: out}


DROPS = {}
EVENTS = {"reassembled": 2, "icmp_echo_replies": 2, "fragmented": 2, "fragments_out": 6}


def check(actual, stats):
    out = actual[1]
    fails = []
    ids = []
    for k in range(0, min(len(out), 6), 3):
        got = {bytes(IPv6(f[14:])[IPv6ExtHdrFragment])[4:8] for f in out[k:k + 3]}
        if len(got) != 1:
            fails.append(f"port1: the fragments #{k}..#{k + 2} of one echo reply have ids {sorted(got)}")
        ids.append(got)
    if len(ids) == 2 and ids[0] == ids[1]:
        fails.append("port1: the two echo replies' fragments share one identification")
    return fails
