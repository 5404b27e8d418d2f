"""Shared topology constants and scapy builders for the gatewayd pcap cases.

Topology used by (almost) every case:

      underlay 10.65.132.0/24, 2001:db8:65::/64          LAN 10.10.100.0/24, 2001:db8:100::/64
  [peers, router] ---- port0 [ gatewayd ] port1 ---- [hosts]
                   02:70:63:61:70:00   02:70:63:61:70:01

  gatewayd owns 10.65.132.187 (underlay, the tunnel local address) and 10.10.100.1 (LAN).
  The remote site behind the tunnel is 10.10.200.0/24 and 2001:db8:200::/64.

Expected packets are built from the spec with these helpers, never copied from gatewayd's output.
"""
from scapy.all import (  # noqa: F401  (re-exported for the cases)
    ICMP,
    IP,
    TCP,
    UDP,
    ICMPv6EchoReply,
    ICMPv6EchoRequest,
    IPOption_EOL,
    IPOption_NOP,
    IPv6,
    Ether,
    Padding,
    Raw,
    conf,
)

conf.verb = 0


def port_mac(n):
    """MAC of net_pcap port N (net_pcap numbers its devices in vdev order)."""
    return "02:70:63:61:70:%02x" % n


P0_MAC = port_mac(0)
P1_MAC = port_mac(1)
BCAST_MAC = "ff:ff:ff:ff:ff:ff"

# ---- underlay, behind port0 ----
GW = "10.65.132.187"            # gateway's underlay address, local end of the tunnels
PEER = "10.65.132.188"          # remote tunnel endpoint (the seed article's peer)
PEER_MAC = "52:54:00:00:00:88"
PEER2 = "10.65.132.189"         # a second tunnel endpoint
PEER2_MAC = "52:54:00:00:00:89"
PEER3 = "10.65.132.190"
PEER3_MAC = "52:54:00:00:00:90"
PEER4 = "10.65.132.191"
PEER4_MAC = "52:54:00:00:00:91"
STRANGER = "10.65.132.199"      # sends IPIP but no tunnel names it
STRANGER_MAC = "52:54:00:00:00:99"
UL_ROUTER = "10.65.132.1"       # underlay router (next hop of 'via' routes)
UL_ROUTER_MAC = "52:54:00:00:00:01"
GW6_UL = "2001:db8:65::187"
UL_ROUTER6 = "2001:db8:65::1"

# ---- LAN, behind port1 ----
GW_LAN = "10.10.100.1"
HOST = "10.10.100.2"
HOST_MAC = "52:54:00:00:01:02"
HOST2 = "10.10.100.3"
HOST2_MAC = "52:54:00:00:01:03"
GW_LAN6 = "2001:db8:100::1"
HOST6 = "2001:db8:100::2"

# ---- remote sites (reached through tunnels) ----
REMOTE = "10.10.200.2"          # 10.10.200.0/24, behind PEER
REMOTE6 = "2001:db8:200::2"     # 2001:db8:200::/64, behind PEER
REMOTE_B = "10.10.201.2"        # 10.10.201.0/24, behind PEER2
REMOTE6_B = "2001:db8:201::2"   # 2001:db8:201::/64, behind PEER2

# ECN codepoints (low two bits of the IPv4 TOS / IPv6 traffic class byte)
NOT_ECT, ECT1, ECT0, CE = 0, 1, 2, 3
ECN_NAMES = {NOT_ECT: "Not-ECT", ECT1: "ECT(1)", ECT0: "ECT(0)", CE: "CE"}

# Neighbour lines shared by many configs.
NEIGH_UNDERLAY = f"""\
neigh add {PEER} lladdr {PEER_MAC} dev port0
neigh add {PEER2} lladdr {PEER2_MAC} dev port0
"""
NEIGH_LAN = f"""\
neigh add {HOST} lladdr {HOST_MAC} dev port1
neigh add {HOST6} lladdr {HOST_MAC} dev port1
"""


def payload(n, seed=0):
    """n deterministic bytes; seed makes packets distinguishable."""
    return Raw(bytes((seed * 7 + i) & 0xFF for i in range(n)))


def ping4(src, dst, ttl=64, id=0x1234, tos=0, df=False, seq=1, size=32, reply=False):
    """IPv4 ICMP echo (request by default) with a size-byte payload."""
    return (IP(src=src, dst=dst, ttl=ttl, id=id, tos=tos, flags="DF" if df else 0)
            / ICMP(type=0 if reply else 8, id=0x77, seq=seq) / payload(size, seq))


def udp4(src, dst, ttl=64, id=0x2345, tos=0, df=False, sport=40000, dport=5001, size=64, seq=0):
    return (IP(src=src, dst=dst, ttl=ttl, id=id, tos=tos, flags="DF" if df else 0)
            / UDP(sport=sport, dport=dport) / payload(size, seq))


def ping6(src, dst, hlim=64, tc=0, seq=1, size=32, reply=False):
    """IPv6 ICMPv6 echo (request by default)."""
    cls = ICMPv6EchoReply if reply else ICMPv6EchoRequest
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc) / cls(id=0x77, seq=seq, data=bytes(payload(size, seq)))


def udp6(src, dst, hlim=64, tc=0, sport=40000, dport=5001, size=64, seq=0):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc) / UDP(sport=sport, dport=dport) / payload(size, seq)


def ip_sized(src, dst, total_len, ttl=64, id=0x3456, df=True, tos=0, seq=0):
    """IPv4/UDP packet whose IPv4 total length is exactly total_len bytes."""
    return udp4(src, dst, ttl=ttl, id=id, tos=tos, df=df, size=total_len - 28, seq=seq)


def ip6_sized(src, dst, total_len, hlim=64, tc=0, seq=0):
    """IPv6/UDP packet whose size (40 + payload length) is exactly total_len bytes."""
    return udp6(src, dst, hlim=hlim, tc=tc, size=total_len - 48, seq=seq)


def _copy(ip):
    # Round-trip through bytes so the copy is independent and fully built.
    return ip.__class__(bytes(ip))


def routed(ip, hops=1):
    """The same IP packet after `hops` routers: TTL / hop limit lowered, IPv4 checksum recomputed."""
    p = _copy(ip)
    if isinstance(p, IP):
        p.ttl -= hops
        del p.chksum
    else:
        p.hlim -= hops
    return p


def hop_limit(ip):
    return ip.ttl if isinstance(ip, IP) else ip.hlim


def tos_byte(ip):
    return ip.tos if isinstance(ip, IP) else ip.tc


def with_ecn(ip, ecn):
    """Copy of ip with its ECN field set to ecn (IPv4 checksum recomputed)."""
    p = _copy(ip)
    if isinstance(p, IP):
        p.tos = (p.tos & 0xFC) | ecn
        del p.chksum
    else:
        p.tc = (p.tc & 0xFC) | ecn
    return p


def ipip(inner, src, dst, ttl, tos=0, df=True, id=0):
    """Outer IPv4 header (RFC 2003 / RFC 4213) in front of an inner IPv4 or IPv6 packet.

    version 4, IHL 5, protocol 4 for IPv4 inner and 41 for IPv6 inner, no options.
    """
    proto = 4 if isinstance(inner, IP) else 41
    return IP(version=4, ihl=5, src=src, dst=dst, ttl=ttl, tos=tos, id=id,
              flags="DF" if df else 0, frag=0, proto=proto) / inner


def eth(src, dst, ip):
    """Ethernet frame around ip (ethertype chosen by scapy from the IP version)."""
    return Ether(src=src, dst=dst) / ip


def to_gw(port, src_mac, ip):
    """Frame sent by src_mac to gatewayd's port `port`."""
    return Ether(src=src_mac, dst=port_mac(port)) / ip


def from_gw(port, dst_mac, ip):
    """Frame that gatewayd sends out of port `port` to dst_mac."""
    return Ether(src=port_mac(port), dst=dst_mac) / ip


def raw_frame(dst_mac, src_mac, ethertype, data):
    """Hand-made frame: used for malformed packets that scapy would 'fix'."""
    import struct

    def mac(m):
        return bytes(int(x, 16) for x in m.split(":"))
    return mac(dst_mac) + mac(src_mac) + struct.pack("!H", ethertype) + bytes(data)


def ipv4_checksum(hdr):
    """RFC 1071 checksum of a header given as bytes (checksum field included as is)."""
    if len(hdr) % 2:
        hdr += b"\0"
    s = sum((hdr[i] << 8) | hdr[i + 1] for i in range(0, len(hdr), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def fix_ipv4_checksum(hdr):
    """Return IPv4 header bytes with a correct checksum for whatever IHL/length it claims."""
    hdr = bytearray(hdr)
    hdr[10:12] = b"\0\0"
    c = ipv4_checksum(bytes(hdr))
    hdr[10:12] = c.to_bytes(2, "big")
    return bytes(hdr)
