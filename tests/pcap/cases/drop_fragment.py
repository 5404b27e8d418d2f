"""fragment: fragments addressed to the gateway that are never completed are held for reassembly
and dropped when the reassembly timeout (2 s) expires, each counted as `fragment`; nothing is
forwarded for them. Three fragments of one IPIP packet with gaps between them (first, middle,
last: never complete) and a lone first fragment of a 6in4 packet (another id).
The case waits 3 s (WAIT_S) for the timeout to expire before it reads the counters.
Complete tunnel packets with DF clear and a non-zero id are not fragments and pass at once.
(Transit fragments not addressed to the gateway are forwarded: see route_ipv4.py.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
"""
PORTS = 2
WAIT_S = 3.0

OK1 = ping4(REMOTE, HOST, id=0x1701, seq=1, reply=True)
OK2 = ping4(REMOTE, HOST, id=0x1702, seq=2, reply=True)


def frag_outer(inner, flags, frag, id=0x9999):
    return IP(src=PEER, dst=GW, ttl=64, id=id, flags=flags, frag=frag,
              proto=4 if isinstance(inner, IP) else 41) / inner


def send():
    return [(0, to_gw(0, PEER_MAC, p)) for p in [
        ipip(OK1, PEER, GW, ttl=64, df=True, id=0),
        ipip(OK2, PEER, GW, ttl=64, df=False, id=0x5555),
        frag_outer(ping4(REMOTE, HOST, id=0x1703, seq=3), "MF", 0),        # first fragment
        frag_outer(ping4(REMOTE, HOST, id=0x1704, seq=4), 0, 100),         # last fragment
        frag_outer(ping4(REMOTE, HOST, id=0x1705, seq=5), "MF", 10),       # middle fragment
        frag_outer(ping6(REMOTE6, HOST6, seq=6), "MF", 0, id=0x999A),      # 6in4 first fragment
    ]]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(OK1)), from_gw(1, HOST_MAC, routed(OK2))]}


DROPS = {"fragment": 4}
EVENTS = {"reassembled": 0}
