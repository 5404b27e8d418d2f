"""IPv6 neighbour resolution: packets to a connected IPv6 next hop without an entry are held; the
gateway sends one NS out of the egress port to the target's solicited-node group
  Ether(dst=33:33:ff:00:00:50, src=port MAC)/IPv6(src=the port's address on that prefix,
  dst=ff02::1:ff00:50, hop limit 255)/NS(target)/source link-layer option(port MAC);
the neighbour's NA (later in the same input pcap) releases them in order, hop limit - 1, to the
advertised MAC. (Hairpin on port0 so that the NA is read after the packets.)
"""
from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
"""
PORTS = 2

NH6 = "2001:db8:65::50"
NH_MAC = "52:54:00:00:00:50"
PKTS = [ping6("2001:db8:ffff::10", NH6, seq=1), udp6("2001:db8:ffff::10", NH6, hlim=2, size=100, seq=2)]


def send():
    return ([(0, to_gw(0, UL_ROUTER_MAC, p)) for p in PKTS]
            + [(0, host_na(0, NH_MAC, NH6, GW6_UL))])


def expect():
    return {0: [gw_ns(0, GW6_UL, NH6)] + [from_gw(0, NH_MAC, routed(p)) for p in PKTS]}


DROPS = {}
EVENTS = {"nd_solicits": 1, "neigh_held": 2, "neigh_released": 2}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]

live_check = neigh_check([(NH6, "port0", NH_MAC, DYNAMIC)])
