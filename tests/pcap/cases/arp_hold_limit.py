"""Hold queue limit: at most --neigh_hold (default 32) packets wait for one neighbour; the rest
are dropped as no_neighbour at once. 40 packets to an unresolved next hop, then its ARP reply:
one ARP request, the first 32 packets leave in order with the learned MAC, 8 are no_neighbour.
(Hairpin on port0 so that the reply is read after the packets.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2

NH = "10.65.132.50"
NH_MAC = "52:54:00:00:00:50"
PKTS = [udp4("192.0.2.10", NH, id=0x2300 + i, size=20 + i, seq=i) for i in range(40)]
HOLD = 32


def send():
    return ([(0, to_gw(0, UL_ROUTER_MAC, p)) for p in PKTS]
            + [(0, arp_reply_to_gw(0, NH_MAC, NH, GW))])


def expect():
    return {0: [gw_arp_request(0, GW, NH)] + [from_gw(0, NH_MAC, routed(p)) for p in PKTS[:HOLD]]}


DROPS = {"no_neighbour": len(PKTS) - HOLD}
EVENTS = {"arp_requests": 1, "neigh_held": HOLD, "neigh_released": HOLD}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]
