"""Two workers, decapsulation: packets of one inner flow leave in order, through one worker.

Two worker lcores (LCORES); port0 (underlay) is polled by the first worker, port1 (LAN) by the
second, and each transmits on its own TX queue (TX_QUEUES: outN.pcap is the first worker's queue,
outN.q1.pcap the second's). All input comes in on port0, from one tunnel peer: 16 inner UDP flows
(same addresses, distinct source ports) x 12 packets, interleaved; the inner packets carry their
flow and sequence number (flow_payload) and a matching IP id. The outer headers are all alike
(PEER -> GW, proto 4), so only the inner flow can tell them apart: the first worker hands every
packet whose inner flow belongs to the second worker (a hash of inner addresses, protocol and
ports; --spread=auto is "all" on net_pcap, which has no RSS queue per worker) to it through its
inbound ring, and that worker walks it and sends it on ITS queue. So:
  (a) port1 sends every inner packet, routed (TTL - 1), exactly once (in any order);
  (b) within each queue, each flow's packets are in sequence order;
  (c) each flow leaves through one queue only (one flow, one worker);
  (d) both queues carry flows: the first worker did hand some over. With 16 flows the chance that
      a flow hash puts all of them on one worker is 2^-15; these source ports were checked to
      split (the case does not depend on which flow goes where, only that both are used);
  and the counters agree: what the second worker sent is exactly what was handed to it
  (spread_out = spread_in = frames in port1's second queue), the books balance with nothing left
  in the rings, each frame is received once (the workers' `received` add up to the frames sent),
  and tun1 counts every packet as decapsulated.
"""
from lib import *

CONFIG = TUN1_CONFIG      # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

FLOWS, PER_FLOW = 16, 12


def inner(flow, seq):
    """REMOTE -> HOST, UDP 50000 + 37 * flow -> 5001 (tun1_inner), payload sizes varying by flow."""
    return tun1_inner(flow, seq, size=40 + 8 * (flow % 4))


def order():
    """(flow, seq) in the order sent: round after round, the flows shuffled in each."""
    return shuffled_order(FLOWS, PER_FLOW, seed=1)


def send():
    return [(0, to_gw(0, PEER_MAC, ipip(inner(f, s), PEER, GW, ttl=64))) for f, s in order()]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(inner(f, s))) for f, s in order()]}


UNORDERED_PORTS = {1}     # (a); the order is checked per queue and per flow in check()
DROPS = {}
N = FLOWS * PER_FLOW
EVENTS = {"spread_out": (1, N - 1), "spread_in": (1, N - 1)}
SEEN = {}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    SEEN["stats"] = st
    fails += spread_books_check(st, N)
    fails += tunnel_stats_check(st, "tun1", {
        "decap_packets": N, "decap_bytes": sum(len(inner(f, s)) for f, s in order()),
        "encap_packets": 0, "encap_bytes": 0})
    out = st.get("books", {}).get("spread", {}).get("out")
    rc, text, err = gwctl("stats")
    line = f"  spread: handed to another worker {out} = taken by it {out} + in its ring 0"
    if rc != 0 or line not in text.splitlines():
        fails.append(f"gwctl stats: no line {line!r} in:\n{text}")
    return fails


def check(actual, stats, queues):
    fails, where = flow_queue_check(1, queues, {f: PER_FLOW for f in range(FLOWS)})
    fails += all_queues_check(1, where)
    # Everything came in on port0 (the first worker): the second worker sent exactly what it
    # was handed.
    return fails + handed_over_check(stats, queues, 1, N, SEEN.get("stats"))
