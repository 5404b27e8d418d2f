"""no_route: nothing matches the destination (there is no default route); the packet is dropped
and its source gets ICMP net unreachable (3/0; IPv6: destination unreachable, no route, 1/0),
quoting the packet as received:
- plain IPv4 and IPv6 destinations with no route (errors out of port1, from port1's addresses);
- a decapsulated inner whose destination has no route (the error goes back through tun1, which
  has no address: from the gateway's first IPv4 address 10.65.132.187, encapsulated).
The packet's own destination routes into a tunnel whose remote (10.99.0.1) has no underlay route:
no_route as well, but that is the tunnel's link failing, and Linux's tunnel xmit reports it with
dst_link_failure(): ICMP host unreachable (3/1) for an IPv4 inner (ipip_tunnel_xmit ->
tx_error_icmp), ICMPv6 address unreachable (1/3) for an IPv6 inner (ipip6_tunnel_xmit), quoting
the inner as received. (The spec's "no route: 3/0" is about the destination's own lookup.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tfar mode any remote 10.99.0.1 local 10.65.132.187
link set tun1 up
link set tfar up
route add 10.10.200.0/24 dev tun1
route add 10.10.201.0/24 dev tfar
route add 2001:db8:201::/64 dev tfar
"""
PORTS = 2

P1 = ping4(HOST, "198.51.100.1", id=0x0E01, seq=1)
P2 = ping6(HOST6, "2001:db8:dead::1", seq=2)
P3 = ping4(REMOTE, "198.51.100.1", id=0x0E03, seq=3)
P4 = ping4(HOST, REMOTE_B, id=0x0E04, seq=4)
P5 = ping6(HOST6, REMOTE6_B, seq=5)


def send():
    return [
        (1, to_gw(1, HOST_MAC, P1)),
        (1, to_gw(1, HOST_MAC, P2)),
        (0, to_gw(0, PEER_MAC, ipip(P3, PEER, GW, ttl=64))),
        (1, to_gw(1, HOST_MAC, P4)),
        (1, to_gw(1, HOST_MAC, P5)),
    ]


def expect():
    return {
        1: [GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, P1, 3, 0))),
            from_gw(1, HOST_MAC, icmp6_error(GW_LAN6, P2, ICMPv6DestUnreach, code=0)),
            GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, P4, 3, 1))),
            from_gw(1, HOST_MAC, icmp6_error(GW_LAN6, P5, ICMPv6DestUnreach, code=3))],
        0: [GenId(from_gw(0, PEER_MAC, ipip(icmp4_error(GW, P3, 3, 0), GW, PEER, ttl=64)), which=1)],
    }


DROPS = {"no_route": 5}
EVENTS = {"icmp_errors": 5}
