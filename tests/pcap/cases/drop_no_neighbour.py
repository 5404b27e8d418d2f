"""no_neighbour: the packet is routed but its next hop has no neighbour entry and never answers.
Each such packet is held while the gateway resolves the next hop: --neigh_probes (3) broadcast ARP
requests (IPv6: NS to the solicited-node group) --neigh_retrans_ms apart (100 ms here, to keep the
case short), and when the last one is unanswered the held packet is dropped as no_neighbour.
- a `via` next hop (10.65.132.1, port0); a connected IPv4 host (10.10.100.50) and a connected
  IPv6 host (2001:db8:100::50) on port1;
- a tunnel whose remote (10.65.132.188) has no entry: the outer packet is held;
- a decapsulated packet for a LAN host (10.10.100.2) without an entry.
Requests come from the port's address on the next hop's network. The relative order of requests
for different next hops is not specified (UNORDERED_PORTS); each next hop gets exactly 3.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2
PROBES = 3
EXTRA_ARGS = ["--neigh_retrans_ms=100", f"--neigh_probes={PROBES}"]
WAIT_S = 1.0          # 3 requests 100 ms apart, then the drop
UNORDERED_PORTS = {0, 1}


def send():
    return [
        (1, to_gw(1, HOST_MAC, ping4(HOST, "192.0.2.10", id=0x0F01, seq=1))),
        (0, to_gw(0, UL_ROUTER_MAC, ping4("192.0.2.10", "10.10.100.50", id=0x0F02, seq=2))),
        (1, to_gw(1, HOST_MAC, ping6(HOST6, "2001:db8:100::50", seq=3))),
        (1, to_gw(1, HOST_MAC, ping4(HOST, REMOTE, id=0x0F04, seq=4))),
        (0, to_gw(0, PEER_MAC, ipip(ping4(REMOTE, HOST, id=0x0F05, seq=5), PEER, GW, ttl=64))),
    ]


def expect():
    return {
        0: [gw_arp_request(0, GW, UL_ROUTER), gw_arp_request(0, GW, PEER)] * PROBES,
        1: [gw_arp_request(1, GW_LAN, "10.10.100.50"), gw_ns(1, GW_LAN6, "2001:db8:100::50"),
            gw_arp_request(1, GW_LAN, HOST)] * PROBES,
    }


DROPS = {"no_neighbour": 5}
EVENTS = {"arp_requests": 4 * PROBES, "nd_solicits": PROBES, "neigh_held": 5, "neigh_failed": 5,
          "neigh_released": 0}
