"""Path MTU learning (RFC 1191, RFC 2003 5.1; Linux ipip_err -> ipv4_update_pmtu): a router in the
underlay answers one of our 1500-byte outer packets (10.65.132.187 -> .188, protocol 4, DF) with
ICMP fragmentation needed, next-hop MTU 1400, quoting 548 bytes of it as Linux's icmp_send does.
Nothing goes out for it; the control thread learns 1400 for tun1 (gwctl: "pmtu 1400 expires
600sec"; the configured MTU stays 1480). Then, from the same port, the tunnel's limit is 1380
(1400 - 20) for every inner family, in the scalar walk and the vector walk's fast stage alike:
- IPv4 with DF, 1381 bytes: fragmentation needed with MTU 1380 back to the source (from the
  port's first address), mtu_exceeded; 1380 bytes: encapsulated, a 1400-byte outer;
- a small ping: encapsulated (the fast stage's plan, limit 1380);
- IPv4 without DF, 1400 bytes: fragmented to 1380 (1376 + 44) and each piece encapsulated;
- IPv6, 1381 bytes: packet too big with MTU 1380; 1380 bytes: encapsulated.
One-armed (everything on port0, the LAN next to the underlay) because the second go of frames
must come in on the port of the first (README: send_later).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port0
addr add 2001:db8:100::1/64 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port0
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
"""
PORTS = 1

# One of our outer packets as it left (a 1480-byte inner, 1500 bytes outside), and the underlay
# router's answer about it.
OURS = ipip(routed(ip_sized(HOST, REMOTE, 1480, df=True, id=0x7001, seq=1)), GW, PEER, ttl=63)
FRAG_NEEDED = icmp4_error(UL_ROUTER, OURS, 3, 4, 1400)

V4_BIG = ip_sized(HOST, REMOTE, 1381, df=True, id=0x7101, seq=2)
V4_FITS = ip_sized(HOST, REMOTE, 1380, df=True, id=0x7102, seq=3)
PING = ping4(HOST, REMOTE, id=0x7103, df=True, seq=4)
V4_NODF = ip_sized(HOST, REMOTE, 1400, df=False, id=0x7104, seq=5)
V6_BIG = ip6_sized(HOST6, REMOTE6, 1381, seq=6)
V6_FITS = ip6_sized(HOST6, REMOTE6, 1380, seq=7)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, FRAG_NEEDED))]


between = pmtu_check("tun1", [(PEER, 1400, False)],
                     text=r"tun1: any/ip remote 10\.65\.132\.188 local 10\.65\.132\.187 ttl inherit "
                          r"tos 0x0 pmtudisc pmtu 1400 expires (59\d|600)sec\n")


def send_later():
    return [(0, to_gw(0, HOST_MAC, p)) for p in (V4_BIG, V4_FITS, PING, V4_NODF, V6_BIG, V6_FITS)]


def expect():
    tunnel = lambda p: from_gw(0, PEER_MAC, ipip(p, GW, PEER, ttl=63))
    return {0: [
        GenId(from_gw(0, HOST_MAC, frag_needed4(GW, V4_BIG, 1380))),
        tunnel(routed(V4_FITS)),
        tunnel(routed(PING)),
        *[tunnel(f) for f in frag4(routed(V4_NODF), 1380)],
        from_gw(0, HOST_MAC, packet_too_big6(GW_LAN6, V6_BIG, 1380)),
        tunnel(routed(V6_FITS)),
    ]}


live_check = pmtu_check("tun1", [(PEER, 1400, False)])
DROPS = {"mtu_exceeded": 2}
EVENTS = {"pmtu_learned": 1, "punted": 1, "icmp_errors": 2, "fragmented": 1, "fragments_out": 2,
          "icmp_relayed": 0, "pmtu_expired": 0}
