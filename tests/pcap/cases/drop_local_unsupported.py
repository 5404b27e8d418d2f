"""local_unsupported: packets addressed to the gateway itself that are not tunnel packets (no ICMP
or other local service yet): to each port's address, from either side (an address is the
gateway's whatever port it is reached on), to a tunnel's local address (`addr add A peer B dev
TUN`), IPv6, and a decapsulated inner addressed to the gateway."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
"""
PORTS = 2

LOCAL = [
    (0, to_gw(0, PEER_MAC, ping4(PEER, GW, id=0x1601, seq=1))),
    (1, to_gw(1, HOST_MAC, ping4(HOST, GW_LAN, id=0x1602, seq=2))),
    (1, to_gw(1, HOST_MAC, udp4(HOST, GW, id=0x1603, dport=53, seq=3))),
    (1, to_gw(1, HOST_MAC, ping4(HOST, "10.10.100.10", id=0x1604, seq=4))),
    (1, to_gw(1, HOST_MAC, ping6(HOST6, GW_LAN6, seq=5))),
    (0, to_gw(0, PEER_MAC, IP(src=PEER, dst=GW, id=0x1606) / TCP(sport=5555, dport=22, flags="S"))),
    (0, to_gw(0, PEER_MAC, ipip(ping4("10.10.200.10", "10.10.100.10", id=0x1607, seq=7), PEER, GW, ttl=64))),
]


def send():
    return LOCAL


def expect():
    return {}


DROPS = {"local_unsupported": len(LOCAL)}
