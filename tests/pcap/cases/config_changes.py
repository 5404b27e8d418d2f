"""Later config lines change earlier state, in file order:
- `tunnel change` moves tun1's remote from .188 to .189: encapsulated packets go to .189, and
  decapsulation now accepts .189 and no longer .188 (unknown_peer);
- `tunnel del` removes tun2: its peer .190 becomes unknown (unknown_peer);
- `route del` removes a route: no_route;
- `neigh del` removes a neighbour: the gateway tries to resolve it (3 ARP requests,
  --neigh_retrans_ms=100 apart here), gets no answer: no_neighbour;
- `link set tun1 mtu 1400`: a 1401-byte inner with DF is mtu_exceeded (ICMP fragmentation needed,
  MTU 1400, to the LAN host), 1400 passes.
The no_route also gets its ICMP net unreachable. Port1 carries frames caused by both input
ports: compared in any order.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.65.132.190 lladdr 52:54:00:00:00:90 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
tunnel change tun1 mode ipip remote 10.65.132.189 local 10.65.132.187
tunnel add tun2 mode ipip remote 10.65.132.190 local 10.65.132.187
link set tun2 up
tunnel del tun2
route add 10.10.201.0/24 dev tun1
route del 10.10.201.0/24
neigh add 10.10.100.3 lladdr 52:54:00:00:01:03 dev port1
neigh del 10.10.100.3 dev port1
link set tun1 mtu 1400
"""
PORTS = 2
EXTRA_ARGS = ["--neigh_retrans_ms=100", "--neigh_probes=3"]
WAIT_S = 1.0
UNORDERED_PORTS = {1}

ENC = ping4(HOST, REMOTE, id=0x0801, seq=1)
NO_ROUTE = ping4(HOST, "10.10.201.2", id=0x0802, seq=2)
BIG_OK = ip_sized(HOST, REMOTE, 1400, df=True, id=0x0803, seq=3)
BIG_DROP = ip_sized(HOST, REMOTE, 1401, df=True, id=0x0804, seq=4)
FROM_NEW = ping4(REMOTE, HOST, id=0x0805, seq=5, reply=True)
FROM_OLD = ping4(REMOTE, HOST, id=0x0806, seq=6, reply=True)
FROM_DELETED = ping4(REMOTE, HOST, id=0x0807, seq=7, reply=True)
TO_HOST2 = ping4(REMOTE, HOST2, id=0x0808, seq=8, reply=True)


def send():
    return [
        (1, to_gw(1, HOST_MAC, ENC)),
        (1, to_gw(1, HOST_MAC, NO_ROUTE)),                              # no_route
        (1, to_gw(1, HOST_MAC, BIG_OK)),
        (1, to_gw(1, HOST_MAC, BIG_DROP)),                              # mtu_exceeded
        (0, to_gw(0, PEER2_MAC, ipip(FROM_NEW, PEER2, GW, ttl=64))),
        (0, to_gw(0, PEER_MAC, ipip(FROM_OLD, PEER, GW, ttl=64))),       # unknown_peer
        (0, to_gw(0, PEER3_MAC, ipip(FROM_DELETED, PEER3, GW, ttl=64))), # unknown_peer
        (0, to_gw(0, PEER2_MAC, ipip(TO_HOST2, PEER2, GW, ttl=64))),     # no_neighbour
    ]


def expect():
    return {
        0: [from_gw(0, PEER2_MAC, ipip(routed(ENC), GW, PEER2, ttl=63)),
            from_gw(0, PEER2_MAC, ipip(routed(BIG_OK), GW, PEER2, ttl=63))],
        1: [from_gw(1, HOST_MAC, routed(FROM_NEW)),
            GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, NO_ROUTE, 3, 0))),
            GenId(from_gw(1, HOST_MAC, frag_needed4(GW_LAN, BIG_DROP, 1400)))]
           + [gw_arp_request(1, GW_LAN, HOST2)] * 3,
    }


DROPS = {"no_route": 1, "mtu_exceeded": 1, "unknown_peer": 2, "no_neighbour": 1}
EVENTS = {"icmp_errors": 2, "arp_requests": 3}
