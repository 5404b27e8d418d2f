"""The seed article's scenario, configured exactly like the Linux commands it shows:

    ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
    ip link set tun1 up
    ip addr add 10.10.100.10 peer 10.10.200.10 dev tun1
    ip route add 10.10.200.0/24 dev tun1

A ping 10.10.100.2 -> 10.10.200.2 from the LAN leaves port0 as
IP 10.65.132.187 > 10.65.132.188: IP 10.10.100.2 > 10.10.200.2: ICMP echo request (proto 4);
the reply comes back encapsulated by 10.65.132.188 and is delivered to the LAN host.
The peer address 10.10.200.10 (host route from `addr add ... peer`) is also reached through tun1.
"""
from lib import *

CONFIG = """\
# underlay and LAN
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
# the article
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

REQUEST = ping4("10.10.100.2", "10.10.200.2", ttl=64, id=0x5001, seq=1)
TO_PEER_ADDR = ping4("10.10.100.2", "10.10.200.10", ttl=64, id=0x5002, seq=2)
REPLY = ping4("10.10.200.2", "10.10.100.2", ttl=63, id=0x7001, seq=1, reply=True)


def send():
    return [
        (1, to_gw(1, HOST_MAC, REQUEST)),
        (1, to_gw(1, HOST_MAC, TO_PEER_ADDR)),
        (0, to_gw(0, PEER_MAC, ipip(REPLY, "10.65.132.188", "10.65.132.187", ttl=63, df=True, id=0))),
    ]


def expect():
    return {
        0: [
            from_gw(0, PEER_MAC, ipip(routed(REQUEST), "10.65.132.187", "10.65.132.188", ttl=63)),
            from_gw(0, PEER_MAC, ipip(routed(TO_PEER_ADDR), "10.65.132.187", "10.65.132.188", ttl=63)),
        ],
        1: [from_gw(1, HOST_MAC, routed(REPLY))],
    }


DROPS = {}
