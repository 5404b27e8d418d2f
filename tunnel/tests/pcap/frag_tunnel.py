"""IPv4 without DF larger than a tunnel's limit is fragmented to the limit (as Linux fragments a
packet routed to a 1480-byte ipip device), each fragment encapsulated by the tunnel's rules
(pmtudisc: outer DF set, id 0; ttl inherit: outer TTL = the fragment's TTL after the hop):
- tun1 (MTU 1480): 1481 bytes -> inner fragments 1476 + 25 ((1480 - 20) & ~7 = 1456 payload);
  1500 bytes -> 1476 + 44;
- tun2 (`link set tun2 mtu 1400`): 1401 -> 1396 + 25; 1500 -> 1396 + 124.
A DF-clear 1480-byte inner into tun1 is not fragmented.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add tun2 mode ipip remote 10.65.132.189 local 10.65.132.187
link set tun1 up
link set tun2 up
link set tun2 mtu 1400
route add 10.10.200.0/24 dev tun1
route add 10.10.201.0/24 dev tun2
"""
PORTS = 2

# (inner destination, remote, MAC, limit, sizes)
TUNNELS = [(REMOTE, PEER, PEER_MAC, 1480, (1481, 1500, 1480)),
           (REMOTE_B, PEER2, PEER2_MAC, 1400, (1401, 1500))]


def packets():
    seq = 0
    for dst, remote, mac, limit, sizes in TUNNELS:
        for size in sizes:
            seq += 1
            yield ip_sized(HOST, dst, size, df=False, id=0x5200 + seq, seq=seq, ttl=30), remote, mac, limit


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p, *_ in packets()]


def expect():
    out = []
    for p, remote, mac, limit in packets():
        r = routed(p)
        frags = frag4(r, limit) if len(r) > limit else [r]
        out += [from_gw(0, mac, ipip(f, GW, remote, ttl=29)) for f in frags]
    return {0: out}


DROPS = {}
EVENTS = {"fragmented": 4, "fragments_out": 8, "icmp_errors": 0}
