"""What the gateway originates goes through an ip6tnl tunnel like what it forwards:
- an echo request to the tunnel's IPv6 address (and to its IPv4 one), arriving encapsulated in
  IPv6 from the remote, is answered into the tunnel (the route back to the pinger): the reply
  keeps its hop limit 64 (no decrement: originated here) and the outer header has the tunnel's
  fixed hop limit 64, next header 60 with the encapsulation limit option;
- an inner packet that arrives with hop limit 1 and would be forwarded gets ICMPv6 time exceeded
  back through the tunnel, from the tunnel's IPv6 address (the interface it leaves by), quoting
  the inner packet as it was decapsulated.
"""
from lib import *

TUN6 = "2001:db8:300::1"
TUN4 = "10.10.250.1"
NODE6 = "2001:db8:200::10"
NODE4 = "10.10.200.10"

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add {PEER6} lladdr {PEER_MAC} dev port0
{NEIGH_LAN}tunnel add t6 mode any remote {PEER6} local {GW6_UL}
link set t6 up
addr add {TUN6}/128 dev t6
addr add {TUN4}/32 dev t6
route add 2001:db8:200::/64 dev t6
route add 10.10.200.0/24 dev t6
"""
PORTS = 2

ECHO6 = ping6(NODE6, TUN6, hlim=60, seq=1, size=56)
ECHO4 = ping4(NODE4, TUN4, ttl=60, id=0x3301, seq=2, size=56)
EXPIRING = ping6(NODE6, HOST6, hlim=1, seq=3)


def send():
    return [(0, to_gw(0, PEER_MAC, ip6tnl(p, PEER6, GW6_UL, hlim=64))) for p in (ECHO6, ECHO4, EXPIRING)]


def expect():
    return {0: [from_gw(0, PEER_MAC, ip6tnl(echo_reply6(ECHO6), GW6_UL, PEER6, hlim=64)),
                GenId(from_gw(0, PEER_MAC, ip6tnl(echo_reply4(ECHO4), GW6_UL, PEER6, hlim=64))),
                from_gw(0, PEER_MAC, ip6tnl(time_exceeded6(TUN6, EXPIRING), GW6_UL, PEER6, hlim=64))]}


DROPS = {"ttl_exceeded": 1}
EVENTS = {"icmp_echo_replies": 2, "icmp_errors": 1}
