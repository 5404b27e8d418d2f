"""ttl_exceeded: a packet that must be forwarded with TTL / hop limit <= 1 is dropped and its
source gets an ICMP time exceeded (ICMPv6 time exceeded), quoting the packet as received.

Dropped: plain IPv4 TTL 1 and 0, IPv6 hop limit 1 and 0, an inner TTL/hop limit of 1 to be
encapsulated (errors out of port1, from port1's first address), and a decapsulated inner with
TTL/hop limit 1 (errors to the remote site through tun1, which has no address of its own: from
the gateway's first IPv4 / IPv6 address, 10.65.132.187 / 2001:db8:65::187, encapsulated).
Not dropped (controls): TTL 2 leaves with 1 (plain, encap with outer TTL 1, decap); an outer TTL of
1 on a tunnel packet addressed to the gateway (the outer is delivered, not forwarded); a TTL-1
echo request addressed to the gateway itself is delivered, not forwarded: answered.
Frames from both input ports meet on each output port: compared in any order.
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
route add 2001:db8:200::/64 dev tun1
"""
PORTS = 2
UNORDERED_PORTS = {0, 1}

P4 = lambda ttl, n: ping4(HOST, "192.0.2.10", ttl=ttl, id=0x0D00 + n, seq=n)        # noqa: E731
P6 = lambda hl, n: ping6(HOST6, "2001:db8:ffff::10", hlim=hl, seq=n)                # noqa: E731
E4 = lambda ttl, n: ping4(HOST, REMOTE, ttl=ttl, id=0x0D00 + n, seq=n)              # noqa: E731
E6 = lambda hl, n: ping6(HOST6, REMOTE6, hlim=hl, seq=n)                            # noqa: E731
D4 = lambda ttl, n: ping4(REMOTE, HOST, ttl=ttl, id=0x0D00 + n, seq=n, reply=True)  # noqa: E731
D6 = lambda hl, n: ping6(REMOTE6, HOST6, hlim=hl, seq=n, reply=True)                # noqa: E731
TO_GW = ping4(HOST, GW_LAN, ttl=1, id=0x0D09, seq=9)


def dec(p, outer_ttl=64):
    return to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=outer_ttl))


SEND = [
    # dropped: ttl_exceeded
    (1, to_gw(1, HOST_MAC, P4(1, 1))),
    (1, to_gw(1, HOST_MAC, P4(0, 2))),
    (1, to_gw(1, HOST_MAC, P6(1, 3))),
    (1, to_gw(1, HOST_MAC, P6(0, 4))),
    (1, to_gw(1, HOST_MAC, E4(1, 5))),
    (1, to_gw(1, HOST_MAC, E6(1, 6))),
    (0, dec(D4(1, 7))),
    (0, dec(D6(1, 8))),
    # addressed to the gateway, TTL 1: answered
    (1, to_gw(1, HOST_MAC, TO_GW)),
    # forwarded
    (1, to_gw(1, HOST_MAC, P4(2, 10))),
    (1, to_gw(1, HOST_MAC, P6(2, 11))),
    (1, to_gw(1, HOST_MAC, E4(2, 12))),
    (1, to_gw(1, HOST_MAC, E6(2, 13))),
    (0, dec(D4(2, 14))),
    (0, dec(D6(2, 15))),
    (0, dec(D4(64, 16), outer_ttl=1)),
]


def send():
    return SEND


def expect():
    return {
        0: [from_gw(0, UL_ROUTER_MAC, routed(P4(2, 10))),
            from_gw(0, UL_ROUTER_MAC, routed(P6(2, 11))),
            from_gw(0, PEER_MAC, ipip(routed(E4(2, 12)), GW, PEER, ttl=1)),
            from_gw(0, PEER_MAC, ipip(routed(E6(2, 13)), GW, PEER, ttl=1)),
            GenId(from_gw(0, PEER_MAC, ipip(time_exceeded4(GW, D4(1, 7)), GW, PEER, ttl=64)), which=1),
            from_gw(0, PEER_MAC, ipip(time_exceeded6(GW6_UL, D6(1, 8)), GW, PEER, ttl=64))],
        1: [GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, P4(1, 1)))),
            GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, P4(0, 2)))),
            from_gw(1, HOST_MAC, time_exceeded6(GW_LAN6, P6(1, 3))),
            from_gw(1, HOST_MAC, time_exceeded6(GW_LAN6, P6(0, 4))),
            GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, E4(1, 5)))),
            from_gw(1, HOST_MAC, time_exceeded6(GW_LAN6, E6(1, 6))),
            GenId(from_gw(1, HOST_MAC, echo_reply4(TO_GW))),
            from_gw(1, HOST_MAC, routed(D4(2, 14))),
            from_gw(1, HOST_MAC, routed(D6(2, 15))),
            from_gw(1, HOST_MAC, routed(D4(64, 16)))],
    }


DROPS = {"ttl_exceeded": 8}
EVENTS = {"icmp_errors": 8, "icmp_echo_replies": 1}
