"""The decapsulated inner packet is checked like a received one:
truncated (10 bytes of inner), bad_version (proto 4 carrying version 6), bad_ihl, bad_length
(IPv4 total length and IPv6 payload length beyond the outer payload), bad_checksum, and
not_for_us (multicast inner destination). Each outer header is itself valid.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
"""
PORTS = 2

OK = ping4(REMOTE, HOST, id=0x1801, seq=1, reply=True)
GOOD4 = bytes(ping4(REMOTE, HOST, id=0x1802, seq=2))       # 60 bytes
GOOD6 = bytes(ping6(REMOTE6, HOST6, seq=3))                # 80 bytes


def patched4(b, first=None, length=None, csum=None):
    b = bytearray(b)
    if first is not None:
        b[0] = first
    if length is not None:
        b[2:4] = length.to_bytes(2, "big")
    out = bytearray(fix_ipv4_checksum(bytes(b[:20])) + bytes(b[20:]))
    if csum is not None:
        out[10:12] = csum.to_bytes(2, "big")
    return bytes(out)


def with_plen(b, plen):
    b = bytearray(b)
    b[4:6] = plen.to_bytes(2, "big")
    return bytes(b)


def outer(inner_bytes, proto):
    return to_gw(0, PEER_MAC, IP(src=PEER, dst=GW, ttl=64, flags="DF", id=0, proto=proto) / Raw(inner_bytes))


BAD = {
    "truncated": [outer(GOOD4[:10], 4)],
    "bad_version": [outer(GOOD6, 4)],
    "bad_ihl": [outer(patched4(GOOD4, first=0x44), 4)],
    "bad_length": [outer(patched4(GOOD4, length=120), 4), outer(with_plen(GOOD6, 41), 41)],
    "bad_checksum": [outer(patched4(GOOD4, csum=int.from_bytes(GOOD4[10:12], "big") ^ 0x8000), 4)],
    "not_for_us": [to_gw(0, PEER_MAC, ipip(udp4(REMOTE, "239.1.2.3", id=0x1803), PEER, GW, ttl=64))],
}


def send():
    frames = [to_gw(0, PEER_MAC, ipip(OK, PEER, GW, ttl=64))]
    for group in BAD.values():
        frames += group
    return [(0, f) for f in frames]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(OK))]}


DROPS = {reason: len(v) for reason, v in BAD.items()}
