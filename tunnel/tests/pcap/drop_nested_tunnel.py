"""nested_tunnel: no tunnel inside a tunnel.
- decapsulation yields a packet that is again addressed to the gateway with proto 4 or 41
  (IPIP-in-IPIP, 6in4-in-IPIP);
- encapsulation into `tnest` whose remote (10.99.0.1) routes into another tunnel (tun1);
- a `remote any` tunnel with a route without `via` (and no `dev` on the tunnel): the outer
  destination is the inner destination, which routes into that same tunnel.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 10.99.0.0/24 dev tun1
tunnel add tnest mode ipip remote 10.99.0.1 local 10.65.132.187
link set tnest up
route add 10.10.201.0/24 dev tnest
tunnel add tany mode ipip remote any local 10.65.132.187
link set tany up
route add 10.244.7.0/24 dev tany
"""
PORTS = 2

OK = ping4(REMOTE, HOST, id=0x1301, seq=1, reply=True)


def send():
    inner_ipip = ipip(ping4(REMOTE, HOST, id=0x1302, seq=2), PEER, GW, ttl=64)
    inner_6in4 = ipip(ping6(REMOTE6, HOST6, seq=3), PEER, GW_LAN, ttl=64)
    return [
        (0, to_gw(0, PEER_MAC, ipip(OK, PEER, GW, ttl=64))),                 # control
        (0, to_gw(0, PEER_MAC, ipip(inner_ipip, PEER, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(inner_6in4, PEER, GW, ttl=64))),
        (1, to_gw(1, HOST_MAC, ping4(HOST, REMOTE_B, id=0x1304, seq=4))),
        (1, to_gw(1, HOST_MAC, ping4(HOST, "10.244.7.5", id=0x1305, seq=5))),
    ]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(OK))]}


DROPS = {"nested_tunnel": 4}
