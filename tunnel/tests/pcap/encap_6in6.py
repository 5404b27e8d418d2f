"""6in6 encapsulation (RFC 2473, Linux ip6tnl `mode ip6ip6` / `mode any`), the options that shape
the outer header:
- t66: `encaplimit none hoplimit inherit tclass inherit`: next header 41, no options header,
  hop limit = the inner's after this hop, traffic class = the inner's whole;
- t67: mode any over IPv6 with `tclass 0x28 hoplimit 9 encaplimit 0`: the options header carries
  limit 0 ([41, 0, 0x04, 0x01, 0, 0x01, 0x01, 0x00]); traffic class 0x28 | the inner ECN bits;
  hop limit 9; an IPv4 inner through the same tunnel gets [4, 0, ...].
Linux's ip6tnl MTU with the limit is 1500 - 48 = 1452: a 1452-byte inner passes whole.
"""
from lib import *

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add {PEER6} lladdr {PEER_MAC} dev port0
neigh add {PEER6_2} lladdr {PEER2_MAC} dev port0
{NEIGH_LAN}tunnel add t66 mode ip6ip6 remote {PEER6} local {GW6_UL} encaplimit none hoplimit inherit tclass inherit
tunnel add t67 mode any remote {PEER6_2} local {GW6_UL} tclass 0x28 hoplimit 9 encaplimit 0
link set t66 up
link set t67 up
route add 2001:db8:200::/64 dev t66
route add 2001:db8:201::/64 dev t67
route add 10.10.201.0/24 dev t67
"""
PORTS = 2

TO_T66 = [
    ping6(HOST6, REMOTE6, hlim=64, seq=1),
    udp6(HOST6, "2001:db8:200::77", hlim=5, tc=0xb9, size=500, seq=2),    # tc inherited whole
    ip6_sized(HOST6, REMOTE6, 1460, seq=3),                              # no options: 1460 fits
]
TO_T67 = [
    ping6(HOST6, REMOTE6_B, hlim=64, tc=0xb8, seq=4),                    # DSCP not copied: 0x28
    with_ecn(ping6(HOST6, REMOTE6_B, hlim=30, seq=5), ECT1),             # 0x28 | ECT(1)
    ip6_sized(HOST6, REMOTE6_B, 1452, seq=6),                            # 1452 + 48 = 1500
    with_ecn(ping4(HOST, REMOTE_B, ttl=64, id=0x6701, seq=7), ECT0),     # IPv4 inner, mode any
]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in TO_T66 + TO_T67]


def expect():
    out = []
    for p in TO_T66:
        inner = routed(p)
        out.append(from_gw(0, PEER_MAC, ip6tnl(inner, GW6_UL, PEER6, hlim=inner.hlim, tc=inner.tc,
                                               encaplimit=None)))
    for p in TO_T67:
        inner = routed(p)
        out.append(from_gw(0, PEER2_MAC, ip6tnl(inner, GW6_UL, PEER6_2, hlim=9,
                                                tc=0x28 | (tos_byte(inner) & 3), encaplimit=0)))
    return {0: out}


DROPS = {}
