"""A reported MTU below the minimum (--tunnel_pmtu_min, Linux's net.ipv4.route.min_pmtu: 552) is
not believed as it is (Linux's __ip_rt_update_pmtu): fragmentation needed with MTU 100 gives a
path MTU of 552, locked (gwctl: "pmtu lock 552"), and while it is locked the outer DF is clear
(Linux's iptunnel_xmit: ip_mtu_locked), so the underlay may fragment what does not fit; a second
message (MTU 300) while it is locked changes nothing (icmp_handled). Then through tun1, limit 532:
- IPv4 with DF, 533 bytes: fragmentation needed, MTU 532; 532 bytes: out, outer DF clear;
- IPv4 without DF, 1000 bytes: fragmented to 532 (532 + 488), each out with the outer DF clear;
- a small ping with DF: out, outer DF clear (not the fast stage's: it sets DF).
Outer ids of DF-clear packets are the worker's counter (taken from the output).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 1
IGNORE_OUTER_ID = True

OURS = ipip(routed(ip_sized(HOST, REMOTE, 1480, df=True, id=0x7701, seq=1)), GW, PEER, ttl=63)
TOO_LOW = icmp4_error(UL_ROUTER, OURS, 3, 4, 100)
AGAIN = icmp4_error(UL_ROUTER, OURS, 3, 4, 300)

BIG = ip_sized(HOST, REMOTE, 533, df=True, id=0x7801, seq=2)
FITS = ip_sized(HOST, REMOTE, 532, df=True, id=0x7802, seq=3)
NODF = ip_sized(HOST, REMOTE, 1000, df=False, id=0x7803, seq=4)
PING = ping4(HOST, REMOTE, id=0x7804, df=True, seq=5)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, p)) for p in (TOO_LOW, AGAIN)]


between = pmtu_check("tun1", [(PEER, 552, True)],
                     text=r"tun1: ip/ip remote 10\.65\.132\.188 local 10\.65\.132\.187 ttl inherit "
                          r"tos 0x0 pmtudisc pmtu lock 552 expires (59\d|600)sec\n")


def send_later():
    return [(0, to_gw(0, HOST_MAC, p)) for p in (BIG, FITS, NODF, PING)]


def expect():
    out = lambda p: from_gw(0, PEER_MAC, ipip(p, GW, PEER, ttl=63, df=False))
    return {0: [
        GenId(from_gw(0, HOST_MAC, frag_needed4(GW, BIG, 532))),
        out(routed(FITS)),
        *[out(f) for f in frag4(routed(NODF), 532)],
        out(routed(PING)),
    ]}


DROPS = {"icmp_handled": 1, "mtu_exceeded": 1}
EVENTS = {"pmtu_learned": 1, "punted": (1, 2), "icmp_errors": 1, "fragments_out": 2}
