"""bad_ndisc (RFC 4861 7.1.1 validity checks): Neighbour Solicitations for the gateway's address
that a node must silently discard are dropped and not answered: hop limit 254, code 1, a bad
ICMPv6 checksum, an ICMPv6 length under 24 bytes, a multicast target address, and an option of
length 0, and a duplicate address detection NS (from ::) that carries a source link-layer
option (7.1.1: "there is no source link-layer address option"). A valid NS follows as a control
(answered).
"""
from lib import *

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
"""
PORTS = 2

GOOD = host_ns(HOST_MAC, HOST6, GW_LAN6)


def ns(hlim=255, code=0, cksum=None, tgt=GW_LAN6, opt=None):
    nsma, nsmac = solicited_node(GW_LAN6)
    p = (Ether(dst=nsmac, src=HOST_MAC) / IPv6(src=HOST6, dst=nsma, hlim=hlim)
         / ICMPv6ND_NS(code=code, tgt=tgt, cksum=cksum))
    return p / (opt if opt is not None else ICMPv6NDOptSrcLLAddr(lladdr=HOST_MAC))


def short_ns():
    """An NS whose ICMPv6 message is 20 bytes (type, code, checksum, reserved, 16 bytes: the
    target cut short), with a correct checksum and payload length."""
    nsma, nsmac = solicited_node(GW_LAN6)
    msg = bytearray(bytes(ns())[54:74])
    msg[2:4] = b"\0\0"
    msg[2:4] = icmp6_checksum(HOST6, nsma, msg).to_bytes(2, "big")
    return Ether(dst=nsmac, src=HOST_MAC) / IPv6(src=HOST6, dst=nsma, hlim=255, nh=58) / Raw(bytes(msg))


def bad_checksum():
    good = bytes(ns())
    c = int.from_bytes(good[56:58], "big")
    return good[:56] + ((c + 1) & 0xFFFF).to_bytes(2, "big") + good[58:]


BAD = [
    ns(hlim=254),
    ns(code=1),
    bad_checksum(),
    short_ns(),
    ns(tgt="ff02::1"),
    ns(opt=ICMPv6NDOptSrcLLAddr(len=0, lladdr=HOST_MAC)),
    host_ns(HOST_MAC, "::", GW_LAN6),                     # DAD with an SLLA option
]


def send():
    return [(1, f) for f in BAD] + [(1, GOOD)]


def expect():
    return {1: [gw_na(1, HOST_MAC, GW_LAN6, HOST6)]}


DROPS = {"bad_ndisc": len(BAD)}
EVENTS = {"nd_adverts": 1}
