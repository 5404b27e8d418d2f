"""Two workers, encapsulation: packets of one flow into a tunnel leave in order, through one
worker.

Two worker lcores (LCORES); port0 (underlay) is polled by the first worker, port1 (LAN) by the
second, each transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the
second's). All input comes in on port1 from one LAN host: 16 UDP flows to the remote site behind
tun1 (four destination addresses, distinct source ports) x 12 packets, interleaved, each
carrying its flow and sequence number (flow_payload) and a matching IP id. The second worker
hands every packet whose flow belongs to the first worker (a hash of addresses, protocol and
ports: --spread=auto is "all" on net_pcap) to it, and that worker encapsulates it and sends it
on ITS queue. So:
  (a) port0 sends every packet, routed (TTL - 1) and encapsulated as tunnel_stats_two_workers
      says (outer GW -> PEER, proto 4, TTL inherited, tos 0, DF set, id 0), exactly once;
  (b) within each queue, each flow's packets are in sequence order;
  (c) each flow leaves through one queue only;
  (d) both queues carry flows (the chance that 16 flows hash onto one worker is 2^-15; these
      flows were checked to split);
  and the counters agree: spread_out = spread_in = the frames in port0's first queue (all input
  was the second worker's), the books balance with the rings empty, each frame is received once,
  and tun1 counts every packet (its inner length after routing) as encapsulated.
"""
from lib import *

CONFIG = TUN1_CONFIG      # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

FLOWS, PER_FLOW = 16, 12


def packet(flow, seq):
    return (IP(src=HOST, dst=f"10.10.200.{10 + flow % 4}", ttl=64, id=(flow << 8) | seq)
            / UDP(sport=33000 + 11 * flow, dport=4000 + flow % 3)
            / flow_payload(flow, seq, size=32 + 16 * (flow % 3)))


def order():
    return shuffled_order(FLOWS, PER_FLOW, seed=2)


def send():
    return [(1, to_gw(1, HOST_MAC, packet(f, s))) for f, s in order()]


def encapsulated(p):
    r = routed(p)
    return from_gw(0, PEER_MAC, ipip(r, GW, PEER, ttl=r.ttl, tos=0, df=True, id=0))


def expect():
    return {0: [encapsulated(packet(f, s)) for f, s in order()]}


UNORDERED_PORTS = {0}
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
    return fails + tunnel_stats_check(st, "tun1", {
        "encap_packets": N, "encap_bytes": sum(len(routed(packet(f, s))) for f, s in order()),
        "decap_packets": 0, "decap_bytes": 0})


def check(actual, stats, queues):
    fails, where = flow_queue_check(0, queues, {f: PER_FLOW for f in range(FLOWS)})
    fails += all_queues_check(0, where)
    # All input was the second worker's: the first sent what it was handed.
    return fails + handed_over_check(stats, queues, 0, N, SEEN.get("stats"), receiver=1)
