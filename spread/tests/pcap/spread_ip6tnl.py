"""Two workers, IPv6 and IPv4 underlay: a flow is the inner packet's, whatever carries it.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
All input comes in on port0: 8 inner IPv4 and 8 inner IPv6 UDP flows (distinct source ports)
x 12 packets, interleaved. Each flow's packets come, in turn, in IPv6 with the encapsulation
limit option (next header 60, then 4/41: t6, ip6tnl), in IPv6 without it (next header 4/41),
and in IPv4 (protocol 4/41: t4), all from the same peer host. The flow hash is the inner packet's
(addresses, protocol, ports), so:
  - port1 sends every inner packet, routed (TTL / hop limit - 1), exactly once;
  - each flow leaves through one queue only, whatever the outer header (IPv4, IPv6, IPv6 with a
    destination options header) and whichever tunnel carried it, in sequence order;
  - both queues carry flows (16 flows: 2^-15 chance of one worker; these were checked to split);
  - spread_out = spread_in = frames in port1's second queue, the books balance, the rings are
    empty, and each tunnel counts the packets it decapsulated.
"""
import random

from lib import *

CONFIG = f"""\
addr add {GW}/24 dev port0
addr add {GW6_UL}/64 dev port0
addr add {GW_LAN}/24 dev port1
addr add {GW_LAN6}/64 dev port1
{NEIGH_LAN}tunnel add t6 mode any remote {PEER6} local {GW6_UL}
tunnel add t4 mode any remote {PEER} local {GW}
link set t6 up
link set t4 up
"""
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

FLOWS, PER_FLOW = 16, 12


def inner(flow, seq):
    if flow % 2:
        return (IPv6(src=REMOTE6, dst=HOST6, hlim=64)
                / UDP(sport=45000 + 29 * flow, dport=6000) / flow_payload(flow, seq))
    return (IP(src=REMOTE, dst=HOST, ttl=64, id=(flow << 8) | seq)
            / UDP(sport=45000 + 29 * flow, dport=6000) / flow_payload(flow, seq))


def outer(p, seq):
    kind = seq % 3
    if kind == 0:
        return ip6tnl(p, PEER6, GW6_UL, hlim=64)                     # 60 -> 4/41
    if kind == 1:
        return ip6tnl(p, PEER6, GW6_UL, hlim=64, encaplimit=None)    # 4/41
    return ipip(p, PEER, GW, ttl=64)                                 # IPv4 outer, 4/41


def order():
    rng = random.Random(3)
    out = []
    for seq in range(PER_FLOW):
        flows = list(range(FLOWS))
        rng.shuffle(flows)
        out += [(f, seq) for f in flows]
    return out


def send():
    return [(0, to_gw(0, PEER_MAC, outer(inner(f, s), s))) for f, s in order()]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(inner(f, s))) for f, s in order()]}


UNORDERED_PORTS = {1}
DROPS = {}
N = FLOWS * PER_FLOW
EVENTS = {"spread_out": (1, N - 1), "spread_in": (1, N - 1)}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N)
    tun = {x["name"]: x for x in st.get("tunnels", [])}
    for name, kinds in (("t6", (0, 1)), ("t4", (2,))):
        pk = [inner(f, s) for f, s in order() if s % 3 in kinds]
        want = {"decap_packets": len(pk), "decap_bytes": sum(len(p) for p in pk)}
        got = {k: tun.get(name, {}).get(k) for k in want}
        if got != want:
            fails.append(f"{name} counters: expected {want}, got {got}")
    return fails


def check(actual, stats, queues):
    fails, where = flow_queue_check(1, queues, {f: PER_FLOW for f in range(FLOWS)})
    used = sorted(set(where.values()))
    if used != [0, 1]:
        fails.append(f"port1: flows left through queues {used} only: nothing was spread "
                     f"(flow -> queue: {where})")
    second = len(queues[1][1])
    ev = stats.get("events", {})
    if ev.get("spread_out") != second or ev.get("spread_in") != second:
        fails.append(f"spread_out {ev.get('spread_out')} / spread_in {ev.get('spread_in')}, but the "
                     f"second worker's queue on port1 has {second} frames")
    return fails
