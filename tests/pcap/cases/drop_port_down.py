"""link_down for ports set administratively down (`link set port1 down`):
- a frame received on the down port is dropped;
- a packet routed out of the down port is dropped (plain, and decapsulated);
- an encapsulated packet whose underlay leaves by a down port is dropped (tun2's remote is on
  port1's LAN).
Traffic between up ports is unaffected.

NOTE: the spec only says ports start up; this case follows gatewayd's documented reason
("ingress port, egress port or tunnel administratively down"). Linux would not receive on a down
device at all and would have removed the routes through it (no route): a drop either way, with a
different name.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 10.20.0.1/24 dev port2
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.20.0.2 lladdr 52:54:00:00:02:02 dev port2
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
tunnel add tun2 mode ipip remote 10.10.100.2 local 10.10.100.1
link set tun2 up
route add 10.10.201.0/24 dev tun2
link set port1 down
"""
PORTS = 3

OK = ping4("10.20.0.2", "10.65.132.188", id=0x1B01, seq=1)


def send():
    return [
        (2, to_gw(2, "52:54:00:00:02:02", OK)),                                           # port2 -> port0
        (1, to_gw(1, HOST_MAC, ping4(HOST, "10.20.0.2", id=0x1B02, seq=2))),               # ingress down
        (2, to_gw(2, "52:54:00:00:02:02", ping4("10.20.0.2", HOST, id=0x1B03, seq=3))),    # egress down
        (0, to_gw(0, PEER_MAC, ipip(ping4(REMOTE, HOST, id=0x1B04, seq=4), PEER, GW, ttl=64))),  # decap, egress down
        (2, to_gw(2, "52:54:00:00:02:02", ping4("10.20.0.2", "10.10.201.5", id=0x1B05, seq=5))),  # tun2 via port1
    ]


def expect():
    return {0: [from_gw(0, PEER_MAC, routed(OK))]}


DROPS = {"link_down": 4}
