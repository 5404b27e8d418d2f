"""6in4 encapsulation (RFC 4213, Linux sit).

An IPv6 LAN packet routed into a sit tunnel gets an outer IPv4 header with proto 41; the outer
TTL inherits the inner hop limit after the decrement; tos 0 | inner ECN; DF set, id 0.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add sit1 mode sit remote 10.65.132.188 local 10.65.132.187
link set sit1 up
route add 2001:db8:200::/64 dev sit1
"""
PORTS = 2

PKTS = [
    ping6(HOST6, REMOTE6, hlim=64, seq=1),
    udp6(HOST6, "2001:db8:200::77", hlim=5, size=500, seq=2),
    ping6(HOST6, REMOTE6, hlim=255, tc=0xb8, seq=3),            # DSCP EF, Not-ECT: outer tos 0
    IPv6(src=HOST6, dst=REMOTE6, hlim=64, nh=59),              # no payload: 54-byte frame
]


def send():
    frames = [to_gw(1, HOST_MAC, p) for p in PKTS]
    frames.append(to_gw(1, HOST_MAC, PKTS[3]) / Padding(b"\0" * 6))    # padded to 60 bytes
    return [(1, f) for f in frames]


def expect():
    out = []
    for p in PKTS + [PKTS[3]]:
        inner = routed(p)
        out.append(from_gw(0, PEER_MAC, ipip(inner, GW, PEER, ttl=inner.hlim, tos=0, df=True, id=0)))
    return {0: out}


DROPS = {}
