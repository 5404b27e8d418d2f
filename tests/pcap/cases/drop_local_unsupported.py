"""local_unsupported: packets addressed to the gateway itself for a service it does not have.
TCP is dropped silently (no ICMP; Linux would answer with a RST): to each port's address, from
either side (an address is the gateway's whatever port it is reached on), to a tunnel's local
address (`addr add A peer B dev TUN`), over IPv6, and as a decapsulated inner addressed to the
gateway. (UDP and other protocols get ICMP unreachables: icmp_port_unreachable.py; echo requests
are answered: icmp_echo_v4.py.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
"""
PORTS = 2


def syn(src, dst, n):
    return IP(src=src, dst=dst, id=0x1600 + n) / TCP(sport=5550 + n, dport=22, flags="S", seq=n)


LOCAL = [
    (0, to_gw(0, PEER_MAC, syn(PEER, GW, 1))),
    (1, to_gw(1, HOST_MAC, syn(HOST, GW_LAN, 2))),
    (1, to_gw(1, HOST_MAC, syn(HOST, GW, 3))),
    (1, to_gw(1, HOST_MAC, syn(HOST, "10.10.100.10", 4))),
    (1, to_gw(1, HOST_MAC, IPv6(src=HOST6, dst=GW_LAN6) / TCP(sport=5555, dport=22, flags="S"))),
    (0, to_gw(0, PEER_MAC, ipip(syn("10.10.200.10", "10.10.100.10", 6), PEER, GW, ttl=64))),
]


def send():
    return LOCAL


def expect():
    return {}


DROPS = {"local_unsupported": len(LOCAL)}
EVENTS = {"icmp_errors": 0, "icmp_echo_replies": 0}
