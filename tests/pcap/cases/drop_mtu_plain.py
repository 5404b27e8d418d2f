"""Plain forwarding above the egress MTU: port0's MTU is 1400; a 1400-byte IPv4 (DF) or IPv6 packet
is forwarded, a 1401-byte one is dropped as mtu_exceeded (Linux would drop it too and send ICMP
'fragmentation needed' / 'packet too big', which gatewayd does not do yet).

NOTE: the gatewayd spec states the MTU check for encapsulation only; this case assumes the same
check applies to plain forwarding. IPv4 without DF (which Linux would fragment) is not tested.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
route add 192.0.2.0/24 via 10.65.132.1 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
link set port0 mtu 1400
"""
PORTS = 2


def packets():
    for seq, size in enumerate((1400, 1401, 1500), 1):
        for p in (ip_sized(HOST, "192.0.2.10", size, df=True, id=0x0600 + seq, seq=seq),
                  ip6_sized(HOST6, "2001:db8:ffff::10", size, seq=seq)):
            exp = from_gw(0, UL_ROUTER_MAC, routed(p)) if size <= 1400 else None
            yield to_gw(1, HOST_MAC, p), exp


def send():
    return [(1, s) for s, _ in packets()]


def expect():
    return {0: [e for _, e in packets() if e is not None]}


DROPS = {"mtu_exceeded": 4}
