"""Resolution under a flood: 6000 packets to an unresolved next hop arrive back to back (more than
the 4096-slot ring to the control thread), then the neighbour's ARP reply. Held packets may not take
the ring's last 1024 slots, so the reply always gets through: one ARP request, the first 32 packets
leave in order with the learned MAC, every other one is no_neighbour (dropped by the worker at the
ring's reserve or by the control thread at the hold limit: the same reason either way), and nothing
is slowpath_full. Without the reserve the reply would be lost and nothing would leave.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2

NH = "10.65.132.50"
NH_MAC = "52:54:00:00:00:50"
N = 6000
HOLD = 32
PKTS = [udp4("192.0.2.10", NH, id=i & 0xffff, size=20, seq=i) for i in range(N)]


def send():
    return ([(0, to_gw(0, UL_ROUTER_MAC, p)) for p in PKTS]
            + [(0, arp_reply_to_gw(0, NH_MAC, NH, GW))])


def expect():
    return {0: [gw_arp_request(0, GW, NH)] + [from_gw(0, NH_MAC, routed(p)) for p in PKTS[:HOLD]]}


DROPS = {"no_neighbour": N - HOLD}
EVENTS = {"arp_requests": 1, "neigh_held": HOLD, "neigh_released": HOLD}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]
