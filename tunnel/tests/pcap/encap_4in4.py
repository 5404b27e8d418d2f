"""4in4 encapsulation (RFC 2003, Linux ipip).

A LAN packet whose destination routes into an ipip tunnel leaves the underlay port inside an
outer IPv4 header:
  outer: version 4, IHL 5, proto 4, src = tunnel local, dst = tunnel remote,
         TTL = inner TTL after the router's decrement (ttl inherit, the default),
         TOS = 0 | inner ECN (tos 0, the default), DF set and id 0 (pmtudisc, the default);
  Ethernet: from port0's MAC to the remote's neighbour MAC;
  inner: TTL - 1 (checksum updated), everything else untouched; Ethernet padding removed.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

PKTS = [
    ping4(HOST, REMOTE, ttl=64, id=0x1001, seq=1),
    udp4(HOST, "10.10.200.77", ttl=10, id=0x1002, df=True, size=300, seq=2),
    ping4(HOST, "10.10.200.254", ttl=255, id=0x1003, size=0, seq=3),          # 42-byte frame
    IP(src=HOST, dst=REMOTE, ttl=64, id=0x1004) / TCP(sport=33000, dport=443, flags="S", seq=1000),
]


def send():
    frames = [to_gw(1, HOST_MAC, p) for p in PKTS]
    frames.append(to_gw(1, HOST_MAC, PKTS[2]) / Padding(b"\0" * 18))   # padded to 60 bytes
    return [(1, f) for f in frames]


def expect():
    out = []
    for p in PKTS + [PKTS[2]]:
        inner = routed(p)
        out.append(from_gw(0, PEER_MAC, ipip(inner, GW, PEER, ttl=inner.ttl, tos=0, df=True, id=0)))
    return {0: out}


DROPS = {}
