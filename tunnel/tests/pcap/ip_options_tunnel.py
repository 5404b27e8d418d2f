"""IPv4 packets with options (IHL 6: four NOPs) through the tunnel, both ways: encapsulated whole
(the outer has no options and its length counts the inner options), and decapsulated then
forwarded with TTL - 1 and the checksum covering the options."""
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

OUT = IP(src=HOST, dst=REMOTE, ttl=64, id=0x1D01, options=[IPOption_NOP()] * 4) / UDP(sport=1, dport=2) / payload(30, 1)
IN = IP(src=REMOTE, dst=HOST, ttl=64, id=0x1D02, options=[IPOption_NOP()] * 4) / UDP(sport=2, dport=1) / payload(30, 2)


def send():
    return [(1, to_gw(1, HOST_MAC, OUT)), (0, to_gw(0, PEER_MAC, ipip(IN, PEER, GW, ttl=64)))]


def expect():
    return {0: [from_gw(0, PEER_MAC, ipip(routed(OUT), GW, PEER, ttl=63))],
            1: [from_gw(1, HOST_MAC, routed(IN))]}


DROPS = {}
