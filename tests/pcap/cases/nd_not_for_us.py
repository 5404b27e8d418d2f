"""ICMPv6 to a multicast group that the gateway does not serve is not_for_us (the port accepts
33:33:xx:xx:xx:xx frames so that ND works, nothing more): an NS for an address that is not the
gateway's (to that address's solicited-node group, and unicast to the port), an echo request to
all-nodes ff02::1, a router solicitation to all-routers ff02::2. None is answered. A valid NS for
the gateway's address follows as a control (answered).
"""
from lib import *
from scapy.layers.inet6 import ICMPv6ND_RS

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
"""
PORTS = 2

OTHER6 = "2001:db8:100::99"


def send():
    return [(1, f) for f in [
        host_ns(HOST_MAC, HOST6, OTHER6),
        host_ns(HOST_MAC, HOST6, OTHER6, dst6=OTHER6, dst_mac=P1_MAC),
        Ether(src=HOST_MAC, dst="33:33:00:00:00:01") / ping6(HOST6, "ff02::1", hlim=1, seq=3),
        (Ether(src=HOST_MAC, dst="33:33:00:00:00:02")
         / IPv6(src=HOST6, dst="ff02::2", hlim=255) / ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=HOST_MAC)),
        host_ns(HOST_MAC, HOST6, GW_LAN6),
    ]]


def expect():
    return {1: [gw_na(1, HOST_MAC, GW_LAN6, HOST6)]}


DROPS = {"not_for_us": 4}
EVENTS = {"nd_adverts": 1}
live_check = neigh_check([(HOST6, "port1", HOST_MAC, DYNAMIC)])
