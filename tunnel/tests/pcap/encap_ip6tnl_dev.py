"""`dev portN` on an ip6tnl tunnel: its outer packets leave through that port only, as Linux routes
them with the tunnel's link as output interface: the most specific IPv6 route through the port,
else the remote is taken as on-link there (UnderlayOnPort6).
- tb is bound to port1 while its remote (2001:db8:65::188) is on port0's prefix: no route through
  port1 covers it, so the outer packet goes out of port1 to the remote's neighbour entry there;
- tc is bound to port1 and its remote 2001:db8:88::1 is routed via 2001:db8:100::9 on port1: the
  outer packet goes to that router. The tunnel MTU is port1's MTU (9000 here) - 48, so a 1600-byte
  inner passes.
"""
from lib import *

ROUTER_LAN6 = "2001:db8:100::9"
ROUTER_LAN_MAC = "52:54:00:00:01:09"
FAR6 = "2001:db8:88::1"

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 2001:db8:100::1/64 dev port1
link set port1 mtu 9000
neigh add {PEER6} lladdr {PEER_MAC} dev port0
neigh add {PEER6} lladdr {PEER2_MAC} dev port1
neigh add {ROUTER_LAN6} lladdr {ROUTER_LAN_MAC} dev port1
route add 2001:db8:88::/64 via {ROUTER_LAN6}
tunnel add tb mode ip6ip6 remote {PEER6} local {GW6_UL} dev port1
tunnel add tc mode ip6ip6 remote {FAR6} local {GW6_UL} dev port1
link set tb up
link set tc up
route add 2001:db8:200::/64 dev tb
route add 2001:db8:201::/64 dev tc
"""
PORTS = 2

TO_B = ping6("2001:db8:ffff::10", REMOTE6, seq=1)
TO_C = ip6_sized("2001:db8:ffff::10", REMOTE6_B, 1600, seq=2)   # over 1452: the MTU is port1's


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, p)) for p in (TO_B, TO_C)]


def expect():
    return {1: [from_gw(1, PEER2_MAC, ip6tnl(routed(TO_B), GW6_UL, PEER6, hlim=64)),
                from_gw(1, ROUTER_LAN_MAC, ip6tnl(routed(TO_C), GW6_UL, FAR6, hlim=64))]}


DROPS = {}
