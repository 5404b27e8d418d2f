"""unknown_peer: IPIP / 6in4 addressed to a gateway address from a source no tunnel names, and to a
gateway address that is no tunnel's local address. A packet from the configured remote passes."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
addr add 2001:db8:100::1/64 dev port1
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
"""
PORTS = 2

OK = ping4(REMOTE, HOST, id=0x1101, seq=1, reply=True)


def send():
    return [
        (0, to_gw(0, PEER_MAC, ipip(OK, PEER, GW, ttl=64))),
        (0, to_gw(0, STRANGER_MAC, ipip(ping4(REMOTE, HOST, id=0x1102, seq=2), STRANGER, GW, ttl=64))),
        (0, to_gw(0, STRANGER_MAC, ipip(ping6(REMOTE6, HOST6, seq=3), STRANGER, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(ping4(REMOTE, HOST, id=0x1104, seq=4), PEER, GW_LAN, ttl=64))),
    ]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(OK))]}


DROPS = {"unknown_peer": 3}
