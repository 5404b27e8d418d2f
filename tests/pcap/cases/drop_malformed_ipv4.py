"""Malformed IPv4 packets, each wrong in exactly one way (header checksums are otherwise valid),
all sent to port1's MAC with a destination that would be forwarded:

- truncated: frames shorter than an Ethernet header, and IPv4 frames with fewer than 20 bytes of IP;
- bad_version: ethertype IPv4 but version 6 (a patched IPv4 header, and a whole IPv6 packet);
- bad_ihl: IHL 4, IHL 0, IHL 15 with total length 40, IHL 5 with total length 16 (IHL*4 > length);
- bad_length: total length beyond the frame (by a lot, and by one byte);
- bad_checksum: a wrong header checksum, and a zero one.
A valid packet (control) is forwarded.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
route add 192.0.2.0/24 via 10.65.132.1 dev port0
"""
PORTS = 2

CONTROL = ping4(HOST, "192.0.2.10", id=0x0B01, seq=1)
GOOD = bytes(ping4(HOST, "192.0.2.10", id=0x0B02, seq=2))      # 60 bytes of IPv4


def patched(b, **kw):
    """GOOD with header bytes changed, checksum recomputed over the first 20 bytes."""
    b = bytearray(b)
    for off, val in kw.get("set", {}).items():
        b[off] = val
    if "length" in kw:
        b[2:4] = kw["length"].to_bytes(2, "big")
    return fix_ipv4_checksum(bytes(b[:20])) + bytes(b[20:])


def ihl15_len40():
    # 60-byte header (40 bytes of NOP options) claiming a total length of 40, then 8 more bytes.
    hdr = bytearray(GOOD[:20])
    hdr[0] = 0x4F
    hdr[2:4] = (40).to_bytes(2, "big")
    hdr += b"\x01" * 40
    return fix_ipv4_checksum(bytes(hdr)) + bytes(8)


def bad_checksum(b, value):
    b = bytearray(b)
    b[10:12] = value.to_bytes(2, "big")
    return bytes(b)


GOOD_CSUM = int.from_bytes(GOOD[10:12], "big")

MALFORMED = {
    "truncated": [
        raw_frame(P1_MAC, HOST_MAC, 0, b"")[:10],            # shorter than Ethernet
        raw_frame(P1_MAC, HOST_MAC, 0x0800, b"")[:13],       # ethertype cut in half
        raw_frame(P1_MAC, HOST_MAC, 0x0800, b""),            # no IP at all
        raw_frame(P1_MAC, HOST_MAC, 0x0800, GOOD[:19]),      # 19 bytes of IPv4
    ],
    "bad_version": [
        raw_frame(P1_MAC, HOST_MAC, 0x0800, patched(GOOD, set={0: 0x65})),
        raw_frame(P1_MAC, HOST_MAC, 0x0800, bytes(ping6(HOST6, "2001:db8:ffff::1", seq=3))),
    ],
    "bad_ihl": [
        raw_frame(P1_MAC, HOST_MAC, 0x0800, patched(GOOD, set={0: 0x44})),
        raw_frame(P1_MAC, HOST_MAC, 0x0800, patched(GOOD, set={0: 0x40})),
        raw_frame(P1_MAC, HOST_MAC, 0x0800, ihl15_len40()),
        raw_frame(P1_MAC, HOST_MAC, 0x0800, patched(GOOD[:28], length=16)),
    ],
    "bad_length": [
        raw_frame(P1_MAC, HOST_MAC, 0x0800, patched(GOOD, length=200)),
        raw_frame(P1_MAC, HOST_MAC, 0x0800, patched(GOOD, length=61)),
    ],
    "bad_checksum": [
        raw_frame(P1_MAC, HOST_MAC, 0x0800, bad_checksum(GOOD, GOOD_CSUM ^ 0x00FF)),
        raw_frame(P1_MAC, HOST_MAC, 0x0800, bad_checksum(GOOD, 0 if GOOD_CSUM not in (0, 0xFFFF) else 0x1234)),
    ],
}


def send():
    frames = [to_gw(1, HOST_MAC, CONTROL)]
    for group in MALFORMED.values():
        frames += group
    return [(1, f) for f in frames]


def expect():
    return {0: [from_gw(0, UL_ROUTER_MAC, routed(CONTROL))]}


DROPS = {reason: len(frames) for reason, frames in MALFORMED.items()}
