"""Malformed IPv6 packets sent to port1's MAC with a destination that would be forwarded:
- truncated: fewer than 40 bytes of IPv6;
- bad_version: ethertype IPv6 carrying an IPv4 packet;
- bad_length: 40 + payload length beyond the frame (by 60 bytes, and by one).
A valid packet (control) is forwarded.
"""
from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
"""
PORTS = 2

CONTROL = ping6(HOST6, "2001:db8:ffff::10", seq=1)
GOOD = bytes(udp6(HOST6, "2001:db8:ffff::10", size=32, seq=2))     # payload length 40


def with_plen(b, plen):
    b = bytearray(b)
    b[4:6] = plen.to_bytes(2, "big")
    return bytes(b)


MALFORMED = {
    "truncated": [raw_frame(P1_MAC, HOST_MAC, 0x86DD, GOOD[:39])],
    "bad_version": [raw_frame(P1_MAC, HOST_MAC, 0x86DD, bytes(ping4(HOST, "192.0.2.10", id=0x0C01, seq=3)))],
    "bad_length": [raw_frame(P1_MAC, HOST_MAC, 0x86DD, with_plen(GOOD, 100)),
                   raw_frame(P1_MAC, HOST_MAC, 0x86DD, with_plen(GOOD, 41))],
}


def send():
    frames = [to_gw(1, HOST_MAC, CONTROL)]
    for group in MALFORMED.values():
        frames += group
    return [(1, f) for f in frames]


def expect():
    return {0: [from_gw(0, UL_ROUTER_MAC, routed(CONTROL))]}


DROPS = {reason: len(frames) for reason, frames in MALFORMED.items()}
