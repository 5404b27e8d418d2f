"""IPv6 fragments to the gateway that cannot make a datagram are dropped and counted `fragment`,
and nothing is answered (RFC 8200 4.5; Linux answers some with an ICMPv6 parameter problem,
gatewayd only counts them):
  - a fragment header with no data behind it;
  - a fragment that is not the last (M set) with a length that is not a multiple of 8;
  - a fragment whose data would end past 65535 bytes;
  - the first of two fragments whose second never comes: given up when the reassembly timeout
    (--frag_timeout_ms=200 here) has passed.
The last datagram is whole: answered (so the table was working).
"""
from lib import *

CONFIG = """\
addr add 2001:db8:100::1/64 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
"""
PORTS = 2
EXTRA_ARGS = ["--frag_timeout_ms=200"]
WAIT_S = 1.0


def frag_raw(nh, offset, more, id, data):
    hdr = IPv6(src=HOST6, dst=GW_LAN6, hlim=64, nh=44, plen=8 + len(data))
    fh = bytes([nh, 0]) + ((offset & ~7) | (1 if more else 0)).to_bytes(2, "big") + id.to_bytes(4, "big")
    return IPv6(bytes(hdr)[:40] + fh + data)


WHOLE = ping6(HOST6, GW_LAN6, seq=7, size=100)


def send():
    bad = [
        frag_raw(58, 0, True, 0x6001, b""),                 # nothing behind the header
        frag_raw(58, 0, True, 0x6002, bytes(13)),           # M set, 13 bytes
        frag_raw(58, 65528, False, 0x6003, bytes(16)),      # ends at 65544
    ]
    lonely = split6(ping6(HOST6, GW_LAN6, seq=8, size=200), [104], id=0x6004)[0]
    whole = split6(WHOLE, [56], id=0x6005)
    return [(1, to_gw(1, HOST_MAC, p)) for p in bad + [lonely] + whole]


def expect():
    return {1: [from_gw(1, HOST_MAC, echo_reply6(WHOLE))]}


DROPS = {"fragment": 4}
EVENTS = {"reassembled": 1, "icmp_echo_replies": 1}
