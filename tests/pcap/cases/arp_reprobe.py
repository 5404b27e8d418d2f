"""Neighbour aging: a learned entry stays REACHABLE for --neigh_reachable_ms (300 ms here), then the
gateway re-probes it with unicast ARP requests (Ether dst = the known MAC; the ARP body as in a
broadcast request, target hardware address zero), --neigh_probes (3) of them --neigh_retrans_ms
(100 ms) apart; unanswered, the entry is deleted (`neigh show` no longer lists it).
The entry is learned by resolution (a packet, the gateway's broadcast request, the reply; the
packet is released), all on port0. WAIT_S covers 300 + 3 x 100 ms and the deletion.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2
EXTRA_ARGS = ["--neigh_reachable_ms=300", "--neigh_retrans_ms=100", "--neigh_probes=3"]
WAIT_S = 2.0

NH = "10.65.132.50"
NH_MAC = "52:54:00:00:00:50"
PKT = ping4("192.0.2.10", NH, id=0x2701, seq=1)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, PKT)), (0, arp_reply_to_gw(0, NH_MAC, NH, GW))]


def expect():
    return {0: [gw_arp_request(0, GW, NH), from_gw(0, NH_MAC, routed(PKT))]
            + [gw_arp_request(0, GW, NH, dst_mac=NH_MAC)] * 3}


DROPS = {}
EVENTS = {"arp_requests": 4, "neigh_released": 1}

live_check = neigh_check([])
