"""--workers=N uses only the first N of EAL's worker lcores.

EAL is given three worker lcores (LCORES: 1, 2, 3) and --workers=2: gatewayd runs two workers, on
lcores 1 and 2, and every port gets one TX queue per worker, two (TX_QUEUES = 2: each net_pcap
port here offers exactly two, so a third worker could not start). The two workers spread as
usual (--spread=auto: "all" on net_pcap): all input comes in on port0 from tun1's peer, 16 inner
UDP flows x 6 packets, interleaved; port1 sends every inner packet (routed) exactly once, each
flow through one queue in sequence order, both queues used (these flows were checked to split).
`gwctl -j stats` lists the two workers' lcores, 1 and 2, and the books balance.
"""
from lib import *

CONFIG = TUN1_CONFIG      # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1,3@0"
TX_QUEUES = 2
EXTRA_ARGS = ["--workers=2"]

FLOWS, PER_FLOW = 16, 6


def order():
    return [(f, s) for s in range(PER_FLOW) for f in range(FLOWS)]


def send():
    return [(0, to_gw(0, PEER_MAC, ipip(tun1_inner(f, s), PEER, GW, ttl=64))) for f, s in order()]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(tun1_inner(f, s))) for f, s in order()]}


UNORDERED_PORTS = {1}
DROPS = {}
N = FLOWS * PER_FLOW


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N, workers=2)
    lc = sorted(w.get("lcore") for w in st.get("books", {}).get("workers", []))
    lc2 = sorted(w.get("lcore") for w in st.get("lcores", []))
    if lc != [1, 2] or lc2 != [1, 2]:
        fails.append(f"workers on lcores {lc} (books) / {lc2} (lcores), expected [1, 2]")
    return fails


def check(actual, stats, queues):
    fails, where = flow_queue_check(1, queues, {f: PER_FLOW for f in range(FLOWS)})
    return fails + all_queues_check(1, where)
