"""A `via` on a route into a tunnel with a fixed remote does not change the outer destination:
the tunnel's remote wins (Linux ip_tunnel_xmit uses the route's gateway only when the tunnel has
no remote). The spec gives `via` meaning for `remote any` tunnels only."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.202.0/24 via 10.65.132.190 dev tun1 onlink
"""
PORTS = 2

P = ping4(HOST, "10.10.202.5", id=0x1E01, seq=1)


def send():
    return [(1, to_gw(1, HOST_MAC, P))]


def expect():
    return {0: [from_gw(0, PEER_MAC, ipip(routed(P), GW, PEER, ttl=63))]}


DROPS = {}
