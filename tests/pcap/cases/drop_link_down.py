"""link_down on decapsulation: the peer matches a tunnel that is down - tunnels start down like on
Linux (tdown never gets `link set up`), and tgone is set up and then down again. The same packet
from tup's remote passes."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tup mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tdown mode ipip remote 10.65.132.189 local 10.65.132.187
tunnel add tgone mode ipip remote 10.65.132.190 local 10.65.132.187
link set tup up
link set tgone up
link set tgone down
"""
PORTS = 2

OK = ping4(REMOTE, HOST, id=0x1401, seq=1, reply=True)


def send():
    return [
        (0, to_gw(0, PEER_MAC, ipip(OK, PEER, GW, ttl=64))),
        (0, to_gw(0, PEER2_MAC, ipip(ping4(REMOTE, HOST, id=0x1402, seq=2), PEER2, GW, ttl=64))),
        (0, to_gw(0, PEER3_MAC, ipip(ping4(REMOTE, HOST, id=0x1403, seq=3), PEER3, GW, ttl=64))),
    ]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(OK))]}


DROPS = {"link_down": 2}
