"""Ethernet-level drops.

- bad_ethertype: frames to the port's MAC whose ethertype is neither IPv4 nor IPv6;
- not_for_us: frames to another MAC (including the OTHER gateway port's MAC and multicast MACs),
  and broadcast frames, which are accepted but never forwarded (Linux's ip_forward drops
  non-PACKET_HOST frames) - each of these carries a packet that would otherwise be forwarded.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
route add 192.0.2.0/24 via 10.65.132.1 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
"""
PORTS = 2

FWD4 = ping4(HOST, "192.0.2.10", id=0x0901, seq=1)
FWD6 = ping6(HOST6, "2001:db8:ffff::10", seq=2)


def send():
    return [(1, f) for f in [
        # control: forwarded
        to_gw(1, HOST_MAC, FWD4),
        # bad_ethertype
        raw_frame(P1_MAC, HOST_MAC, 0x88B5, bytes(46)),
        raw_frame(P1_MAC, HOST_MAC, 0x0842, bytes(range(46))),
        # not_for_us: someone else's MAC
        Ether(src=HOST_MAC, dst="52:54:00:00:09:09") / FWD4,
        # not_for_us: port0's MAC arriving on port1
        Ether(src=HOST_MAC, dst=P0_MAC) / FWD4,
        # not_for_us: multicast MACs
        Ether(src=HOST_MAC, dst="01:00:5e:00:00:05") / FWD4,
        Ether(src=HOST_MAC, dst="33:33:00:00:00:01") / FWD6,
        # not_for_us: broadcast frames are never forwarded
        Ether(src=HOST_MAC, dst=BCAST_MAC) / FWD4,
        Ether(src=HOST_MAC, dst=BCAST_MAC) / FWD6,
    ]]


def expect():
    return {0: [from_gw(0, UL_ROUTER_MAC, routed(FWD4))]}


DROPS = {"bad_ethertype": 2, "not_for_us": 6}
