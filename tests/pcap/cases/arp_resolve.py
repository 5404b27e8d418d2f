"""ARP resolution: packets routed to a connected next hop with no neighbour entry are held; the
gateway broadcasts one ARP request out of the egress port
  Ether(dst=ff:ff:ff:ff:ff:ff, src=port MAC)/ARP(op 1, hwsrc=port MAC, psrc=the port's address
  on the next hop's network, hwdst=00:00:00:00:00:00, pdst=next hop);
when the neighbour's reply arrives (later in the same input pcap), the held packets leave in the
order they arrived, to the learned MAC, exactly as forwarding sends them (TTL - 1).
Input and output are port0 (a hairpin through the underlay) so that the reply is read after the
packets: the order between two input ports is not defined.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2

NH = "10.65.132.50"
NH_MAC = "52:54:00:00:00:50"
PKTS = [
    ping4("192.0.2.10", NH, id=0x2101, seq=1),
    udp4("192.0.2.10", NH, id=0x2102, size=200, seq=2),
    ping4("192.0.2.11", NH, id=0x2103, seq=3, ttl=2),
]


def send():
    return ([(0, to_gw(0, UL_ROUTER_MAC, p)) for p in PKTS]
            + [(0, arp_reply_to_gw(0, NH_MAC, NH, GW))])


def expect():
    return {0: [gw_arp_request(0, GW, NH)] + [from_gw(0, NH_MAC, routed(p)) for p in PKTS]}


DROPS = {}
EVENTS = {"arp_requests": 1, "neigh_held": 3, "neigh_released": 3, "neigh_failed": 0,
          "arp_ignored": 0}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]    # no retransmission can happen during the case

# The entry learned from the reply is REACHABLE (for --neigh_reachable_ms); `neigh show` prints it
# like `ip neigh`; `config show` writes static entries only, so not this one.
live_check = all_checks(
    neigh_check([(NH, "port0", NH_MAC, DYNAMIC)]),
    gwctl_lines_check(["neigh", "show"], [f"{NH} dev port0 lladdr {NH_MAC} REACHABLE"]),
    gwctl_lines_check(["config", "show"], None, absent=[f"neigh add {NH}"]),
)
