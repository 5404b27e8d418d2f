"""Encapsulation to an underlay next hop without a neighbour entry: the outer packet (already
encapsulated, TTL decremented) is held, an ARP request for the tunnel remote goes out of the
underlay port, and when the remote answers the held outer packets leave to the learned MAC,
exactly as encap_4in4 sends them. (The inner packets come from the underlay side, port0, so that
the reply, also on port0, is read after them.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

PKTS = [ping4("192.0.2.10", REMOTE, id=0x2601, seq=1),
        udp4("192.0.2.10", "10.10.200.77", ttl=10, id=0x2602, df=True, size=300, seq=2)]


def send():
    return ([(0, to_gw(0, UL_ROUTER_MAC, p)) for p in PKTS]
            + [(0, arp_reply_to_gw(0, PEER_MAC, PEER, GW))])


def expect():
    out = [gw_arp_request(0, GW, PEER)]
    for p in PKTS:
        inner = routed(p)
        out.append(from_gw(0, PEER_MAC, ipip(inner, GW, PEER, ttl=inner.ttl)))
    return {0: out}


DROPS = {}
EVENTS = {"arp_requests": 1, "neigh_held": 2, "neigh_released": 2}
EXTRA_ARGS = ["--neigh_retrans_ms=60000"]

live_check = neigh_check([(PEER, "port0", PEER_MAC, DYNAMIC)])
