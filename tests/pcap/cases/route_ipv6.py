"""Plain IPv6 forwarding between ports, through a `via` route and to connected hosts.

Hop limit - 1; traffic class, flow label, extension headers and payload untouched; padding of a
short frame removed; a packet arriving with hop limit 2 leaves with 1.
"""
from scapy.layers.inet6 import IPv6ExtHdrFragment

from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::3 lladdr 52:54:00:00:01:03 dev port1
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
"""
PORTS = 2

FAR = "2001:db8:ffff::10"
HOST6_2 = "2001:db8:100::3"

OUT = [
    ping6(HOST6, FAR, hlim=64, seq=1),                                 # via route
    ping6(HOST6, UL_ROUTER6, hlim=64, seq=2),                          # connected
    udp6(HOST6, FAR, hlim=2, tc=0xb9, size=1452, seq=3),               # leaves with hop limit 1, 1500 bytes
    IPv6(src=HOST6, dst=FAR, hlim=64, fl=0x12345) / TCP(sport=1, dport=2, flags="S"),
]
IN = [
    ping6(FAR, HOST6, hlim=64, seq=1, reply=True),
    IPv6(src=FAR, dst=HOST6_2, hlim=64, nh=59),                         # 54-byte frame, padded to 60
    IPv6(src=FAR, dst=HOST6, hlim=64) / IPv6ExtHdrFragment(id=77, m=1, offset=0) / UDP(sport=5, dport=5) / payload(40),
]


def send():
    frames = [(1, to_gw(1, HOST_MAC, p)) for p in OUT]
    for p in IN:
        f = to_gw(0, UL_ROUTER_MAC, p)
        if len(f) < 60:
            f = f / Padding(b"\0" * (60 - len(f)))
        frames.append((0, f))
    return frames


def expect():
    macs = {HOST6: HOST_MAC, HOST6_2: HOST2_MAC}
    return {
        0: [from_gw(0, UL_ROUTER_MAC, routed(p)) for p in OUT],
        1: [from_gw(1, macs[p.dst], routed(p)) for p in IN],
    }


DROPS = {}
