"""Three workers, one of which polls no port: it walks what the others hand it.

Three worker lcores (LCORES); the two ports' RX queues are dealt to the first two workers (port0:
the first, port1: the second); the third polls nothing. Each worker transmits on its own TX queue
(TX_QUEUES = 3: outN.pcap, outN.q1.pcap, outN.q2.pcap). All input comes in on port0 from tun1's
peer: 24 inner UDP flows x 8 packets, interleaved (--spread=auto: "all" on net_pcap). The flows are
dealt over the three workers by their inner flow: port1 sends every inner packet (routed) exactly
once, each flow through one queue in sequence order, and every queue carries flows (these 24 were
checked to cover all three). The counters agree per worker: the first received everything and
handed over what the others sent (spread_out = frames in queues 1 and 2), the second and the third
each walked exactly what they sent (received = spread_in = frames in their queue), and the books
balance with the rings empty.
"""
from lib import *

CONFIG = TUN1_CONFIG      # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1,3@0"
TX_QUEUES = 3

FLOWS, PER_FLOW = 24, 8


def inner(flow, seq):
    return (IP(src=f"10.10.200.{2 + flow % 6}", dst=HOST, ttl=64, id=(flow << 8) | seq)
            / UDP(sport=52000 + 41 * flow, dport=5001) / flow_payload(flow, seq))


def order():
    return shuffled_order(FLOWS, PER_FLOW, seed=5)


def send():
    return [(0, to_gw(0, PEER_MAC, ipip(inner(f, s), PEER, GW, ttl=64))) for f, s in order()]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(inner(f, s))) for f, s in order()]}


UNORDERED_PORTS = {1}
DROPS = {}
N = FLOWS * PER_FLOW
SEEN = {}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    SEEN["stats"] = st
    return fails + spread_books_check(st, N, workers=3)


def check(actual, stats, queues):
    fails, where = flow_queue_check(1, queues, {f: PER_FLOW for f in range(FLOWS)})
    fails += all_queues_check(1, where, queues=3)
    n = [len(q) for q in queues[1]]     # frames per queue on port1
    want = [(n[0], n[1] + n[2], 0), (n[1], 0, n[1]), (n[2], 0, n[2])]
    return fails + workers_books_check(SEEN.get("stats"), want)
