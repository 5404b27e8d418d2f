"""One worker (--workers=1 of two EAL worker lcores): nothing to spread over.

EAL is given two worker lcores (LCORES) and --workers=1: gatewayd runs one worker, on lcore 1,
which polls both ports and sends on their single TX queue (TX_QUEUES = 1). --spread=auto spreads
nothing with one worker (there are no inbound rings): the input on port0 (16 inner UDP flows of
tun1 x 4 packets, interleaved, then an ARP request for the gateway) leaves in exactly the order
received; spread_out = spread_in = 0, `gwctl -j stats` lists one worker and books.spread all 0,
and `gwctl stats` prints no "spread:" line.
"""
from lib import *

CONFIG = TUN1_CONFIG      # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 1
EXTRA_ARGS = ["--workers=1"]

FLOWS, PER_FLOW = 16, 4


def order():
    return [(f, s) for s in range(PER_FLOW) for f in range(FLOWS)]


def send():
    return ([(0, to_gw(0, PEER_MAC, ipip(tun1_inner(f, s), PEER, GW, ttl=64))) for f, s in order()]
            + [(0, arp_request(UL_ROUTER_MAC, UL_ROUTER, GW))])


def expect():
    return {0: [gw_arp_reply(0, UL_ROUTER_MAC, UL_ROUTER, GW)],
            1: [from_gw(1, HOST_MAC, routed(tun1_inner(f, s))) for f, s in order()]}


DROPS = {}
N = FLOWS * PER_FLOW + 1
EVENTS = {"spread_out": 0, "spread_in": 0, "arp_replies": 1}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N, workers=1, spread=False)
    lc = [w.get("lcore") for w in st.get("books", {}).get("workers", [])]
    if lc != [1]:
        fails.append(f"workers on lcores {lc}, expected [1]")
    return fails + gwctl_lines_check(["stats"], None, absent=["spread:"])(gwctl)
