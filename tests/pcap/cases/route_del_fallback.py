"""Deleting a more specific route falls back to the less specific ones (IPv4 and IPv6), and a
deleted route re-added with another next hop uses the new one.

  172.16.0.0/16 via .188, 172.16.5.0/24 via .189 (deleted), 172.16.5.128/25 via .190
  172.17.0.0/16 via .188 deleted, re-added via .191
  2001:db8:aa::/48 via ::188, 2001:db8:aa:1::/64 via ::189 (deleted), 2001:db8:aa:1::80/121 via ::190
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.65.132.191 lladdr 52:54:00:00:00:91 dev port0
neigh add 2001:db8:65::188 lladdr 52:54:00:00:00:88 dev port0
neigh add 2001:db8:65::189 lladdr 52:54:00:00:00:89 dev port0
neigh add 2001:db8:65::190 lladdr 52:54:00:00:00:90 dev port0
route add 172.16.0.0/16 via 10.65.132.188
route add 172.16.5.0/24 via 10.65.132.189
route add 172.16.5.128/25 via 10.65.132.190
route del 172.16.5.0/24
route add 172.17.0.0/16 via 10.65.132.188
route del 172.17.0.0/16
route add 172.17.0.0/16 via 10.65.132.191
route add 2001:db8:aa::/48 via 2001:db8:65::188
route add 2001:db8:aa:1::/64 via 2001:db8:65::189
route add 2001:db8:aa:1::80/121 via 2001:db8:65::190
route del 2001:db8:aa:1::/64
"""
PORTS = 2

CASES = [
    ("172.16.5.1", PEER_MAC),            # was /24, now the /16
    ("172.16.5.127", PEER_MAC),
    ("172.16.5.129", PEER3_MAC),         # /25 survives
    ("172.16.9.9", PEER_MAC),
    ("172.17.1.1", PEER4_MAC),           # re-added with a new next hop
    ("2001:db8:aa:1::1", PEER_MAC),      # was /64, now the /48
    ("2001:db8:aa:1::81", PEER3_MAC),    # /121 survives
    ("2001:db8:aa:1::100", PEER_MAC),    # just past the /121
]


def packets():
    for seq, (dst, mac) in enumerate(CASES, 1):
        p = ping6(HOST6, dst, seq=seq) if ":" in dst else ping4(HOST, dst, id=0x1C00 + seq, seq=seq)
        yield to_gw(1, HOST_MAC, p), from_gw(0, mac, routed(p))


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets()]}


DROPS = {}
