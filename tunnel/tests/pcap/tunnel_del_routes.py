"""`tunnel del` takes the tunnel's routes and addresses with it (as Linux does when a device goes):
- 10.10.201.0/24 was routed into tun2: now the less specific 10.10.0.0/16 via 10.65.132.1 applies;
- 10.11.202.0/24 was routed into tun2 with nothing else covering it: no_route;
- 10.10.100.10 was tun2's local address (`addr add ... peer ... dev tun2`): no longer the gateway's,
  it is an ordinary host of port1's connected subnet now;
- its peer's host route 10.11.203.10/32 is gone too: no_route.
Each no_route is answered with ICMP net unreachable (3/0) from port1's address to the LAN host;
those leave port1 with the packet forwarded from port0 to 10.10.100.10: compared in any order.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.10.100.10 lladdr 52:54:00:00:01:10 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
route add 10.10.0.0/16 via 10.65.132.1 dev port0
tunnel add tun2 mode ipip remote 10.65.132.189 local 10.65.132.187
link set tun2 up
addr add 10.10.100.10 peer 10.11.203.10 dev tun2
route add 10.10.201.0/24 dev tun2
route add 10.11.202.0/24 dev tun2
tunnel del tun2
"""
PORTS = 2
UNORDERED_PORTS = {1}

TO_ADDR = ping4("10.65.132.5", "10.10.100.10", id=0x2002, seq=2)


def send():
    return [
        (1, to_gw(1, HOST_MAC, ping4(HOST, "10.10.201.7", id=0x2003, seq=3))),
        (1, to_gw(1, HOST_MAC, ping4(HOST, "10.11.202.7", id=0x2004, seq=4))),    # no_route
        (1, to_gw(1, HOST_MAC, ping4(HOST, "10.11.203.10", id=0x2005, seq=5))),   # no_route
        (0, to_gw(0, UL_ROUTER_MAC, TO_ADDR)),
    ]


def expect():
    return {0: [from_gw(0, UL_ROUTER_MAC, routed(ping4(HOST, "10.10.201.7", id=0x2003, seq=3)))],
            1: [from_gw(1, "52:54:00:00:01:10", routed(TO_ADDR)),
                GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, ping4(HOST, "10.11.202.7", id=0x2004, seq=4), 3, 0))),
                GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, ping4(HOST, "10.11.203.10", id=0x2005, seq=5), 3, 0)))]}


DROPS = {"no_route": 2}
EVENTS = {"icmp_errors": 2}
