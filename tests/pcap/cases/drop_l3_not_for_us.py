"""IP destinations that are never forwarded, sent to the port's own MAC: IPv4 multicast and the
limited broadcast 255.255.255.255, IPv6 multicast and link-local -> not_for_us (there is a default
route, so each would otherwise be forwarded)."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
route add 0.0.0.0/0 via 10.65.132.1 dev port0
route add ::/0 via 2001:db8:65::1 dev port0
"""
PORTS = 2

CONTROL = ping4(HOST, "192.0.2.10", id=0x0A01, seq=1)
DROPPED = [
    ping4(HOST, "224.0.0.5", id=0x0A02, seq=2),
    udp4(HOST, "239.1.2.3", id=0x0A03, seq=3),
    udp4(HOST, "255.255.255.255", id=0x0A04, seq=4),
    ping6(HOST6, "ff02::1", seq=5),
    udp6(HOST6, "ff05::1:3", seq=6),
    ping6(HOST6, "fe80::1", seq=7),
    ping6(HOST6, "fe80::5054:ff:fe00:1", seq=8),
]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in [CONTROL] + DROPPED]


def expect():
    return {0: [from_gw(0, UL_ROUTER_MAC, routed(CONTROL))]}


DROPS = {"not_for_us": len(DROPPED)}
