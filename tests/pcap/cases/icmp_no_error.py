"""No ICMP error is sent about (RFC 1122 3.2.2, RFC 1812 4.3.2.7, RFC 4443 2.4 (e)):
- an ICMP error (types 3, 4, 5, 11, 12) or an ICMPv6 error (types < 128);
- a fragment other than the first (non-zero offset);
- a packet whose source is not a unicast address: 0.0.0.0, 127.0.0.1, 224.0.0.5,
  255.255.255.255; ::, ff02::1;
- a frame received as an L2 broadcast (UDP to the gateway's address: local_unsupported, no port
  unreachable; a TTL-1 packet to forward: not forwarded at all, not_for_us) or L2 multicast
  (IPv6 UDP to the gateway in a 33:33:00:00:00:01 frame).
Each is still dropped under its own reason. Controls at the end do get errors: an echo request
(informational) with TTL 1, a first fragment (MF, offset 0) with TTL 1, an ICMPv6 echo request
with hop limit 1.
"""
from scapy.layers.inet6 import ICMPv6ParamProblem

from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/64 dev port1
addr add 2001:db8:65::187/64 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
route add 192.0.2.0/24 via 10.65.132.1 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
"""
PORTS = 2

FAR = "192.0.2.10"
FAR6 = "2001:db8:ffff::10"
QUOTE4 = bytes(udp4(FAR, HOST, id=0x4500, size=8))[:28]     # what an error would quote


def icmp4(type, code=0):
    return IP(src=HOST, dst=FAR, ttl=1, id=0x4500 + type) / ICMP(type=type, code=code) / Raw(QUOTE4)


def icmp6(cls, **fields):
    """An ICMPv6 error message (type < 128) in transit, hop limit 1."""
    return IPv6(src=HOST6, dst=FAR6, hlim=1) / cls(**fields) / Raw(bytes(udp6(FAR6, HOST6, size=8)))


TTL_EXCEEDED = [   # ttl_exceeded, no error
    icmp4(3, 1), icmp4(4), icmp4(5, 1), icmp4(11), icmp4(12),
    IP(src=HOST, dst=FAR, ttl=1, id=0x4510, proto=17, frag=100) / Raw(bytes(payload(40, 1))),   # not first
    IP(src=HOST, dst=FAR, ttl=1, id=0x4511, proto=17, flags="MF", frag=10) / Raw(bytes(payload(40, 2))),
    ping4("0.0.0.0", FAR, ttl=1, id=0x4512, seq=12),
    ping4("127.0.0.1", FAR, ttl=1, id=0x4513, seq=13),
    ping4("224.0.0.5", FAR, ttl=1, id=0x4514, seq=14),
    ping4("255.255.255.255", FAR, ttl=1, id=0x4515, seq=15),
    icmp6(ICMPv6DestUnreach, code=0), icmp6(ICMPv6PacketTooBig, mtu=1280),
    icmp6(ICMPv6TimeExceeded, code=0), icmp6(ICMPv6ParamProblem, code=1),
    ping6("::", FAR6, hlim=1, seq=20),
    ping6("ff02::1", FAR6, hlim=1, seq=21),
]
BCAST_LOCAL = [    # local_unsupported, no port unreachable
    Ether(src=HOST_MAC, dst=BCAST_MAC) / udp4(HOST, GW_LAN, id=0x4520, seq=22),
    Ether(src=HOST_MAC, dst="33:33:00:00:00:01") / udp6(HOST6, GW_LAN6, seq=23),
]
BCAST_FWD = [      # not_for_us (never forwarded), no time exceeded
    Ether(src=HOST_MAC, dst=BCAST_MAC) / ping4(HOST, FAR, ttl=1, id=0x4521, seq=24),
]
CONTROLS = [       # ttl_exceeded, error sent
    ping4(HOST, FAR, ttl=1, id=0x4530, seq=30),
    IP(src=HOST, dst=FAR, ttl=1, id=0x4531, flags="MF", frag=0) / UDP(sport=1, dport=2) / payload(40, 3),
    ping6(HOST6, FAR6, hlim=1, seq=32),
]


def send():
    return ([(1, to_gw(1, HOST_MAC, p)) for p in TTL_EXCEEDED]
            + [(1, f) for f in BCAST_LOCAL + BCAST_FWD]
            + [(1, to_gw(1, HOST_MAC, p)) for p in CONTROLS])


def expect():
    return {1: [GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, CONTROLS[0]))),
                GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, CONTROLS[1]))),
                from_gw(1, HOST_MAC, time_exceeded6(GW_LAN6, CONTROLS[2]))]}


DROPS = {"ttl_exceeded": len(TTL_EXCEEDED) + len(CONTROLS), "local_unsupported": len(BCAST_LOCAL),
         "not_for_us": len(BCAST_FWD)}
EVENTS = {"icmp_errors": len(CONTROLS), "icmp_ratelimited": 0}
