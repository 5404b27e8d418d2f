"""4in4 decapsulation to a LAN port.

An IPIP packet from the tunnel's remote to the tunnel's local address is decapsulated; the inner
packet is routed like a received one: TTL - 1 once (checksum updated), Ethernet from port1's MAC to
the LAN host's MAC, payload untouched. The outer header's TTL, DF and id do not matter: the outer
is delivered locally, so even an outer TTL of 1 is fine. Ethernet padding after a short outer
packet is not part of the inner packet.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.10.100.3 lladdr 52:54:00:00:01:03 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

# (inner packet, outer arguments)
CASES = [
    (ping4(REMOTE, HOST, ttl=64, id=0x7001, seq=1, reply=True), dict(ttl=64, df=True, id=0)),
    (udp4(REMOTE, HOST2, ttl=20, id=0x7002, tos=0xb8, df=True, size=1000, seq=2), dict(ttl=64, df=True, id=0)),
    (ping4(REMOTE, HOST, ttl=64, id=0x7003, seq=3), dict(ttl=64, df=False, id=0x4242)),   # outer DF clear
    (ping4(REMOTE, HOST, ttl=64, id=0x7004, seq=4), dict(ttl=1, df=True, id=0)),         # outer TTL 1
    (ping4(REMOTE, HOST, ttl=2, id=0x7005, seq=5), dict(ttl=64, df=True, id=0)),         # inner leaves with TTL 1
]
# A bare 20-byte inner header: the outer packet is 40 bytes, the frame 54, padded to 60.
TINY = IP(src=REMOTE, dst=HOST, ttl=64, id=0x7006, proto=253)


def send():
    frames = [to_gw(0, PEER_MAC, ipip(inner, PEER, GW, **outer)) for inner, outer in CASES]
    frames.append(to_gw(0, PEER_MAC, ipip(TINY, PEER, GW, ttl=64)) / Padding(b"\xee" * 6))
    return [(0, f) for f in frames]


def expect():
    macs = {HOST: HOST_MAC, HOST2: HOST2_MAC}
    out = [from_gw(1, macs[inner.dst], routed(inner)) for inner, _ in CASES]
    out.append(from_gw(1, HOST_MAC, routed(TINY)))
    return {1: out}


DROPS = {}
