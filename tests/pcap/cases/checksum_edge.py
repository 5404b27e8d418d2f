"""IPv4 checksum edge: packets chosen so that the correct checksum after the gateway's change is
0x0000. An incremental update done the RFC 1141 way can give 0xFFFF there; RFC 1624 (and Linux's
ip_decrease_ttl) give 0x0000, which is also what a full recomputation gives. Covers:
  - forwarding (TTL - 1),
  - encapsulation (outer header built from a template, TTL and length patched),
  - decapsulation with CE marking (TOS and TTL of the inner changed).
The packets are found by a deterministic search at import time.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2


def chk(p):
    return IP(bytes(p)).chksum


def words_sum(hdr):
    """One's-complement sum of a header's 16-bit words, checksum field taken as 0."""
    hdr = bytearray(hdr[:20])
    hdr[10:12] = b"\0\0"
    s = sum((hdr[i] << 8) | hdr[i + 1] for i in range(0, 20, 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def id_for_zero_checksum(after):
    """The id that makes the header `after` (built with id 0) checksum to 0x0000: the other words
    must sum, with the id, to 0xFFFF."""
    return (0xFFFF - words_sum(bytes(after))) & 0xFFFF


def find_forward():
    p = udp4(HOST, "192.0.2.10", ttl=64, id=0, size=20)
    return udp4(HOST, "192.0.2.10", ttl=64, id=id_for_zero_checksum(routed(p)), size=20)


def find_encap():
    # Outer header words: 0x4500, length, id 0, 0x4000 (DF), ttl<<8 | 4, addresses.
    base = words_sum(bytes(ipip(IP(), GW, PEER, ttl=0)))   # ttl 0, length 20+20: adjust below
    for inner_len in range(28, 1400):
        for ttl in range(1, 255):   # outer TTL = inner TTL after the decrement
            s = base - 40 + (20 + inner_len) + (ttl << 8)
            while s >> 16:
                s = (s & 0xFFFF) + (s >> 16)
            if s == 0xFFFF:
                return udp4(HOST, REMOTE, ttl=ttl + 1, id=0x4000, df=True, size=inner_len - 28)
    raise AssertionError("no encap edge packet")


def find_decap_ce():
    p = udp4(REMOTE, HOST, ttl=64, id=0, tos=ECT0, size=20)
    return udp4(REMOTE, HOST, ttl=64, id=id_for_zero_checksum(with_ecn(routed(p), CE)), tos=ECT0, size=20)


FWD = find_forward()
ENC = find_encap()
DEC = find_decap_ce()


def send():
    return [
        (1, to_gw(1, HOST_MAC, FWD)),
        (1, to_gw(1, HOST_MAC, ENC)),
        (0, to_gw(0, PEER_MAC, ipip(DEC, PEER, GW, ttl=64, tos=CE))),
    ]


def expect():
    enc = routed(ENC)
    out0 = [from_gw(0, UL_ROUTER_MAC, routed(FWD)),
            from_gw(0, PEER_MAC, ipip(enc, GW, PEER, ttl=enc.ttl))]
    out1 = [from_gw(1, HOST_MAC, with_ecn(routed(DEC), CE))]
    assert chk(out0[0][IP]) == 0 and chk(out0[1][IP]) == 0 and chk(out1[0][IP]) == 0
    return {0: out0, 1: out1}


DROPS = {}
