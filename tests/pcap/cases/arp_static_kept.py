"""Static neighbours (`neigh add`) are never changed by ARP: a request for the gateway's address
from that neighbour's IP with another MAC is answered (to the MAC in the request, as Linux
does), a reply claiming another MAC is ignored; the entry stays PERMANENT with its configured MAC,
and packets to it (one before, one after the ARP frames) go to the configured MAC.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.50 lladdr 52:54:00:00:00:50 dev port0
"""
PORTS = 2

NH = "10.65.132.50"
NH_MAC = "52:54:00:00:00:50"
IMPOSTOR = "52:54:00:00:00:66"
P1 = ping4("192.0.2.10", NH, id=0x2501, seq=1)
P2 = ping4("192.0.2.10", NH, id=0x2502, seq=2)


def send():
    return [(0, f) for f in [
        to_gw(0, UL_ROUTER_MAC, P1),
        arp_request(IMPOSTOR, NH, GW),
        arp_reply_to_gw(0, IMPOSTOR, NH, GW),
        to_gw(0, UL_ROUTER_MAC, P2),
    ]]


def expect():
    return {0: [from_gw(0, NH_MAC, routed(P1)),
                gw_arp_reply(0, IMPOSTOR, NH, GW),
                from_gw(0, NH_MAC, routed(P2))]}


# P2 may be forwarded by the worker before the control thread has seen the ARP frames, so the
# frames alone cannot show that the entry was not overwritten: neigh show does.
UNORDERED_PORTS = {0}
DROPS = {}
EVENTS = {"arp_replies": 1, "arp_requests": 0, "neigh_held": 0}

live_check = all_checks(
    neigh_check([(NH, "port0", NH_MAC, "PERMANENT")]),
    gwctl_lines_check(["neigh", "show"], [f"{NH} dev port0 lladdr {NH_MAC} PERMANENT"]),
    gwctl_lines_check(["config", "show"], None, absent=[IMPOSTOR]),
)
