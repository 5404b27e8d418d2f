"""`tunnel change` replaces a tunnel's parameters (all given again here) and the data path uses the
new ones at once: tun1 starts as `mode ipip ttl 64 tos 0x10` (pmtudisc) and is changed to
`mode any ttl inherit tos inherit nopmtudisc`. After the change: outer TTL inherits, the whole
inner TOS is copied, DF follows the inner (IGNORE_OUTER_ID for DF clear), IPv6 is carried. The
tunnel stays up and keeps its routes."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187 ttl 64 tos 0x10
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
tunnel change tun1 mode any remote 10.65.132.188 local 10.65.132.187 ttl inherit tos inherit nopmtudisc
"""
PORTS = 2
IGNORE_OUTER_ID = True

PKTS = [
    ping4(HOST, REMOTE, ttl=30, tos=0xb8 | ECT0, id=0x1F01, df=True, seq=1),
    ping4(HOST, REMOTE, ttl=30, tos=0x28, id=0x1F02, df=False, seq=2),
    ping6(HOST6, REMOTE6, hlim=30, tc=0x48 | ECT1, seq=3),
]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in PKTS]


def expect():
    out = []
    for p in PKTS:
        inner = routed(p)
        df = isinstance(p, IP) and bool(int(p.flags) & 2)
        out.append(from_gw(0, PEER_MAC, ipip(inner, GW, PEER, ttl=29, tos=tos_byte(p), df=df, id=0)))
    return {0: out}


DROPS = {}
