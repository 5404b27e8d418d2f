"""Plain IPv4 forwarding between ports, through a `via` route and to connected hosts.

Ethernet src = egress port MAC, dst = the next hop's neighbour MAC; TTL - 1 with the checksum
updated; everything else untouched: IP options, fragments in transit (MF / offset), and IPIP or
6in4 packets that are not addressed to the gateway. Ethernet padding is removed.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.10.100.3 lladdr 52:54:00:00:01:03 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
"""
PORTS = 2

FAR = "192.0.2.10"

# LAN -> underlay (leave port0 towards 10.65.132.1)
OUT = [
    ping4(HOST, FAR, ttl=64, id=0x0101, seq=1),                                    # via route
    ping4(HOST, UL_ROUTER, ttl=64, id=0x0102, seq=2),                              # connected
    udp4(HOST, FAR, ttl=2, id=0x0103, df=True, size=1472, seq=3),                  # leaves with TTL 1, 1500 bytes
    IP(src=HOST, dst=FAR, ttl=64, id=0x0104, options=[IPOption_NOP()] * 4) / UDP(sport=7, dport=7) / payload(8, 4),
    IP(src=HOST, dst=FAR, ttl=64, id=0x0105, tos=0xb9) / TCP(sport=1234, dport=80, flags="PA") / payload(50, 5),
]
# underlay -> LAN (leave port1 towards the hosts)
IN = [
    ping4(FAR, HOST, ttl=64, id=0x0201, seq=1, reply=True),
    udp4(FAR, HOST2, ttl=64, id=0x0202, size=4, seq=2),                             # 46-byte frame
    IP(src=FAR, dst=HOST, ttl=64, id=0x0203, flags="MF", frag=0) / UDP(sport=9, dport=9) / payload(64, 3),
    IP(src=FAR, dst=HOST, ttl=64, id=0x0203, frag=8, proto=17) / payload(40, 4),    # last fragment
    ipip(ping4("10.10.200.2", HOST, seq=5), FAR, HOST, ttl=64),                     # IPIP in transit
    ipip(ping6("2001:db8:200::2", "2001:db8:100::2", seq=6), FAR, HOST2, ttl=9),    # 6in4 in transit
]


def send():
    frames = [(1, to_gw(1, HOST_MAC, p)) for p in OUT]
    for p in IN:
        f = to_gw(0, UL_ROUTER_MAC, p)
        if len(f) < 60:
            f = f / Padding(b"\0" * (60 - len(f)))
        frames.append((0, f))
    return frames


def expect():
    macs = {HOST: HOST_MAC, HOST2: HOST2_MAC}
    return {
        0: [from_gw(0, UL_ROUTER_MAC, routed(p)) for p in OUT],
        1: [from_gw(1, macs[p.dst], routed(p)) for p in IN],
    }


DROPS = {}
