"""`remote any` (NBMA, Calico's tunl0): a path MTU is learned per remote. Fragmentation needed
(MTU 1400) about our packet to 10.65.132.190 lowers the limit for packets whose route sends them
to that remote only (gwctl lists it under the tunnel: "remote 10.65.132.190 pmtu 1400 ..."):
- 1381 bytes with DF to 10.244.5.7 (via .190): fragmentation needed, MTU 1380; 1380 bytes: out;
- 1381 bytes with DF to 10.244.6.9 (via .191): out, a 1401-byte outer (its path MTU is unknown);
- a small packet to 10.244.5.8: out.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.65.132.191 lladdr 52:54:00:00:00:91 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port0
tunnel add tunl0 mode ipip remote any local 10.65.132.187
link set tunl0 up
route add 10.244.5.0/24 via 10.65.132.190 dev tunl0 onlink
route add 10.244.6.0/24 via 10.65.132.191 dev tunl0 onlink
"""
PORTS = 1

OURS = ipip(routed(ip_sized(HOST, "10.244.5.7", 1480, df=True, id=0x7401, seq=1)), GW, PEER3, ttl=63)
FRAG_NEEDED = icmp4_error(UL_ROUTER, OURS, 3, 4, 1400)

TO5_BIG = ip_sized(HOST, "10.244.5.7", 1381, df=True, id=0x7501, seq=2)
TO6_BIG = ip_sized(HOST, "10.244.6.9", 1381, df=True, id=0x7502, seq=3)
TO5_FITS = ip_sized(HOST, "10.244.5.7", 1380, df=True, id=0x7503, seq=4)
TO5_SMALL = ping4(HOST, "10.244.5.8", id=0x7504, seq=5)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, FRAG_NEEDED))]


between = pmtu_check("tunl0", [(PEER3, 1400, False)],
                     text=r"tunl0: ip/ip remote any local 10\.65\.132\.187 ttl inherit tos 0x0 "
                          r"pmtudisc\n    remote 10\.65\.132\.190 pmtu 1400 expires (59\d|600)sec\n")


def send_later():
    return [(0, to_gw(0, HOST_MAC, p)) for p in (TO5_BIG, TO6_BIG, TO5_FITS, TO5_SMALL)]


def expect():
    return {0: [
        GenId(from_gw(0, HOST_MAC, frag_needed4(GW, TO5_BIG, 1380))),
        from_gw(0, PEER4_MAC, ipip(routed(TO6_BIG), GW, PEER4, ttl=63)),
        from_gw(0, PEER3_MAC, ipip(routed(TO5_FITS), GW, PEER3, ttl=63)),
        from_gw(0, PEER3_MAC, ipip(routed(TO5_SMALL), GW, PEER3, ttl=63)),
    ]}


DROPS = {"mtu_exceeded": 1}
EVENTS = {"pmtu_learned": 1, "punted": 1, "icmp_errors": 1}
