"""Underlay MTU: with port0's MTU lowered to 1400 after the tunnel exists, the tunnel's limit is
min(1480, 1400 - 20) = 1380: a 1380-byte inner makes a 1400-byte outer and passes; a 1381-byte
inner does not:
- IPv4 with DF: mtu_exceeded, ICMP fragmentation needed with next-hop MTU 1380 to the source;
- IPv6: mtu_exceeded, ICMPv6 packet too big with MTU 1380;
- IPv4 without DF (1381 and 1500 bytes): fragmented to 1380 ((1380 - 20) & ~7 = 1360 payload
  bytes per fragment), each fragment encapsulated (outer DF, id 0, TTL = the fragment's).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
link set port0 mtu 1400
"""
PORTS = 2
LIMIT = 1380

DF_PKTS = []
for seq, size in enumerate((1380, 1381, 1200), 1):
    DF_PKTS += [ip_sized(HOST, REMOTE, size, df=True, id=0x0500 + seq, seq=seq),
                ip6_sized(HOST6, REMOTE6, size, seq=seq)]
NO_DF = [ip_sized(HOST, REMOTE, 1381, df=False, id=0x0511, seq=11),
         ip_sized(HOST, REMOTE, 1500, df=False, id=0x0512, seq=12)]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in DF_PKTS + NO_DF]


def expect():
    out = {0: [], 1: []}
    for p in DF_PKTS:
        if len(p) <= LIMIT:
            out[0].append(from_gw(0, PEER_MAC, ipip(routed(p), GW, PEER, ttl=63)))
        elif isinstance(p, IP):
            out[1].append(GenId(from_gw(1, HOST_MAC, frag_needed4(GW_LAN, p, LIMIT))))
        else:
            out[1].append(from_gw(1, HOST_MAC, packet_too_big6(GW_LAN6, p, LIMIT)))
    for p in NO_DF:
        out[0] += [from_gw(0, PEER_MAC, ipip(f, GW, PEER, ttl=63)) for f in frag4(routed(p), LIMIT)]
    return out


DROPS = {"mtu_exceeded": 2}
EVENTS = {"icmp_errors": 2, "fragmented": 2, "fragments_out": 4}
