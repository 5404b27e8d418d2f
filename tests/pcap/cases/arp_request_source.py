"""The sender address of the gateway's ARP requests: the gateway's IPv4 address on the egress
port whose prefix contains the next hop; else the port's first IPv4 address; else the gateway's
first IPv4 address. One held packet per next hop, never answered (no retransmission during the
case: --neigh_retrans_ms=60000):
- 172.16.0.9, on port0's second network (172.16.0.1/24)      -> psrc 172.16.0.1;
- 10.99.0.1, an `onlink` gateway on no network of port0        -> psrc 10.65.132.187 (port0's
  first address);
- 10.98.0.1, an `onlink` gateway out of port2, which has no IPv4 address -> psrc 10.10.100.1
  (the gateway's first IPv4 address: the config's first line).
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 10.65.132.187/24 dev port0
addr add 172.16.0.1/24 dev port0
addr add 2001:db8:2::1/64 dev port2
route add 198.51.100.0/24 via 10.99.0.1 dev port0 onlink
route add 203.0.113.0/24 via 10.98.0.1 dev port2 onlink
"""
PORTS = 3


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in [
        ping4(HOST, "172.16.0.9", id=0x2201, seq=1),
        ping4(HOST, "198.51.100.7", id=0x2202, seq=2),
        ping4(HOST, "203.0.113.7", id=0x2203, seq=3),
    ]]


def expect():
    return {0: [gw_arp_request(0, "172.16.0.1", "172.16.0.9"),
                gw_arp_request(0, GW, "10.99.0.1")],
            2: [gw_arp_request(2, GW_LAN, "10.98.0.1")]}


DROPS = {}
EVENTS = {"arp_requests": 3, "neigh_held": 3}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]

live_check = neigh_check([("172.16.0.9", "port0", None, "INCOMPLETE"),
                          ("10.99.0.1", "port0", None, "INCOMPLETE"),
                          ("10.98.0.1", "port2", None, "INCOMPLETE")])
