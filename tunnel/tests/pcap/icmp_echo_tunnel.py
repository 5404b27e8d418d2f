"""Echo through the tunnel, the seed article's `ping 10.10.200.10` seen from the other side:
Node2 (10.10.200.10, behind the peer 10.65.132.188) pings the gateway's tunnel address
10.10.100.10 and its underlay address 10.65.132.187; the requests arrive encapsulated, are
decapsulated and answered, and each reply (src = the address pinged, dst 10.10.200.10) is routed
like any packet the gateway originates: into tun1 (the peer route), encapsulated with outer TTL
64 (ttl inherit of the reply's 64, no decrement), TOS 0, DF, id 0.
A LAN host's ping to the tunnel address is answered out of port1 (plain).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

TUN_ADDR = "10.10.100.10"
NODE2 = "10.10.200.10"
FROM_PEER = [
    ping4(NODE2, TUN_ADDR, id=0x3201, seq=1, size=56),
    ping4(NODE2, GW, id=0x3202, seq=2, size=56),
]
FROM_LAN = ping4(HOST, TUN_ADDR, id=0x3203, seq=3)


def send():
    return ([(0, to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64))) for p in FROM_PEER]
            + [(1, to_gw(1, HOST_MAC, FROM_LAN))])


def expect():
    return {
        0: [GenId(from_gw(0, PEER_MAC, ipip(echo_reply4(p), GW, PEER, ttl=64)), which=1)
            for p in FROM_PEER],
        1: [GenId(from_gw(1, HOST_MAC, echo_reply4(FROM_LAN)))],
    }


DROPS = {}
EVENTS = {"icmp_echo_replies": 3}
