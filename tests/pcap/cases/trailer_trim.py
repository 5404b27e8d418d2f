"""Bytes after the IP packet are not part of it, also on long frames: the output frame is always
14 + the (inner) IP length, as Linux trims to the IP total length / IPv6 payload length on receive.
- plain IPv4 and IPv6 forwarding of 300-byte packets followed by a 20-byte trailer;
- encapsulation of a packet followed by a trailer (the trailer is not encapsulated);
- decapsulation where the outer is followed by a trailer, and where the outer payload is longer
  than the inner packet it carries (bytes after the inner inside the outer).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

TRAILER = Padding(b"\xa5" * 20)

F4 = ip_sized(HOST, "192.0.2.10", 300, id=0x1A01, seq=1)
F6 = ip6_sized(HOST6, "2001:db8:ffff::10", 300, seq=2)
E4 = ip_sized(HOST, REMOTE, 300, id=0x1A03, seq=3)
D4 = ip_sized(REMOTE, HOST, 300, id=0x1A04, seq=4)
D4B = ip_sized(REMOTE, HOST, 300, id=0x1A05, seq=5)


def send():
    # outer whose payload is D4B followed by 16 extra bytes (outer total length covers them)
    padded_outer = IP(src=PEER, dst=GW, ttl=64, flags="DF", id=0, proto=4) / Raw(bytes(D4B) + b"\x5a" * 16)
    return [
        (1, to_gw(1, HOST_MAC, F4) / TRAILER),
        (1, to_gw(1, HOST_MAC, F6) / TRAILER),
        (1, to_gw(1, HOST_MAC, E4) / TRAILER),
        (0, to_gw(0, PEER_MAC, ipip(D4, PEER, GW, ttl=64)) / TRAILER),
        (0, to_gw(0, PEER_MAC, padded_outer)),
    ]


def expect():
    return {
        0: [from_gw(0, UL_ROUTER_MAC, routed(F4)),
            from_gw(0, UL_ROUTER_MAC, routed(F6)),
            from_gw(0, PEER_MAC, ipip(routed(E4), GW, PEER, ttl=63))],
        1: [from_gw(1, HOST_MAC, routed(D4)),
            from_gw(1, HOST_MAC, routed(D4B))],
    }


DROPS = {}
