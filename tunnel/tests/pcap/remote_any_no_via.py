"""`remote any` with a route that has no `via`: the outer destination is the IPv4 inner packet's own
destination (ip_tunnel.c: `dst = inner iph->daddr` when the tunnel has no remote and the route no
gateway).

The outer packet must then be routed in the underlay, not back into the tunnel. Linux does that by
looking the outer destination up with the tunnel's `dev` (link) as output interface, which skips
routes through other devices: here the /24 route into tunl0 is skipped and the default route via
10.65.132.1 on port0 is used. (Without `dev`, the outer lookup would find tunl0 again: that is the
nested_tunnel drop, see drop_nested_tunnel.py.)

NOTE: this case encodes the Linux behaviour of `dev` on a tunnel; the gatewayd spec does not say
whether `dev portN` constrains the outer route lookup.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
route add 0.0.0.0/0 via 10.65.132.1 dev port0
tunnel add tunl0 mode ipip remote any local 10.65.132.187 dev port0
link set tunl0 up
route add 10.244.7.0/24 dev tunl0
"""
PORTS = 2

PKT = ping4(HOST, "10.244.7.5", ttl=64, id=0x9201, seq=1)


def send():
    return [(1, to_gw(1, HOST_MAC, PKT))]


def expect():
    return {0: [from_gw(0, UL_ROUTER_MAC, ipip(routed(PKT), GW, "10.244.7.5", ttl=63))]}


DROPS = {}
