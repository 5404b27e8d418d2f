"""Neighbour entries belong to a port (`neigh add ADDR lladdr MAC dev portN`, as on Linux, where
neighbours are per device): an entry for 10.10.100.60 on port0 does not serve packets that the
routes send out of port1 (connected 10.10.100.0/24) -> no_neighbour; the entry on port1 for
10.10.100.61 does.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.60 lladdr 52:54:00:00:00:60 dev port0
neigh add 10.10.100.61 lladdr 52:54:00:00:00:61 dev port1
"""
PORTS = 2

TO_60 = ping4("10.65.132.5", "10.10.100.60", id=0x1001, seq=1)
TO_61 = ping4("10.65.132.5", "10.10.100.61", id=0x1002, seq=2)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, TO_60)), (0, to_gw(0, UL_ROUTER_MAC, TO_61))]


def expect():
    return {1: [from_gw(1, "52:54:00:00:00:61", routed(TO_61))]}


DROPS = {"no_neighbour": 1}
