"""ICMP errors that do not quote one of our outer packets change nothing (Linux's ipip_err finds no
tunnel for them): dropped icmp_refused, and the path MTU stays unknown (gwctl: no pmtu), so a
1480-byte inner still goes through tun1 afterwards and 1481 bytes still get MTU 1480:
- quoted source not ours (10.65.132.50), or ours but the ICMP sent to another of our addresses;
- quoted destination that is no tunnel's remote (10.65.132.199), or not unicast (224.0.0.5);
- quoted protocol 41 to a tunnel that carries only IPv4 (mode ipip).
About one of ours but changing nothing, icmp_handled: fragmentation needed with an MTU (1600)
above the port's 1500 (Linux: "old_mtu < mtu" is ignored).
Not a tunnel's at all (the core's answer, local_unsupported): quoting UDP; a quote whose IPv4
header is broken (IHL 4).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 1

INNER = routed(ip_sized(HOST, REMOTE, 1480, df=True, id=0x7201, seq=1))


def outer(src=GW, dst=PEER, inner=INNER):
    return ipip(inner, src, dst, ttl=63)


def frag_needed(quoted, mtu=1400, to=GW):
    """The underlay router's fragmentation needed about `quoted`, as icmp4_error builds it, sent
    to `to`."""
    icmp = bytes(icmp4_error(UL_ROUTER, quoted, 3, 4, mtu)[Raw])
    return IP(src=UL_ROUTER, dst=to, ttl=64, tos=0xC0, id=0, proto=1) / Raw(icmp)


BROKEN = bytearray(bytes(outer()))
BROKEN[0] = 0x44   # IHL 4 (its checksum does not matter: nothing reads it)

SPOOFED = [
    frag_needed(outer(src="10.65.132.50"), to=GW),
    frag_needed(outer(), to=GW_LAN),
    frag_needed(outer(dst=STRANGER)),
    frag_needed(outer(dst="224.0.0.5")),
    frag_needed(outer(inner=ip6_sized(HOST6, REMOTE6, 1480))),   # protocol 41 on an ipip tunnel
]
NOT_LOWER = frag_needed(outer(), mtu=1600)
NOT_TUNNEL = [
    frag_needed(udp4(GW, PEER, size=100)),
    frag_needed(bytes(BROKEN)),
]

FITS = ip_sized(HOST, REMOTE, 1480, df=True, id=0x7301, seq=2)
BIG = ip_sized(HOST, REMOTE, 1481, df=True, id=0x7302, seq=3)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, p)) for p in SPOOFED + [NOT_LOWER] + NOT_TUNNEL]


between = pmtu_check("tun1", [])


def send_later():
    return [(0, to_gw(0, HOST_MAC, p)) for p in (FITS, BIG)]


def expect():
    return {0: [
        from_gw(0, PEER_MAC, ipip(routed(FITS), GW, PEER, ttl=63)),
        GenId(from_gw(0, HOST_MAC, frag_needed4(GW, BIG, 1480))),
    ]}


DROPS = {"icmp_refused": 5, "icmp_handled": 1, "local_unsupported": 2, "mtu_exceeded": 1}
EVENTS = {"pmtu_learned": 0, "punted": 0, "icmp_relayed": 0, "icmp_errors": 1}
