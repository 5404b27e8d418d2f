"""bad_icmp: an ICMP echo request to the gateway whose ICMP checksum is wrong is dropped, not
answered (RFC 1122 3.2.2: silently discard); likewise an ICMPv6 echo request with a bad checksum
(RFC 4443 2.4). A valid request of each family follows as a control (answered).
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2

GOOD4 = ping4(HOST, GW_LAN, id=0x3301, seq=1)
GOOD6 = ping6(HOST6, GW_LAN6, seq=2)


def corrupt(frame, off):
    """frame with the 16-bit checksum at byte offset off plus one."""
    b = bytes(frame)
    c = (int.from_bytes(b[off:off + 2], "big") + 1) & 0xFFFF
    return b[:off] + c.to_bytes(2, "big") + b[off + 2:]


BAD = [
    corrupt(to_gw(1, HOST_MAC, ping4(HOST, GW_LAN, id=0x3302, seq=3)), 14 + 20 + 2),
    corrupt(to_gw(1, HOST_MAC, ping6(HOST6, GW_LAN6, seq=4)), 14 + 40 + 2),
]


def send():
    return [(1, f) for f in BAD + [to_gw(1, HOST_MAC, GOOD4), to_gw(1, HOST_MAC, GOOD6)]]


def expect():
    return {1: [GenId(from_gw(1, HOST_MAC, echo_reply4(GOOD4))),
                from_gw(1, HOST_MAC, echo_reply6(GOOD6))]}


DROPS = {"bad_icmp": len(BAD)}
EVENTS = {"icmp_echo_replies": 2}
