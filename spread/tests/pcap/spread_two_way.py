"""Two workers handing packets to each other at once: per-flow order holds both ways.

Two worker lcores (LCORES); port0 is polled by the first worker, port1 by the second, each
transmitting on its own TX queue (outN.pcap: the first worker's, outN.q1.pcap: the second's).
Input comes in on both ports at the same time, 1200 frames each (--spread=auto: "all" on
net_pcap): on port0 tunnel packets from tun1's peer (48 inner flows: IPv4 and IPv6 in IPv4) and
plain IPv4 / IPv6 packets from the underlay (16 flows), all for the LAN; on port1 packets from the
LAN host into tun1 (48 flows) and plain ones to the underlay (16 flows). Each worker hands the
other the packets of the other's flows while taking the other's in. Every packet is tagged with
its flow and sequence number (flow_payload). Expected: every packet leaves exactly once, routed
(and encapsulated / decapsulated: outer DF set, id 0, TTL inherited); each flow leaves through
one queue in sequence order; on each output port both queues carry flows; what was handed over
was all taken (spread_out = spread_in, nothing left in the rings: the rings, --spread_ring=4096,
hold more than a port's whole input, so nothing is dropped); the books balance; tun1 counts every
packet both ways.
"""
from lib import *

CONFIG = PORT_ADDRS_DUAL + f"""\
neigh add {PEER} lladdr {PEER_MAC} dev port0
neigh add {UL_ROUTER} lladdr {UL_ROUTER_MAC} dev port0
neigh add {UL_ROUTER6} lladdr {UL_ROUTER_MAC} dev port0
{NEIGH_LAN}tunnel add tun1 mode any remote {PEER} local {GW}
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
route add 192.0.2.0/24 via {UL_ROUTER} dev port0
route add 2001:db8:300::/48 via {UL_ROUTER6} dev port0
"""
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--spread_ring=4096"]

PER_PORT = 1200
TUN_FLOWS, PLAIN_FLOWS = 48, 16


def inner_pkt(port, flow, seq):
    """Flow `flow` (0..63) entering on `port`: tunnel flows first, then plain ones. Flow tags are
    port * 1000 + flow."""
    tag = flow_payload(port * 1000 + flow, seq, size=20 + (flow * 13 + seq) % 200)
    sport, v6 = 20000 + 31 * flow, flow % 3 == 2
    if flow < TUN_FLOWS:     # tunnel: remote site <-> LAN host
        a, b = (REMOTE6, HOST6) if v6 else (f"10.10.200.{2 + flow % 8}", HOST)
    else:                    # plain: underlay network <-> LAN host
        a, b = (f"2001:db8:300::{flow:x}", HOST6) if v6 else (f"192.0.2.{flow}", HOST)
    src, dst = (a, b) if port == 0 else (b, a)
    if v6:
        return IPv6(src=src, dst=dst, hlim=64) / UDP(sport=sport, dport=5001) / tag
    return IP(src=src, dst=dst, ttl=64, id=seq) / UDP(sport=sport, dport=5001) / tag


def _traffic(port):
    """(input frame, expected frame, tunnelled?) for port's input, in order: the flows in turn."""
    nflows = TUN_FLOWS + PLAIN_FLOWS
    for i in range(PER_PORT):
        flow, seq = (i * 7) % nflows, i // nflows    # (7 and 64 coprime: every flow each round)
        p = inner_pkt(port, flow, seq)
        r = routed(p)
        tun = flow < TUN_FLOWS
        if port == 0:
            src_mac = PEER_MAC if tun else UL_ROUTER_MAC
            yield to_gw(0, src_mac, ipip(p, PEER, GW, ttl=64) if tun else p), from_gw(1, HOST_MAC, r), tun
        elif tun:
            yield (to_gw(1, HOST_MAC, p),
                   from_gw(0, PEER_MAC, ipip(r, GW, PEER, ttl=hop_limit(r), tos=0, df=True, id=0)), tun)
        else:
            yield to_gw(1, HOST_MAC, p), from_gw(0, UL_ROUTER_MAC, r), tun


_CACHE = {}


def traffic(port):
    if port not in _CACHE:
        _CACHE[port] = [(bytes(i), bytes(o), t) for i, o, t in _traffic(port)]
    return _CACHE[port]


def send():
    a, b = traffic(0), traffic(1)
    return [(0, i) for i, _, _ in a] + [(1, i) for i, _, _ in b]


def expect():
    return {1: [o for _, o, _ in traffic(0)], 0: [o for _, o, _ in traffic(1)]}


UNORDERED_PORTS = {0, 1}
DROPS = {}
N = 2 * PER_PORT


def counts(port):
    nflows = TUN_FLOWS + PLAIN_FLOWS
    c = {}
    for i in range(PER_PORT):
        c[port * 1000 + (i * 7) % nflows] = c.get(port * 1000 + (i * 7) % nflows, 0) + 1
    return c


def live_check(gwctl):
    st, fails = gwctl_stats(gwctl)
    if st is None:
        return fails
    fails += spread_books_check(st, N)
    # Like Linux's tunnel counters, bytes are the inner packet's IP length: what went into tun1
    # (the encapsulated frame less Ethernet and the outer IPv4 header) and what came out of it
    # (the decapsulated frame less Ethernet).
    enc = [len(o) - 14 - 20 for _, o, tun in traffic(1) if tun]
    dec = [len(o) - 14 for _, o, tun in traffic(0) if tun]
    return fails + tunnel_stats_check(st, "tun1", {"encap_packets": len(enc), "encap_bytes": sum(enc),
                                                   "decap_packets": len(dec), "decap_bytes": sum(dec)})


def check(actual, stats, queues):
    fails = []
    for out_port, in_port in ((1, 0), (0, 1)):
        more, where = flow_queue_check(out_port, queues, counts(in_port))
        fails += more + all_queues_check(out_port, where)
    ev = stats.get("events", {})
    if not ev.get("spread_out") or ev.get("spread_out") != ev.get("spread_in"):
        fails.append(f"spread_out {ev.get('spread_out')} / spread_in {ev.get('spread_in')}")
    return fails
