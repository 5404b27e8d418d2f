"""Neighbour entries belong to a port (`neigh add ADDR lladdr MAC dev portN`, as on Linux, where
neighbours are per device): an entry for 10.10.100.60 on port0 does not serve packets that the
routes send out of port1 (connected 10.10.100.0/24): the gateway resolves 10.10.100.60 on port1
(3 ARP requests, --neigh_retrans_ms=100 apart here), gets no answer and drops the packet
(no_neighbour); the entry on port1 for 10.10.100.61 serves its packet at once. The ARP requests
are sent by the control thread, so their order against the forwarded packet is not defined.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.60 lladdr 52:54:00:00:00:60 dev port0
neigh add 10.10.100.61 lladdr 52:54:00:00:00:61 dev port1
"""
PORTS = 2
EXTRA_ARGS = ["--neigh_retrans_ms=100", "--neigh_probes=3"]
WAIT_S = 1.0
UNORDERED_PORTS = {1}

TO_60 = ping4("10.65.132.5", "10.10.100.60", id=0x1001, seq=1)
TO_61 = ping4("10.65.132.5", "10.10.100.61", id=0x1002, seq=2)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, TO_60)), (0, to_gw(0, UL_ROUTER_MAC, TO_61))]


def expect():
    return {1: [from_gw(1, "52:54:00:00:00:61", routed(TO_61))]
            + [gw_arp_request(1, GW_LAN, "10.10.100.60")] * 3}


DROPS = {"no_neighbour": 1}
EVENTS = {"arp_requests": 3, "neigh_failed": 1}

# the port0 entry is untouched; 10.10.100.60 on port1 is gone after the failed resolution (or
# left FAILED, as Linux shows it)
def live_check(gwctl):
    import json
    rc, out, err = gwctl("-j", "neigh", "show")
    if rc != 0:
        return [f"gwctl -j neigh show: exit {rc}: {err.strip()}"]
    rows = {(n["dst"], n["dev"]): n for n in json.loads(out)}
    fails = []
    for key, mac in [(("10.10.100.60", "port0"), "52:54:00:00:00:60"), (("10.10.100.61", "port1"), "52:54:00:00:00:61")]:
        n = rows.pop(key, None)
        if n is None or n.get("lladdr") != mac or n.get("state") != "PERMANENT":
            fails.append(f"neigh show: {key}: expected {mac} PERMANENT, got {n}")
    for key, n in rows.items():
        if not (key == ("10.10.100.60", "port1") and n.get("state") == "FAILED"):
            fails.append(f"neigh show: unexpected entry {n}")
    return fails
