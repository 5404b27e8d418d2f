"""Per-tunnel counters with two workers: each worker counts in its own copy of the tunnel, and
`gwctl stats` shows their sum.

Two worker lcores (LCORES): port0 (underlay) is polled by the first, port1 (LAN) by the second.
Packets into tun1 and IPIP packets from tun1's remote arrive on both ports (routing and local
delivery do not depend on the ingress port), so both workers encapsulate and decapsulate for
tun1, and the counters shown must be the sum of the two. Like Linux's tunnel tx/rx counters,
bytes are the inner packet's IP length: what goes into the tunnel (encap) and what comes out of
it (decap). A second tunnel that carries nothing shows zeros, and a packet from a peer with no
tunnel is dropped (unknown_peer) without being counted for any tunnel. The two workers' outputs
interleave in no defined order (UNORDERED_PORTS).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tun2 mode ipip remote 10.65.132.189 local 10.65.132.187
link set tun1 up
link set tun2 up
route add 10.10.200.0/24 dev tun1
route add 10.10.201.0/24 dev tun2
"""
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2

ENCAP = [
    ping4(HOST, REMOTE, ttl=64, id=0x1001, seq=1),
    udp4(HOST, "10.10.200.77", ttl=10, id=0x1002, df=True, size=300, seq=2),
    ping4(HOST, "10.10.200.254", ttl=255, id=0x1003, size=0, seq=3),
]
DECAP = [
    ping4(REMOTE, HOST, ttl=64, id=0x7001, seq=1, reply=True),
    udp4(REMOTE, HOST, ttl=20, id=0x7002, df=True, size=1000, seq=2),
]
STRANGER = ipip(ping4(REMOTE, HOST, id=0x7003), PEER3, GW, ttl=64)


# (ingress port, packet): each kind on both ports.
ENCAP_IN = [1, 0, 1]
DECAP_IN = [0, 1]
UNORDERED_PORTS = {0, 1}


def send():
    return ([(port, to_gw(port, HOST_MAC, p)) for port, p in zip(ENCAP_IN, ENCAP)]
            + [(port, to_gw(port, PEER_MAC, ipip(p, PEER, GW, ttl=64))) for port, p in zip(DECAP_IN, DECAP)]
            + [(0, to_gw(0, PEER3_MAC, STRANGER))])


def expect():
    return {
        0: [from_gw(0, PEER_MAC, ipip(routed(p), GW, PEER, ttl=routed(p).ttl, tos=0, df=True, id=0))
            for p in ENCAP],
        1: [from_gw(1, HOST_MAC, routed(p)) for p in DECAP],
    }


DROPS = {"unknown_peer": 1}


def tunnel_counters_check(gwctl):
    import json
    rc, out, err = gwctl("-j", "stats")
    if rc != 0:
        return [f"gwctl -j stats: exit {rc}: {err.strip()}"]
    stats = json.loads(out)
    got = {t["name"]: {k: t.get(k) for k in ("encap_packets", "encap_bytes", "decap_packets", "decap_bytes")}
           for t in stats.get("tunnels", [])}
    want = {
        "tun1": {"encap_packets": len(ENCAP), "encap_bytes": sum(len(routed(p)) for p in ENCAP),
                 "decap_packets": len(DECAP), "decap_bytes": sum(len(p) for p in DECAP)},
        "tun2": {"encap_packets": 0, "encap_bytes": 0, "decap_packets": 0, "decap_bytes": 0},
    }
    fails = []
    if got != want:
        fails.append(f"gwctl -j stats tunnels: expected {want}, got {got}")
    lcores = stats.get("lcores", [])
    if len(lcores) != 2:
        fails.append(f"gwctl -j stats: expected two worker lcores, got {lcores}")
    return fails


live_check = tunnel_counters_check
