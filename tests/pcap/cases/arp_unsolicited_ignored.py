"""An ARP reply nobody asked for (no entry for its sender) is ignored, as Linux does with
arp_accept=0: no neighbour is created (event arp_ignored, no drop counted), so a packet to that
address afterwards is held and triggers an ARP request (never answered here).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2

NH = "10.65.132.50"
NH_MAC = "52:54:00:00:00:50"


def send():
    return [(0, f) for f in [
        arp_reply_to_gw(0, NH_MAC, NH, GW),
        to_gw(0, UL_ROUTER_MAC, ping4("192.0.2.10", NH, id=0x2401, seq=1)),
    ]]


def expect():
    return {0: [gw_arp_request(0, GW, NH)]}


DROPS = {}
EVENTS = {"arp_ignored": 1, "arp_requests": 1, "neigh_held": 1, "neigh_released": 0}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]

live_check = all_checks(
    neigh_check([(NH, "port0", None, "INCOMPLETE")]),
    gwctl_lines_check(["neigh", "show"], [f"{NH} dev port0 INCOMPLETE"]),
)
