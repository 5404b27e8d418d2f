"""ICMP echo (RFC 792, RFC 1122 3.2.2.6): an echo request to any of the gateway's IPv4 addresses
is answered with IP(src=request dst, dst=request src, TTL 64, TOS = request TOS, DF clear, id
chosen by the gateway)/ICMP(0, 0, same id, seq, data), routed like any packet the gateway
originates (here out of port1 to the LAN host, no TTL decrement).
Requests: to port1's and to port0's address (both from the LAN), TOS 0xb9 copied whole, TTL 1
(delivered, not forwarded), DF set (reply has DF clear), an odd-length payload (checksum over an
odd number of bytes), and an empty payload padded to 60 bytes (the reply is 42 bytes).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2

REQ = [
    ping4(HOST, GW_LAN, id=0x3101, seq=1, size=56),
    ping4(HOST, GW, id=0x3102, seq=2),
    ping4(HOST, GW_LAN, id=0x3103, seq=3, tos=0xB9),
    ping4(HOST, GW_LAN, id=0x3104, seq=4, ttl=1),
    ping4(HOST, GW_LAN, id=0x3105, seq=5, df=True),
    ping4(HOST, GW_LAN, id=0x3106, seq=6, size=33),
    ping4(HOST, GW_LAN, id=0x3107, seq=7, size=0),
]


def send():
    frames = [to_gw(1, HOST_MAC, p) for p in REQ]
    frames[-1] = frames[-1] / Padding(b"\0" * 18)       # 42 -> 60 bytes
    return [(1, f) for f in frames]


def expect():
    return {1: [GenId(from_gw(1, HOST_MAC, echo_reply4(p))) for p in REQ]}


DROPS = {}
EVENTS = {"icmp_echo_replies": len(REQ), "icmp_errors": 0}
