"""--spread=tunnel: tunnel packets are handed to the worker of their inner flow; every other
packet stays with the worker that received it.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
port0 is a net_pcap port with a single RX queue. All input comes in on port0, interleaved:
tunnel packets of 16 inner UDP flows from tun1's peer (decapsulated to the LAN host), plain IPv4
and IPv6 UDP packets of 8 flows from the underlay to the LAN (routed, not tunnelled), and an ARP
request for the gateway's underlay address (never spread: not IP). Expected:
  - port1 sends every inner and every plain packet, routed, exactly once;
  - every plain packet leaves through the first worker's queue, in exactly the order received
    (in mode "all" these flows would be spread: they were checked to hash onto both workers);
  - each tunnel flow leaves through one queue, in sequence order, and both queues carry tunnel
    flows (16 flows: 2^-15 chance of one worker; these were checked to split);
  - what the second worker sent is exactly what was handed to it (spread_out = spread_in =
    frames in port1's second queue), the books balance, the rings are empty;
  - the ARP request is answered on port0.
"""
from lib import *

CONFIG = TUN1_CONFIG_DUAL     # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--spread=tunnel"]

TUN_FLOWS, PLAIN_FLOWS, ROUNDS = 16, 8, 6   # tun1_inner() and plain_flow() flows


def inputs():
    """(input frame, expected frame on port1, plain?) in the order sent."""
    for seq in range(ROUNDS):
        for flow in range(TUN_FLOWS):
            p = tun1_inner(flow, seq)
            yield to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64)), from_gw(1, HOST_MAC, routed(p)), False
            if flow % 2 == 1:
                q = plain_flow(flow // 2, seq)
                yield to_gw(0, UL_ROUTER_MAC, q), from_gw(1, HOST_MAC, routed(q)), True
        if seq == 2:
            yield arp_request(UL_ROUTER_MAC, UL_ROUTER, GW), None, False


def send():
    return [(0, i) for i, _, _ in inputs()]


def expect():
    return {0: [gw_arp_reply(0, UL_ROUTER_MAC, UL_ROUTER, GW)],
            1: [o for _, o, _ in inputs() if o is not None]}


UNORDERED_PORTS = {1}
DROPS = {}
N = len(list(inputs()))
EVENTS = {"arp_replies": 1, "spread_out": (1, N - 1), "spread_in": (1, N - 1)}
SEEN = {}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    SEEN["stats"] = st
    return fails + spread_books_check(st, N)


def check(actual, stats, queues):
    flows = {f: ROUNDS for f in range(TUN_FLOWS)}
    flows.update({PLAIN_TAG + f: ROUNDS for f in range(PLAIN_FLOWS)})
    fails, where = flow_queue_check(1, queues, flows)
    fails += all_queues_check(1, {f: q for f, q in where.items() if f < PLAIN_TAG}, what="tunnel flows")
    # The plain packets: the first worker's queue, in the order received.
    want = [bytes(o) for _, o, is_plain in inputs() if is_plain]
    got = [f for f in queues[1][0] if (flow_tag(f) or (0, 0))[0] >= PLAIN_TAG]
    if got != want:
        fails.append(f"port1: the plain packets in the first worker's queue are not those sent, "
                     f"in order ({len(got)} of {len(want)}; flow -> queue: {where})")
    return fails + handed_over_check(stats, queues, 1, N, SEEN.get("stats"))
