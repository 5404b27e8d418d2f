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
import random

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
TX_QUEUES = 2

FLOWS, PER_FLOW = 16, 12


def packet(flow, seq):
    return (IP(src=HOST, dst=f"10.10.200.{10 + flow % 4}", ttl=64, id=(flow << 8) | seq)
            / UDP(sport=33000 + 11 * flow, dport=4000 + flow % 3)
            / flow_payload(flow, seq, size=32 + 16 * (flow % 3)))


def order():
    rng = random.Random(2)
    out = []
    for seq in range(PER_FLOW):
        flows = list(range(FLOWS))
        rng.shuffle(flows)
        out += [(f, seq) for f in flows]
    return out


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
    t = {x["name"]: x for x in st.get("tunnels", [])}.get("tun1", {})
    want = {"encap_packets": N, "encap_bytes": sum(len(routed(packet(f, s))) for f, s in order()),
            "decap_packets": 0, "decap_bytes": 0}
    got = {k: t.get(k) for k in want}
    if got != want:
        fails.append(f"tun1 counters: expected {want}, got {got}")
    return fails


def check(actual, stats, queues):
    fails, where = flow_queue_check(0, queues, {f: PER_FLOW for f in range(FLOWS)})
    used = sorted(set(where.values()))
    if used != [0, 1]:
        fails.append(f"port0: flows left through queues {used} only: nothing was spread "
                     f"(flow -> queue: {where})")
    first = len(queues[0][0])   # all input was the second worker's: the first sent what it was handed
    ev = stats.get("events", {})
    if ev.get("spread_out") != first or ev.get("spread_in") != first:
        fails.append(f"spread_out {ev.get('spread_out')} / spread_in {ev.get('spread_in')}, but the "
                     f"first worker's queue on port0 has {first} frames")
    st = SEEN.get("stats")
    if st:
        ws = sorted(st["books"]["workers"], key=lambda w: w["lcore"])
        got = [(w["received"], w["spread_out"], w["spread_in"]) for w in ws]
        want = [(first, 0, first), (N - first, first, 0)]
        if got != want:
            fails.append(f"books.workers (received, spread_out, spread_in): {got}, expected {want}")
    return fails
