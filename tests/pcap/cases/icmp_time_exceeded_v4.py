"""ICMP time exceeded (RFC 792 type 11 code 0; RFC 1812 5.3.1): a packet to forward with TTL <= 1
is dropped (ttl_exceeded) and answered with
  IP(src=S, dst=its source, TTL 64, TOS 0xc0, DF clear, id chosen by the gateway, proto 1)/
  ICMP(11, 0, unused 0)/the packet AS RECEIVED (TTL 1 or 0, its own checksum), cut so that the
  whole error is at most 576 bytes (RFC 1812 4.3.2.3), Ethernet padding not quoted;
S = the first IPv4 address of the interface the error leaves by (port1: 10.10.100.1, also for a
source on port1's second network 172.16.1.0/24; port0: 10.65.132.187; tun1: its address
10.10.100.10). An error to a host behind the tunnel is encapsulated (outer TTL 64 under ttl
inherit, TOS 0 | the error's ECN 0, DF, id 0). A decapsulated inner is quoted, not the outer.
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 172.16.1.1/24 dev port1
addr add 10.65.132.187/24 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 172.16.1.5 lladdr 52:54:00:00:01:03 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
route add 192.0.2.0/24 via 10.65.132.1 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
route add 10.10.200.0/24 dev tun1
"""
PORTS = 2

TUN_ADDR = "10.10.100.10"
FAR = "192.0.2.10"
SECOND = "172.16.1.5"

LAN = [   # (from MAC, packet): all arrive on port1, errors leave port1 from 10.10.100.1
    (HOST_MAC, ping4(HOST, FAR, ttl=1, id=0x4101, seq=1, tos=0x10)),
    (HOST_MAC, ping4(HOST, FAR, ttl=0, id=0x4102, seq=2)),
    (HOST_MAC, ip_sized(HOST, FAR, 1000, ttl=1, id=0x4103, seq=3)),      # quote cut at 548
    (HOST2_MAC, ping4(SECOND, FAR, ttl=1, id=0x4104, seq=4)),
    (HOST_MAC, ping4(HOST, REMOTE, ttl=1, id=0x4105, seq=5)),            # would be encapsulated
    (HOST_MAC, ping4(HOST, FAR, ttl=1, id=0x4106, seq=6, size=0)),       # padded frame
]
FROM_UL = ping4("192.0.2.20", HOST, ttl=1, id=0x4107, seq=7)           # port0 -> error via port0
FROM_TUN = ping4(REMOTE, HOST, ttl=1, id=0x4108, seq=8)                # decapsulated inner


def send():
    out = []
    for mac, p in LAN:
        f = to_gw(1, mac, p)
        if len(f) < 60:
            f = f / Padding(b"\0" * (60 - len(f)))
        out.append((1, f))
    out.append((0, to_gw(0, UL_ROUTER_MAC, FROM_UL)))
    out.append((0, to_gw(0, PEER_MAC, ipip(FROM_TUN, PEER, GW, ttl=64))))
    return out


def expect():
    macs = {HOST: HOST_MAC, SECOND: HOST2_MAC}
    return {
        1: [GenId(from_gw(1, macs[p.src], time_exceeded4(GW_LAN, p))) for _, p in LAN],
        0: [GenId(from_gw(0, UL_ROUTER_MAC, time_exceeded4(GW, FROM_UL))),
            GenId(from_gw(0, PEER_MAC, ipip(time_exceeded4(TUN_ADDR, FROM_TUN), GW, PEER, ttl=64)),
                  which=1)],
    }


DROPS = {"ttl_exceeded": len(LAN) + 2}
EVENTS = {"icmp_errors": len(LAN) + 2, "icmp_ratelimited": 0}
