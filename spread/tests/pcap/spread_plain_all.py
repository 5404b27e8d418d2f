"""--spread=auto on net_pcap (no RSS queue per worker) is "all": plain IP packets are handed to the
worker of their own flow too; frames that are not IP never are.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
All input comes in on port0, interleaved: plain (not tunnelled) packets of 16 flows from the
underlay to the LAN host (IPv4 UDP, IPv4 TCP, IPv6 UDP, IPv6 TCP; distinct source addresses and
ports), 8 packets each; three ARP requests for the gateway's address; and one frame of an
unknown ethertype (dropped: bad_ethertype). Expected:
  - port1 sends every IP packet, routed, exactly once; each flow leaves through one queue in
    sequence order, and both queues carry flows (16 flows: 2^-15 chance of one worker; these were
    checked to split);
  - port0 sends the three ARP replies (made by the control thread, sent by the first worker);
  - the non-IP frames stay with the first worker, which received them: what was handed to the
    second is exactly what it sent (spread_out = spread_in = frames in port1's second queue), and
    the first worker's `received` is every other frame; the books balance, the rings are empty.
"""
from lib import *

CONFIG = PORT_ADDRS_DUAL + NEIGH_LAN
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

FLOWS, PER_FLOW = 16, 8


def packet(flow, seq):
    l4 = (UDP(sport=30000 + 7 * flow, dport=53) if flow % 4 < 2
          else TCP(sport=30000 + 7 * flow, dport=80, flags="A", seq=1000 + seq, window=512))
    tag = flow_payload(flow, seq)
    if flow % 2:
        return IPv6(src=f"2001:db8:300::{flow:x}", dst=HOST6, hlim=64) / l4 / tag
    return IP(src=f"192.0.2.{flow}", dst=HOST, ttl=64, id=(flow << 8) | seq) / l4 / tag


ODD = raw_frame(P0_MAC, UL_ROUTER_MAC, 0x88B5, bytes(46))   # IEEE local experimental ethertype


def inputs():
    for i, (f, seq) in enumerate(shuffled_order(FLOWS, PER_FLOW, seed=4), 1):
        yield "ip", packet(f, seq)
        if i % FLOWS == 0 and seq in (1, 4, 6):     # after rounds 1, 4 and 6
            yield "arp", arp_request(UL_ROUTER_MAC, UL_ROUTER, GW)
        if i % FLOWS == 0 and seq == 3:             # after round 3
            yield "odd", ODD


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, p) if kind == "ip" else p) for kind, p in inputs()]


def expect():
    return {0: [gw_arp_reply(0, UL_ROUTER_MAC, UL_ROUTER, GW)] * 3,
            1: [from_gw(1, HOST_MAC, routed(p)) for kind, p in inputs() if kind == "ip"]}


UNORDERED_PORTS = {1}
DROPS = {"bad_ethertype": 1}
N = len(list(inputs()))
EVENTS = {"arp_replies": 3, "spread_out": (1, N - 1), "spread_in": (1, N - 1)}
SEEN = {}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    SEEN["stats"] = st
    return fails + spread_books_check(st, N, drops=DROPS)


def check(actual, stats, queues):
    fails, where = flow_queue_check(1, queues, {f: PER_FLOW for f in range(FLOWS)})
    fails += all_queues_check(1, where)
    # The non-IP frames stayed with the first worker: the second sent exactly what it was handed.
    return fails + handed_over_check(stats, queues, 1, N, SEEN.get("stats"))
