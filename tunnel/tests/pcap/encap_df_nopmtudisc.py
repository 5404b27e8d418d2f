"""nopmtudisc: the outer DF bit is copied from an IPv4 inner and clear for an IPv6 inner.

When the outer DF is set the outer id is 0; when it is clear the id comes from a per-worker counter
and is not predictable (IGNORE_OUTER_ID: the harness copies the actual id into those expected
packets and recomputes their checksum). `nopmtudisc` is accepted with the default ttl (inherit)
and with `ttl inherit` written explicitly.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
tunnel add tnopm mode any remote 10.65.132.188 local 10.65.132.187 nopmtudisc
tunnel add tnopm2 mode any remote 10.65.132.189 local 10.65.132.187 ttl inherit nopmtudisc
link set tnopm up
link set tnopm2 up
route add 10.10.200.0/24 dev tnopm
route add 2001:db8:200::/64 dev tnopm
route add 10.10.201.0/24 dev tnopm2
route add 2001:db8:201::/64 dev tnopm2
"""
PORTS = 2
IGNORE_OUTER_ID = True

TUNNELS = [("10.10.200.2", "2001:db8:200::2", PEER, PEER_MAC),
           ("10.10.201.2", "2001:db8:201::2", PEER2, PEER2_MAC)]


def packets():
    seq = 0
    for dst4, dst6, remote, remote_mac in TUNNELS:
        cases = [
            (ping4(HOST, dst4, id=0xD001 + seq, df=True, seq=seq + 1), True),     # DF copied: set, id 0
            (ping4(HOST, dst4, id=0xD002 + seq, df=False, seq=seq + 2), False),   # DF clear, id ignored
            (udp4(HOST, dst4, id=0xD003 + seq, df=False, size=700, seq=seq + 3), False),
            (ping6(HOST6, dst6, seq=seq + 4), False),                             # IPv6: DF clear
        ]
        for p, df in cases:
            yield (to_gw(1, HOST_MAC, p),
                   from_gw(0, remote_mac, ipip(routed(p), GW, remote, ttl=63, df=df, id=0)))
        seq += 4


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets()]}


DROPS = {}
