"""Neighbour Advertisements (RFC 4861 7.2.4): an NS (hop limit 255, code 0, valid checksum) for
one of the gateway's IPv6 addresses is answered on the port it came in on with
  Ether(dst=the NS source link-layer option, else the NS Ethernet source, src=port MAC)/
  IPv6(src=target, dst=NS source, hop limit 255, tc 0, flow 0)/
  NA(R=1 (a router), S=1, O=1, target)/target link-layer option(port MAC).
NS forms: to the solicited-node group (Ethernet 33:33:ff:00:00:01, accepted by the port), unicast
to the address, unicast without the source link-layer option (answered to the Ethernet source),
with an option MAC different from the Ethernet source (answered to the option's MAC), and
duplicate address detection from :: (answered to all-nodes ff02::1, Ethernet 33:33:00:00:00:01,
S=0). The soliciting host is learned with the option's MAC (not from the DAD probe).
"""
from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
"""
PORTS = 2

HOST6_2 = "2001:db8:100::3"
OPT_MAC = "52:54:00:00:01:33"
GW_LAN6_NSMA, GW_LAN6_NSMAC = solicited_node(GW_LAN6)

NS = [
    host_ns(HOST_MAC, HOST6, GW_LAN6),                                           # multicast
    host_ns(HOST_MAC, HOST6, GW_LAN6, dst6=GW_LAN6, dst_mac=P1_MAC),             # unicast
    host_ns(HOST_MAC, HOST6, GW_LAN6, dst6=GW_LAN6, dst_mac=P1_MAC, slla=False),  # no option
    host_ns(HOST2_MAC, HOST6_2, GW_LAN6, slla=OPT_MAC),                          # option != Ether src
    host_ns(HOST2_MAC, "::", GW_LAN6, slla=False),                               # DAD
]


def send():
    return [(1, p) for p in NS]


def expect():
    return {1: [
        gw_na(1, HOST_MAC, GW_LAN6, HOST6),
        gw_na(1, HOST_MAC, GW_LAN6, HOST6),
        gw_na(1, HOST_MAC, GW_LAN6, HOST6),
        gw_na(1, OPT_MAC, GW_LAN6, HOST6_2),
        gw_na(1, "33:33:00:00:00:01", GW_LAN6, "ff02::1", solicited=False),
    ]}


DROPS = {}
EVENTS = {"nd_adverts": len(NS), "nd_solicits": 0}

live_check = neigh_check([(HOST6, "port1", HOST_MAC, DYNAMIC),
                          (HOST6_2, "port1", OPT_MAC, DYNAMIC)])
