"""Two workers, fragments: all fragments of one datagram go to one worker.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
--spread=auto is "all" on net_pcap. All input comes in on port0, interleaved:
  - 8 IPIP packets to the gateway that tun1's peer fragmented (outer DF clear, 3 outer fragments
    each, the first of which holds the inner header), each with its own inner flow: a fragment
    is hashed without looking inside it (a later fragment has no inner header), so all three
    reach one worker and its reassembly table: each is reassembled, decapsulated and sent whole
    to the LAN host (TTL - 1);
  - 8 IPv4 and 4 IPv6 UDP datagrams in transit (underlay -> LAN host), each from its own
    source, in 3 fragments each: hashed without ports (only the first fragment has them), so a
    datagram's fragments leave through one queue, in the order received, each routed as is
    (TTL / hop limit - 1); the transit datagrams take both queues (they were checked to split:
    distinct sources);
  - whole tunnel packets of 8 other inner flows, between them (their flow's order is kept).
Nothing is dropped (no fragment waits for a timeout), every outer datagram is reassembled once,
spread_out = spread_in, and the books balance with the rings and the reassembly tables empty.
"""
from lib import *

CONFIG = TUN1_CONFIG_DUAL     # port0: the underlay (tun1's peer), port1: the LAN host
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

REASM, T4, T6, WHOLE, ROUNDS = 8, 8, 4, 8, 3   # (3 rounds: one per fragment index)


def reasm_inner(k):
    return (IP(src=REMOTE, dst=HOST, ttl=64, id=0x4000 + k)
            / UDP(sport=41000 + 17 * k, dport=7000) / flow_payload(200 + k, 0, size=600))


def reasm_frags(k):
    outer = ipip(reasm_inner(k), PEER, GW, ttl=64, df=False, id=0x7100 + k)
    return split4(outer, [16, 304])     # the first fragment holds the inner header (and no more)


def transit4(k):
    p = (IP(src=f"192.0.2.{10 + k}", dst=HOST, ttl=64, id=0x5100 + k)
         / UDP(sport=9, dport=9) / payload(400, k))
    return split4(p, [128, 256])


def transit6(k):
    p = IPv6(src=f"2001:db8:300::{10 + k:x}", dst=HOST6, hlim=64) / UDP(sport=9, dport=9) / payload(400, k)
    return split6(p, [128, 256], id=0x5200 + k)


def inputs():
    """(port0 frame, expected port1 frame or None, key) in the order sent; key names a
    datagram's fragment (kind, k, index) or a whole packet."""
    rf = [reasm_frags(k) for k in range(REASM)]
    t4 = [transit4(k) for k in range(T4)]
    t6 = [transit6(k) for k in range(T6)]
    w = 0
    for i in range(3):                          # fragment i of every datagram, in turn
        for k in range(max(REASM, T4)):
            if k < REASM:
                last = i == 2
                yield (to_gw(0, PEER_MAC, rf[k][i]),
                       from_gw(1, HOST_MAC, routed(reasm_inner(k))) if last else None, None)
            if k < T4:
                yield to_gw(0, UL_ROUTER_MAC, t4[k][i]), from_gw(1, HOST_MAC, routed(t4[k][i])), ("t4", k, i)
            if k < T6:
                yield to_gw(0, UL_ROUTER_MAC, t6[k][i]), from_gw(1, HOST_MAC, routed(t6[k][i])), ("t6", k, i)
            flow, seq = w % WHOLE, w // WHOLE     # (WHOLE x ROUNDS in all)
            w += 1
            p = tun1_inner(flow, seq)
            yield to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64)), from_gw(1, HOST_MAC, routed(p)), None


def send():
    return [(0, f) for f, _, _ in inputs()]


def expect():
    return {1: [o for _, o, _ in inputs() if o is not None]}


UNORDERED_PORTS = {1}
DROPS = {}
N = len(list(inputs()))
EVENTS = {"reassembled": REASM, "reasm_dropped": 0, "spread_out": (1, N - 1)}


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N)
    b = st.get("books", {})
    if b.get("reasm_waiting") != 0 or b.get("reassembled") != REASM:
        fails.append(f"books: reassembled {b.get('reassembled')} (expected {REASM}), "
                     f"waiting {b.get('reasm_waiting')} (expected 0)")
    return fails


def check(actual, stats, queues):
    fails = []
    keys = {bytes(o): key for _, o, key in inputs() if key is not None}
    where, seen = {}, {}
    for q, frames in enumerate(queues[1]):
        for f in frames:
            key = keys.get(f)
            if key is None:
                continue
            where.setdefault(key[:2], set()).add(q)
            seen.setdefault((key[:2], q), []).append(key[2])
    for dg, qs in sorted(where.items()):
        if len(qs) != 1:
            fails.append(f"port1: the fragments of transit datagram {dg} left through queues "
                         f"{sorted(qs)}: one datagram must stay with one worker")
    for (dg, q), idx in sorted(seen.items()):
        if idx != [0, 1, 2]:
            fails.append(f"port1 queue {q}: transit datagram {dg}: fragments {idx}, expected [0, 1, 2]")
    fails += all_queues_check(1, {dg: min(qs) for dg, qs in where.items()}, what="transit datagrams")
    # The whole packets' flows and the reassembled packets (each its own flow): one queue, in order.
    rest = {1: [[f for f in frames if f not in keys] for frames in queues[1]]}
    flows = {f: ROUNDS for f in range(WHOLE)}
    flows.update({200 + k: 1 for k in range(REASM)})
    more, _ = flow_queue_check(1, rest, flows)
    fails += more
    ev = stats.get("events", {})
    if ev.get("spread_out") != ev.get("spread_in"):
        fails.append(f"spread_out {ev.get('spread_out')} != spread_in {ev.get('spread_in')}")
    return fails
