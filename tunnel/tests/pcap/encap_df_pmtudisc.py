"""pmtudisc (the default, or written explicitly): the outer DF bit is always set and then the outer
id is 0 (Linux sets id 0 on DF tunnel packets), whatever the inner DF bit; IPv6 inner too."""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
tunnel add tdef mode any remote 10.65.132.188 local 10.65.132.187
tunnel add tpmtu mode any remote 10.65.132.189 local 10.65.132.187 pmtudisc
link set tdef up
link set tpmtu up
route add 10.10.200.0/24 dev tdef
route add 2001:db8:200::/64 dev tdef
route add 10.10.201.0/24 dev tpmtu
route add 2001:db8:201::/64 dev tpmtu
"""
PORTS = 2

TUNNELS = [("10.10.200.2", "2001:db8:200::2", PEER, PEER_MAC),
           ("10.10.201.2", "2001:db8:201::2", PEER2, PEER2_MAC)]


def packets():
    seq = 0
    for dst4, dst6, remote, remote_mac in TUNNELS:
        for p in (ping4(HOST, dst4, id=0xC001 + seq, df=True, seq=seq + 1),
                  ping4(HOST, dst4, id=0xC002 + seq, df=False, seq=seq + 2),
                  ping6(HOST6, dst6, seq=seq + 3)):
            yield (to_gw(1, HOST_MAC, p),
                   from_gw(0, remote_mac, ipip(routed(p), GW, remote, ttl=63, df=True, id=0)))
        seq += 3


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets()]}


DROPS = {}
