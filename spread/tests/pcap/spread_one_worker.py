"""One worker (--workers=1 of two EAL worker lcores): nothing to spread over.

EAL is given two worker lcores (LCORES) and --workers=1: gatewayd runs one worker, on lcore 1,
which polls both ports and sends on their single TX queue (TX_QUEUES = 1). --spread=auto spreads
nothing with one worker (there are no inbound rings): the input on port0 (16 inner UDP flows of
tun1 x 4 packets, interleaved, then an ARP request for the gateway) leaves in exactly the order
received; spread_out = spread_in = 0, `gwctl -j stats` lists one worker and books.spread all 0,
and `gwctl stats` prints no "spread:" line.
"""
from lib import *

CONFIG = f"""\
addr add {GW}/24 dev port0
addr add {GW_LAN}/24 dev port1
neigh add {PEER} lladdr {PEER_MAC} dev port0
neigh add {HOST} lladdr {HOST_MAC} dev port1
tunnel add tun1 mode ipip remote {PEER} local {GW}
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 1
EXTRA_ARGS = ["--workers=1"]

FLOWS, PER_FLOW = 16, 4


def inner(flow, seq):
    return (IP(src=REMOTE, dst=HOST, ttl=64, id=(flow << 8) | seq)
            / UDP(sport=50000 + 37 * flow, dport=5001) / flow_payload(flow, seq))


def order():
    return [(f, s) for s in range(PER_FLOW) for f in range(FLOWS)]


def send():
    return ([(0, to_gw(0, PEER_MAC, ipip(inner(f, s), PEER, GW, ttl=64))) for f, s in order()]
            + [(0, arp_request(UL_ROUTER_MAC, UL_ROUTER, GW))])


def expect():
    return {0: [gw_arp_reply(0, UL_ROUTER_MAC, UL_ROUTER, GW)],
            1: [from_gw(1, HOST_MAC, routed(inner(f, s))) for f, s in order()]}


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
    rc, text, err = gwctl("stats")
    if rc != 0 or any("spread:" in ln for ln in text.splitlines()):
        fails.append(f"gwctl stats (rc {rc}) shows a spread line with one worker:\n{text}")
    return fails
