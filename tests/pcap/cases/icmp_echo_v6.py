"""ICMPv6 echo (RFC 4443 4.2): an echo request to one of the gateway's IPv6 addresses is answered
with IPv6(src=request dst, dst=request src, hop limit 64, traffic class = request's, flow label
0)/echo reply(same id, seq, data). To port1's and port0's address, traffic class 0xb9 with a flow
label, hop limit 1 (delivered, not forwarded), an odd-length payload.
"""
from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2

REQ = [
    ping6(HOST6, GW_LAN6, seq=1, size=56),
    ping6(HOST6, GW6_UL, seq=2),
    IPv6(src=HOST6, dst=GW_LAN6, hlim=64, tc=0xB9, fl=0x12345) / ICMPv6EchoRequest(id=0x77, seq=3, data=b"tc"),
    ping6(HOST6, GW_LAN6, seq=4, hlim=1),
    ping6(HOST6, GW_LAN6, seq=5, size=33),
]


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in REQ]


def expect():
    return {1: [from_gw(1, HOST_MAC, echo_reply6(p)) for p in REQ]}


DROPS = {}
EVENTS = {"icmp_echo_replies": len(REQ), "icmp_errors": 0}
