"""No route: the packet is dropped (no_route) and its source gets
- IPv4: ICMP destination unreachable, net unreachable (RFC 792 type 3 code 0), from port1's first
  address, TTL 64, TOS 0xc0, quoting the packet as received;
- IPv6: ICMPv6 destination unreachable, no route to destination (RFC 4443 3.1, type 1 code 0),
  from port1's first IPv6 address, hop limit 64, quoting the packet as received.
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2

P4 = udp4(HOST, "198.51.100.1", id=0x4301, size=100)
P6 = ping6(HOST6, "2001:db8:dead::1", seq=2)


def send():
    return [(1, to_gw(1, HOST_MAC, P4)), (1, to_gw(1, HOST_MAC, P6))]


def expect():
    return {1: [GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, P4, 3, 0))),
                from_gw(1, HOST_MAC, icmp6_error(GW_LAN6, P6, ICMPv6DestUnreach, code=0))]}


DROPS = {"no_route": 2}
EVENTS = {"icmp_errors": 2}
