"""ICMPv6 time exceeded (RFC 4443 3.3, type 3 code 0): a packet to forward with hop limit <= 1 is
dropped (ttl_exceeded) and answered with
  IPv6(src=S6, dst=its source, hop limit 64, tc 0, flow label 0)/ICMPv6(3, 0)/the packet as
  received, cut so that the whole error is at most 1280 bytes (RFC 4443 2.4 (c));
S6 = the first IPv6 address of the interface the error leaves by (port1: 2001:db8:100::1, port0:
2001:db8:65::187), or, for tun1 which has none, the gateway's first IPv6 address
(2001:db8:65::187, the config's first). The error to a host behind tun1 (a decapsulated 6in4
inner with hop limit 1) is encapsulated (proto 41, outer TTL 64, DF, id 0).
"""
from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/64 dev port1
addr add 2001:db8:100::a/64 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
tunnel add tun1 mode sit remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 2001:db8:200::/64 dev tun1
"""
PORTS = 2

FAR6 = "2001:db8:ffff::10"
LAN = [
    ping6(HOST6, FAR6, hlim=1, seq=1),
    ping6(HOST6, FAR6, hlim=0, seq=2),
    ip6_sized(HOST6, FAR6, 1400, hlim=1, seq=3),                       # quote cut at 1232
    IPv6(src=HOST6, dst=FAR6, hlim=1, tc=0xB9, fl=0x12345) / UDP(sport=7, dport=7) / payload(20, 4),
    ping6(HOST6, REMOTE6, hlim=1, seq=5),                              # would be encapsulated
]
FROM_UL = ping6("2001:db8:ffff::20", HOST6, hlim=1, seq=6)
FROM_TUN = ping6(REMOTE6, HOST6, hlim=1, seq=7)


def send():
    return ([(1, to_gw(1, HOST_MAC, p)) for p in LAN]
            + [(0, to_gw(0, UL_ROUTER_MAC, FROM_UL)),
               (0, to_gw(0, PEER_MAC, ipip(FROM_TUN, PEER, GW, ttl=64)))])


def expect():
    return {
        1: [from_gw(1, HOST_MAC, time_exceeded6(GW_LAN6, p)) for p in LAN],
        0: [from_gw(0, UL_ROUTER_MAC, time_exceeded6(GW6_UL, FROM_UL)),
            from_gw(0, PEER_MAC, ipip(time_exceeded6(GW6_UL, FROM_TUN), GW, PEER, ttl=64))],
    }


DROPS = {"ttl_exceeded": len(LAN) + 2}
EVENTS = {"icmp_errors": len(LAN) + 2}
