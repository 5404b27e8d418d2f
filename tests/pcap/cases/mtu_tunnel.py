"""Tunnel MTU: an inner packet larger than the tunnel MTU is dropped as mtu_exceeded.

Default tunnel MTU = 1480 (underlay 1500 - 20): a 1480-byte inner makes a 1500-byte outer and
passes; 1481 is dropped. With `link set tun2 mtu 1400`: 1400 passes, 1401 is dropped. IPv4 inners
have DF set (so Linux too would drop rather than fragment) and IPv6 is never fragmented by routers.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
tunnel add tun2 mode any remote 10.65.132.189 local 10.65.132.187
link set tun1 up
link set tun2 up
link set tun2 mtu 1400
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
route add 10.10.201.0/24 dev tun2
route add 2001:db8:201::/64 dev tun2
"""
PORTS = 2

# (inner v4 destination, inner v6 destination, remote, MAC, tunnel MTU)
TUNNELS = [("10.10.200.2", "2001:db8:200::2", PEER, PEER_MAC, 1480),
           ("10.10.201.2", "2001:db8:201::2", PEER2, PEER2_MAC, 1400)]


def packets():
    seq = 0
    for dst4, dst6, remote, mac, mtu in TUNNELS:
        for size in (mtu, mtu + 1, 1000):
            seq += 1
            for p in (ip_sized(HOST, dst4, size, df=True, id=0x0400 + seq, seq=seq),
                      ip6_sized(HOST6, dst6, size, seq=seq)):
                exp = None
                if size <= mtu:
                    exp = from_gw(0, mac, ipip(routed(p), GW, remote, ttl=63))
                yield to_gw(1, HOST_MAC, p), exp


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets() if e is not None]}


DROPS = {"mtu_exceeded": 4}
