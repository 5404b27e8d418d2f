"""The IPv6 underlay's next hop (ip6tnl): the outer destination is routed with the IPv6 routes and
its neighbour resolved by Neighbour Discovery.
- t1's remote is on port0's prefix without a neighbour entry: the outer packets (already
  encapsulated) are held, one NS for the remote goes out of port0 to its solicited-node group,
  and the remote's NA releases them, in order, to the advertised MAC, as encap_6in6 sends them;
- t2's remote 2001:db8:77::5 is behind the underlay router (`route add 2001:db8:77::/64 via
  2001:db8:65::1`): its outer packets go to the router's MAC (a static entry), addressed to the
  remote.
(The inner packets come from the underlay side, port0, so that the NA is read after them.)
"""
from lib import *

REMOTE_FAR = "2001:db8:77::5"

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add {UL_ROUTER6} lladdr {UL_ROUTER_MAC} dev port0
route add 2001:db8:77::/64 via {UL_ROUTER6}
tunnel add t1 mode ip6ip6 remote {PEER6} local {GW6_UL}
tunnel add t2 mode ipip6 remote {REMOTE_FAR} local {GW6_UL} encaplimit none
link set t1 up
link set t2 up
route add 2001:db8:200::/64 dev t1
route add 10.10.201.0/24 dev t2
"""
PORTS = 2

HELD = [ping6("2001:db8:ffff::10", REMOTE6, seq=1), udp6("2001:db8:ffff::10", "2001:db8:200::77", hlim=9, size=200, seq=2)]
FAR = ping4("192.0.2.10", REMOTE_B, id=0x7701, seq=3)


def send():
    return ([(0, to_gw(0, UL_ROUTER_MAC, p)) for p in HELD + [FAR]]
            + [(0, host_na(0, PEER_MAC, PEER6, GW6_UL))])


def expect():
    # (FAR leaves from the walk; the NS and the held packets come after, from the control thread.)
    return {0: [from_gw(0, UL_ROUTER_MAC, ip6tnl(routed(FAR), GW6_UL, REMOTE_FAR, hlim=64,
                                                 encaplimit=None)),
                gw_ns(0, GW6_UL, PEER6)]
            + [from_gw(0, PEER_MAC, ip6tnl(routed(p), GW6_UL, PEER6, hlim=64)) for p in HELD]}


DROPS = {}
EVENTS = {"nd_solicits": 1, "neigh_held": 2, "neigh_released": 2}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]

live_check = neigh_check([(PEER6, "port0", PEER_MAC, DYNAMIC),
                          (UL_ROUTER6, "port0", UL_ROUTER_MAC, "PERMANENT")])
