"""IPv4 without DF above the egress MTU (port0's MTU 700) is fragmented as Linux's ip_fragment
cuts it: every fragment carries (700 - 20) & ~7 = 680 payload bytes except the last (the rest),
the same id, MF on all but the last, offsets in 8-byte units, TTL decremented, a valid checksum.
- 701 bytes -> 700 + 21; 1500 bytes -> 700 + 700 + 140 (680 + 680 + 120 payload);
- a received first fragment (MF, offset 0) of 1000 bytes -> two fragments, both with MF (more of
  the original follows);
- a received last fragment (offset 200, MF clear) of 1200 bytes -> offsets 200 and 285, the
  first with MF, the last without;
- exactly 700 bytes without DF: forwarded whole.
(Every input frame fits a 1500-byte link.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
link set port0 mtu 700
"""
PORTS = 2
MTU = 700
FAR = "192.0.2.10"


def as_fragment(ip, mf, offset):
    """ip (no DF) turned into a fragment of a larger packet: flags/offset rewritten."""
    b = bytearray(bytes(ip))
    b[6:8] = ((0x2000 if mf else 0) | offset).to_bytes(2, "big")
    return IP(fix_ipv4_checksum(bytes(b[:20])) + bytes(b[20:]))


PKTS = [
    ip_sized(HOST, FAR, 701, df=False, id=0x5101, seq=1),
    ip_sized(HOST, FAR, 1500, df=False, id=0x5102, seq=2),
    as_fragment(ip_sized(HOST, FAR, 1000, df=False, id=0x5103, seq=3), mf=True, offset=0),
    as_fragment(ip_sized(HOST, FAR, 1200, df=False, id=0x5104, seq=4), mf=False, offset=200),
    ip_sized(HOST, FAR, 700, df=False, id=0x5105, seq=5),
]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in PKTS]


def expect():
    out = []
    for p in PKTS:
        r = routed(p)
        out += [from_gw(0, UL_ROUTER_MAC, f) for f in (frag4(r, MTU) if len(r) > MTU else [r])]
    return {0: out}


DROPS = {}
EVENTS = {"fragmented": 4, "fragments_out": 2 + 3 + 2 + 2, "icmp_errors": 0}
