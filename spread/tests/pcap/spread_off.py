"""--spread=off with two workers: every packet stays with the worker that received it.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
All input comes in on port0: tunnel packets of 16 inner UDP flows from tun1's peer (to be
decapsulated to the LAN host) interleaved with plain IPv4 and IPv6 packets of 8 flows from the
underlay router to the LAN (routed), and an ARP request for the gateway's underlay address.
With spreading off the first worker walks them all: port1 sends every packet from the first
worker's queue, in exactly the order received (the second queue stays empty; compared in order),
and nothing is handed over: spread_out = spread_in = 0, books.spread all 0, the second worker
receives nothing, and `gwctl stats` prints no "spread:" line. The ARP request is answered (by the
control thread, on port0).
"""
from lib import *

CONFIG = TUN1_CONFIG_DUAL     # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--spread=off"]

TUN_FLOWS, PLAIN_FLOWS, ROUNDS = 16, 8, 6


def inputs():
    """(input frame, expected output frame on port1) in the order sent: inner flows of tun1
    (tun1_inner) and, after each even-numbered one, plain flows (plain_flow)."""
    for seq in range(ROUNDS):
        for flow in range(TUN_FLOWS):
            p = tun1_inner(flow, seq)
            yield to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64)), from_gw(1, HOST_MAC, routed(p))
            if flow % 2 == 0:
                q = plain_flow(flow // 2, seq)
                yield to_gw(0, UL_ROUTER_MAC, q), from_gw(1, HOST_MAC, routed(q))


def send():
    return ([(0, i) for i, _ in inputs()]
            + [(0, arp_request(UL_ROUTER_MAC, UL_ROUTER, GW))])


def expect():
    return {0: [gw_arp_reply(0, UL_ROUTER_MAC, UL_ROUTER, GW)],
            1: [o for _, o in inputs()]}


DROPS = {}
N = len(list(inputs())) + 1
EVENTS = {"spread_out": 0, "spread_in": 0, "arp_replies": 1}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N, spread=False)
    ws = sorted(st.get("books", {}).get("workers", []), key=lambda w: w["lcore"])
    got = [w.get("received") for w in ws]
    if got != [N, 0]:
        fails.append(f"books.workers received {got}, expected [{N}, 0]: the first worker walks all")
    return fails + gwctl_lines_check(["stats"], None, absent=["spread:"])(gwctl)


def check(actual, stats, queues):
    if queues[1][1]:
        return [f"port1: {len(queues[1][1])} frames in the second worker's queue, expected none"]
    return []
