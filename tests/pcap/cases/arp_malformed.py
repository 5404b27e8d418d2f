"""bad_arp: ARP frames that are not Ethernet/IPv4 ARP or are malformed are dropped, not answered,
even though each asks for the gateway's own address (a lax parser would reply):
hardware type 6 (IEEE 802), protocol 0x86dd, hardware length 8, protocol length 16, operation 3
(RARP request), operation 0, and a frame cut at 41 bytes (one byte short of an ARP body).
A well-formed request follows as a control (answered).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2

GOOD = arp_request(HOST_MAC, HOST, GW_LAN)


def body(**over):
    """The 28-byte ARP body of GOOD with some header fields replaced (bytes: scapy would fix
    hwlen/plen)."""
    b = bytearray(bytes(GOOD)[14:42])
    if "htype" in over:
        b[0:2] = over["htype"].to_bytes(2, "big")
    if "ptype" in over:
        b[2:4] = over["ptype"].to_bytes(2, "big")
    if "hlen" in over:
        b[4] = over["hlen"]
    if "plen" in over:
        b[5] = over["plen"]
    if "op" in over:
        b[6:8] = over["op"].to_bytes(2, "big")
    return bytes(b)


def frame(data):
    return raw_frame(BCAST_MAC, HOST_MAC, 0x0806, data)


BAD = [
    frame(body(htype=6)),
    frame(body(ptype=0x86DD)),
    frame(body(hlen=8)),
    frame(body(plen=16)),
    frame(body(op=3)),
    frame(body(op=0)),
    frame(body()[:27]),                 # 41-byte frame
]


def send():
    return [(1, f) for f in BAD] + [(1, GOOD)]


def expect():
    return {1: [gw_arp_reply(1, HOST_MAC, HOST, GW_LAN)]}


DROPS = {"bad_arp": len(BAD)}
EVENTS = {"arp_replies": 1}
