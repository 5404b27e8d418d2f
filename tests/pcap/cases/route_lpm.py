"""Longest-prefix match, IPv4 and IPv6: default, /12, /24, /25, /32 (and the IPv6 equivalents);
`via` without `dev` resolves through the connected route. Everything is sent from the LAN host on
port1; the /25 and the IPv6 /128 lead back out of port1 (same-port forwarding is allowed, as on Linux).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.65.132.50 lladdr 52:54:00:00:00:50 dev port0
neigh add 10.10.100.3 lladdr 52:54:00:00:01:03 dev port1
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:65::188 lladdr 52:54:00:00:00:88 dev port0
neigh add 2001:db8:65::189 lladdr 52:54:00:00:00:89 dev port0
neigh add 2001:db8:100::3 lladdr 52:54:00:00:01:03 dev port1
route add 0.0.0.0/0 via 10.65.132.1
route add 172.16.0.0/12 via 10.65.132.188
route add 172.16.5.0/24 via 10.65.132.189
route add 172.16.5.128/25 via 10.10.100.3
route add 172.16.5.200/32 via 10.65.132.190
route add ::/0 via 2001:db8:65::1
route add 2001:db8:aa::/48 via 2001:db8:65::188
route add 2001:db8:aa:1::/64 via 2001:db8:65::189
route add 2001:db8:aa:1::5/128 via 2001:db8:100::3
"""
PORTS = 2

# destination -> (egress port, next-hop MAC)
V4 = [
    ("8.8.8.8", 0, UL_ROUTER_MAC),            # default
    ("172.20.1.1", 0, PEER_MAC),              # /12
    ("172.16.5.1", 0, PEER2_MAC),             # /24
    ("172.16.5.129", 1, HOST2_MAC),           # /25
    ("172.16.5.200", 0, PEER3_MAC),           # /32
    ("172.16.5.201", 1, HOST2_MAC),           # /25 again
    ("172.16.4.255", 0, PEER_MAC),            # /12, just below the /24
    ("10.65.132.50", 0, "52:54:00:00:00:50"), # connected /24 beats the default
    ("172.32.0.1", 0, UL_ROUTER_MAC),         # just above the /12: default
]
V6 = [
    ("2001:4860::8888", 0, UL_ROUTER_MAC),    # default
    ("2001:db8:aa:2::1", 0, PEER_MAC),        # /48
    ("2001:db8:aa:1::1", 0, PEER2_MAC),       # /64
    ("2001:db8:aa:1::5", 1, HOST2_MAC),       # /128
    ("2001:db8:aa:1::6", 0, PEER2_MAC),       # /64 again
]


def packets():
    seq = 0
    for dst, port, mac in V4:
        seq += 1
        p = ping4(HOST, dst, id=0x0300 + seq, seq=seq)
        yield to_gw(1, HOST_MAC, p), port, from_gw(port, mac, routed(p))
    for dst, port, mac in V6:
        seq += 1
        p = ping6(HOST6, dst, seq=seq)
        yield to_gw(1, HOST_MAC, p), port, from_gw(port, mac, routed(p))


def send():
    return [(1, s) for s, _, _ in packets()]


def expect():
    out = {0: [], 1: []}
    for _, port, e in packets():
        out[port].append(e)
    return out


DROPS = {}
