"""mode_mismatch: mode ipip carries only IPv4, mode sit only IPv6 - on encapsulation (an IPv6 route
into the ipip tunnel, an IPv4 route into the sit tunnel) and on decapsulation (proto 41 from the
ipip tunnel's remote, proto 4 from the sit tunnel's remote). Matching packets pass."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tip mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tsit mode sit remote 10.65.132.189 local 10.65.132.187
link set tip up
link set tsit up
route add 10.10.200.0/24 dev tip
route add 2001:db8:200::/64 dev tip
route add 10.10.201.0/24 dev tsit
route add 2001:db8:201::/64 dev tsit
"""
PORTS = 2

ENC4_OK = ping4(HOST, REMOTE, id=0x1201, seq=1)
ENC6_OK = ping6(HOST6, REMOTE6_B, seq=2)
DEC4_OK = ping4(REMOTE, HOST, id=0x1203, seq=3, reply=True)
DEC6_OK = ping6(REMOTE6_B, HOST6, seq=4, reply=True)


def send():
    return [
        (1, to_gw(1, HOST_MAC, ENC4_OK)),
        (1, to_gw(1, HOST_MAC, ENC6_OK)),
        (1, to_gw(1, HOST_MAC, ping6(HOST6, REMOTE6, seq=5))),                      # IPv6 into ipip
        (1, to_gw(1, HOST_MAC, ping4(HOST, REMOTE_B, id=0x1206, seq=6))),           # IPv4 into sit
        (0, to_gw(0, PEER_MAC, ipip(DEC4_OK, PEER, GW, ttl=64))),
        (0, to_gw(0, PEER2_MAC, ipip(DEC6_OK, PEER2, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(ping6(REMOTE6, HOST6, seq=7), PEER, GW, ttl=64))),        # 41 to ipip
        (0, to_gw(0, PEER2_MAC, ipip(ping4(REMOTE_B, HOST, id=0x1208, seq=8), PEER2, GW, ttl=64))),  # 4 to sit
    ]


def expect():
    return {
        0: [from_gw(0, PEER_MAC, ipip(routed(ENC4_OK), GW, PEER, ttl=63)),
            from_gw(0, PEER2_MAC, ipip(routed(ENC6_OK), GW, PEER2, ttl=63))],
        1: [from_gw(1, HOST_MAC, routed(DEC4_OK)),
            from_gw(1, HOST_MAC, routed(DEC6_OK))],
    }


DROPS = {"mode_mismatch": 4}
