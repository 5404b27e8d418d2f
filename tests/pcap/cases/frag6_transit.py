"""IPv6 fragments in transit are forwarded untouched (RFC 8200 4.5: only the destination
reassembles; a router looks no further than the IPv6 header): fragments of a 3000-byte UDP
datagram from the LAN host are routed out of port0 to an underlay host (hop limit − 1, every
other byte as received, fragment header included), into a sit tunnel (each fragment the inner
packet of its own 6in4 packet), and fragments arriving in a 6in4 packet from the tunnel's peer are
decapsulated and forwarded to the LAN host as they are. None is reassembled, none is dropped.
"""
from lib import *

UL_HOST6 = "2001:db8:65::9"
UL_HOST6_MAC = "52:54:00:00:00:09"

CONFIG = f"""\
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add {UL_HOST6} lladdr {UL_HOST6_MAC} dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add sit1 mode sit remote 10.65.132.188 local 10.65.132.187
link set sit1 up
route add 2001:db8:200::/64 dev sit1
"""
PORTS = 2

TO_UL = split6(udp6(HOST6, UL_HOST6, hlim=64, size=3000, seq=1), [1448, 2896], id=0x5001)
TO_TUN = split6(udp6(HOST6, REMOTE6, hlim=30, size=1200, seq=2), [600], id=0x5002)
FROM_TUN = split6(udp6(REMOTE6, HOST6, hlim=9, size=1000, seq=3), [504], id=0x5003)


def send():
    out = [(1, to_gw(1, HOST_MAC, f)) for f in TO_UL + TO_TUN]
    out += [(0, to_gw(0, PEER_MAC, ipip(f, PEER, GW, ttl=40, df=True))) for f in FROM_TUN]
    return out


def expect():
    port0 = [from_gw(0, UL_HOST6_MAC, routed(f)) for f in TO_UL]
    for f in TO_TUN:
        inner = routed(f)
        port0.append(from_gw(0, PEER_MAC, ipip(inner, GW, PEER, ttl=inner.hlim, tos=0, df=True, id=0)))
    port1 = [from_gw(1, HOST_MAC, routed(f)) for f in FROM_TUN]
    return {0: port0, 1: port1}


DROPS = {}
EVENTS = {"reassembled": 0, "fragmented": 0}
