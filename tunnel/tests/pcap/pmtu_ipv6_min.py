"""A path MTU too small for IPv6 (RFC 4213 3.2; Linux's sit, ipip6_tunnel_xmit): after
fragmentation needed with MTU 1200 about our 6in4 packet, tun1 (mode any) has a limit of 1180 for
IPv4 but 1280 for IPv6, whose links may not be smaller: IPv6 inners up to 1280 bytes go out with
the outer DF clear (and so an outer id of the worker's counter), for the underlay to fragment;
1281 bytes get packet too big with MTU 1280.
- IPv6 1280 bytes and a ping6: out, outer DF clear;
- IPv6 1281 bytes: packet too big, MTU 1280;
- IPv4 with DF 1181 bytes: fragmentation needed, MTU 1180; 1180 bytes: out, outer DF set, id 0.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port0
addr add 2001:db8:100::1/64 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
"""
PORTS = 1
IGNORE_OUTER_ID = True   # (only frames whose expected outer DF is clear: the IPv6 ones)

OURS = ipip(routed(ip6_sized(HOST6, REMOTE6, 1400, seq=1)), GW, PEER, ttl=63)
FRAG_NEEDED = icmp4_error(UL_ROUTER, OURS, 3, 4, 1200)

V6_1280 = ip6_sized(HOST6, REMOTE6, 1280, seq=2)
PING6 = ping6(HOST6, REMOTE6, seq=3)
V6_BIG = ip6_sized(HOST6, REMOTE6, 1281, seq=4)
V4_BIG = ip_sized(HOST, REMOTE, 1181, df=True, id=0x7601, seq=5)
V4_FITS = ip_sized(HOST, REMOTE, 1180, df=True, id=0x7602, seq=6)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, FRAG_NEEDED))]


between = pmtu_check("tun1", [(PEER, 1200, False)])


def send_later():
    return [(0, to_gw(0, HOST_MAC, p)) for p in (V6_1280, PING6, V6_BIG, V4_BIG, V4_FITS)]


def expect():
    return {0: [
        from_gw(0, PEER_MAC, ipip(routed(V6_1280), GW, PEER, ttl=63, df=False)),
        from_gw(0, PEER_MAC, ipip(routed(PING6), GW, PEER, ttl=63, df=False)),
        from_gw(0, HOST_MAC, packet_too_big6(GW_LAN6, V6_BIG, 1280)),
        GenId(from_gw(0, HOST_MAC, frag_needed4(GW, V4_BIG, 1180))),
        from_gw(0, PEER_MAC, ipip(routed(V4_FITS), GW, PEER, ttl=63, df=True, id=0)),
    ]}


def check(actual, stats):
    """The two IPv6 packets' outer ids: the worker's counter, one after the other."""
    ids = [int.from_bytes(f[18:20], "big") for f in actual.get(0, [])[:2]]
    if len(ids) == 2 and ids[1] != (ids[0] + 1) & 0xFFFF:
        return [f"outer ids of the DF-clear packets {ids}: not consecutive"]
    return []


DROPS = {"mtu_exceeded": 2}
EVENTS = {"pmtu_learned": 1, "icmp_errors": 2}
