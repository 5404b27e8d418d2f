"""Two workers, IPv6 and IPv4 underlay: a flow is the inner packet's, whatever carries it.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
All input comes in on port0: 8 inner IPv4 and 8 inner IPv6 UDP flows (distinct source ports)
x 12 packets, interleaved. Each flow's packets come, in turn, in IPv6 with the encapsulation
limit option (next header 60, then 4/41: t6, ip6tnl), in IPv6 without it (next header 4/41),
and in IPv4 (protocol 4/41: t4), all from the same peer host. The flow hash is the inner packet's
(addresses, protocol, ports), so:
  - port1 sends every inner packet, routed (TTL / hop limit - 1), exactly once;
  - each flow leaves through one queue only, whatever the outer header (IPv4, IPv6, IPv6 with a
    destination options header) and whichever tunnel carried it, in sequence order;
  - both queues carry flows (16 flows: 2^-15 chance of one worker; these were checked to split);
  - spread_out = spread_in = frames in port1's second queue, the books balance, the rings are
    empty, and each tunnel counts the packets it decapsulated.
"""
from lib import *

CONFIG = PORT_ADDRS_DUAL + NEIGH_LAN + f"""\
tunnel add t6 mode any remote {PEER6} local {GW6_UL}
tunnel add t4 mode any remote {PEER} local {GW}
link set t6 up
link set t4 up
"""
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

FLOWS, PER_FLOW = 16, 12


def inner(flow, seq):
    if flow % 2:
        return (IPv6(src=REMOTE6, dst=HOST6, hlim=64)
                / UDP(sport=45000 + 29 * flow, dport=6000) / flow_payload(flow, seq))
    return (IP(src=REMOTE, dst=HOST, ttl=64, id=(flow << 8) | seq)
            / UDP(sport=45000 + 29 * flow, dport=6000) / flow_payload(flow, seq))


def outer(p, seq):
    kind = seq % 3
    if kind == 0:
        return ip6tnl(p, PEER6, GW6_UL, hlim=64)                     # 60 -> 4/41
    if kind == 1:
        return ip6tnl(p, PEER6, GW6_UL, hlim=64, encaplimit=None)    # 4/41
    return ipip(p, PEER, GW, ttl=64)                                 # IPv4 outer, 4/41


def order():
    return shuffled_order(FLOWS, PER_FLOW, seed=3)


def send():
    return [(0, to_gw(0, PEER_MAC, outer(inner(f, s), s))) for f, s in order()]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(inner(f, s))) for f, s in order()]}


UNORDERED_PORTS = {1}
DROPS = {}
N = FLOWS * PER_FLOW
EVENTS = {"spread_out": (1, N - 1), "spread_in": (1, N - 1)}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N)
    for name, kinds in (("t6", (0, 1)), ("t4", (2,))):
        pk = [inner(f, s) for f, s in order() if s % 3 in kinds]
        fails += tunnel_stats_check(st, name, {"decap_packets": len(pk),
                                               "decap_bytes": sum(len(p) for p in pk)})
    return fails


def check(actual, stats, queues):
    fails, where = flow_queue_check(1, queues, {f: PER_FLOW for f in range(FLOWS)})
    fails += all_queues_check(1, where)
    return fails + handed_over_check(stats, queues, 1, N)   # (all input came in on port0)
