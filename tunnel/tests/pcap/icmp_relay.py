"""ICMP errors from the underlay about our outer packets, relayed to the inner source (RFC 2003 4;
for IPv6 inners as Linux's sit, ip6_err_gen_icmpv6_unreach), when the router quoted the inner
header and 8 bytes more (Linux routers quote 548 bytes). The relayed error is one of ours: from
the address of the port toward the inner source, quoting the inner packet as far as the router
quoted it, rate-limited; the message received counts icmp_handled, each relay icmp_relayed.
- time exceeded (11/0) about an IPIP packet: host unreachable (3/1), RFC 2003 4.4;
- host unreachable (3/1) about an IPIP packet: host unreachable;
- network unreachable (3/0) about a 6in4 packet: ICMPv6 address unreachable (1/3);
- time exceeded about a 6in4 packet: ICMPv6 time exceeded (3/0).
Not relayed (icmp_handled only): port unreachable (RFC 2003 4.1: MUST NOT), source quench,
redirect, parameter problem, reassembly time exceeded (11/1), a quote of the outer header and 8
bytes only (RFC 792), and one whose inner is itself an ICMP error (never an error about an error).
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
"""
PORTS = 2


def ours(inner):
    """Our outer packet around `inner` as it left: routed, TTL inherited."""
    r = routed(inner)
    return ipip(r, GW, PEER, ttl=hop_limit(r))


def error(quoted, type, code, cut=None):
    """The underlay router's ICMP error about `quoted` (548 bytes of it, or `cut`)."""
    if cut is None:
        return icmp4_error(UL_ROUTER, quoted, type, code)
    body = bytes(ICMP(type=type, code=code) / Raw(bytes(quoted)[:cut]))
    return IP(src=UL_ROUTER, dst=GW, ttl=64, tos=0xC0, id=0, proto=1) / Raw(body)


UDP4 = udp4(HOST, REMOTE, id=0x7a01, size=600, seq=1)
UDP4B = udp4(HOST, REMOTE, id=0x7a02, size=64, seq=2)
UDP6 = udp6(HOST6, REMOTE6, size=600, seq=3)
PING6 = ping6(HOST6, REMOTE6, seq=4)
# An ICMP error the host sent through the tunnel (a port unreachable about some packet of REMOTE).
HOST_ERROR = icmp4_error(HOST, udp4(REMOTE, HOST, size=20, seq=5), 3, 3)

RELAYED = [   # (router's message, the inner it quotes, what the host gets)
    (error(ours(UDP4), 11, 0), "v4", 3, 1),
    (error(ours(UDP4B), 3, 1), "v4", 3, 1),
    (error(ours(UDP6), 3, 0), "v6", 1, 3),
    (error(ours(PING6), 11, 0), "v6", 3, 0),
]
NOT_RELAYED = [
    error(ours(UDP4), 3, 3),
    error(ours(UDP4), 4, 0),
    error(ours(UDP4), 5, 1),
    error(ours(UDP4), 12, 0),
    error(ours(UDP4), 11, 1),
    error(ours(UDP4), 11, 0, cut=28),
    error(ours(HOST_ERROR), 11, 0),
]


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, m)) for m, *_ in RELAYED] + \
           [(0, to_gw(0, UL_ROUTER_MAC, m)) for m in NOT_RELAYED]


def expect():
    out = []
    for msg, family, type, code in RELAYED:
        quote = bytes(msg[Raw])[8 + 20:]       # what the router quoted after our outer header
        if family == "v4":
            out.append(GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, quote, type, code))))
        else:
            cls = ICMPv6DestUnreach if type == 1 else ICMPv6TimeExceeded
            out.append(from_gw(1, HOST_MAC, icmp6_error(GW_LAN6, quote, cls, code=code)))
    return {1: out}


DROPS = {"icmp_handled": len(RELAYED) + len(NOT_RELAYED)}
EVENTS = {"icmp_relayed": 4, "icmp_errors": 4, "icmp_ratelimited": 0, "punted": 0}
