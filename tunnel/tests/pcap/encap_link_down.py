"""link_down on encapsulation: a route points into a tunnel that was set down after the route was
added; packets routed there are dropped as link_down.

NOTE: the spec names link_down for decapsulation only. Linux would flush the route when the device
goes down (so: no route). This case assumes gatewayd keeps the route and reports link_down.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
tunnel add tup mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tdown mode ipip remote 10.65.132.189 local 10.65.132.187
link set tup up
link set tdown up
route add 10.10.200.0/24 dev tup
route add 10.10.201.0/24 dev tdown
link set tdown down
"""
PORTS = 2

OK = ping4(HOST, REMOTE, id=0x1501, seq=1)


def send():
    return [(1, to_gw(1, HOST_MAC, OK)),
            (1, to_gw(1, HOST_MAC, ping4(HOST, REMOTE_B, id=0x1502, seq=2)))]


def expect():
    return {0: [from_gw(0, PEER_MAC, ipip(routed(OK), GW, PEER, ttl=63))]}


DROPS = {"link_down": 1}
