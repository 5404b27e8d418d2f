"""Shared topology constants and scapy builders for the gatewayd pcap cases.

Topology used by (almost) every case:

      underlay 10.65.132.0/24, 2001:db8:65::/64          LAN 10.10.100.0/24, 2001:db8:100::/64
  [peers, router] ---- port0 [ gatewayd ] port1 ---- [hosts]
                   02:70:63:61:70:00   02:70:63:61:70:01

  gatewayd owns 10.65.132.187 (underlay, the tunnel local address) and 10.10.100.1 (LAN).
  The remote site behind the tunnel is 10.10.200.0/24 and 2001:db8:200::/64.

Expected packets are built from the spec with these helpers, never copied from gatewayd's output.
"""
import random
import struct

from scapy.all import (  # noqa: F401  (re-exported for the cases)
    ARP,
    ICMP,
    IP,
    TCP,
    UDP,
    ICMPv6DestUnreach,
    ICMPv6EchoReply,
    ICMPv6EchoRequest,
    ICMPv6ND_NA,
    ICMPv6ND_NS,
    ICMPv6NDOptDstLLAddr,
    ICMPv6NDOptSrcLLAddr,
    ICMPv6PacketTooBig,
    ICMPv6TimeExceeded,
    IPOption_EOL,
    IPOption_NOP,
    IPv6,
    IPv6ExtHdrFragment,
    Ether,
    NoPayload,
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
PEER6 = "2001:db8:65::188"      # remote ip6tnl endpoint (IPv6 underlay), MAC PEER_MAC
PEER6_2 = "2001:db8:65::189"    # a second one, MAC PEER2_MAC
STRANGER6 = "2001:db8:65::199"  # sends IPv6 tunnel packets but no tunnel names it

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

# The gateway's addresses on the two ports: IPv4 only, and IPv4 and IPv6.
PORT_ADDRS = f"""\
addr add {GW}/24 dev port0
addr add {GW_LAN}/24 dev port1
"""
PORT_ADDRS_DUAL = f"""\
addr add {GW}/24 dev port0
addr add {GW6_UL}/64 dev port0
addr add {GW_LAN}/24 dev port1
addr add {GW_LAN6}/64 dev port1
"""

# The whole config of the plain two-port tunnel topology (most multi-worker cases): PEER and the
# LAN host known, tun1 (ipip) to PEER carrying the remote site 10.10.200.0/24; and the same with
# IPv6 on both ports (the LAN host's IPv6 neighbour too; tun1 and its route stay IPv4).
TUN1_CONFIG = f"""\
{PORT_ADDRS}neigh add {PEER} lladdr {PEER_MAC} dev port0
neigh add {HOST} lladdr {HOST_MAC} dev port1
tunnel add tun1 mode ipip remote {PEER} local {GW}
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
TUN1_CONFIG_DUAL = f"""\
{PORT_ADDRS_DUAL}neigh add {PEER} lladdr {PEER_MAC} dev port0
{NEIGH_LAN}tunnel add tun1 mode ipip remote {PEER} local {GW}
link set tun1 up
route add 10.10.200.0/24 dev tun1
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


def ip6tnl(inner, src, dst, hlim, tc=0, encaplimit=4):
    """Outer IPv6 header (RFC 2473, Linux ip6tnl) in front of an inner IPv4 or IPv6 packet.

    version 6, flow label 0, next header 4 (IPv4 inner) or 41 (IPv6 inner); with an encapsulation
    limit (default 4, None: `encaplimit none`), next header 60 and one 8-byte destination options
    header first, as Linux's init_tel_txopt builds it: next header, length 0, option type 4
    (tunnel encapsulation limit, RFC 2473 4.1.1), option length 1, the limit, then PadN (type 1,
    length 1, one zero byte). Written out as bytes, not with scapy's option classes.
    """
    nh = 4 if isinstance(inner, IP) else 41
    if encaplimit is None:
        return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=0, nh=nh) / inner
    opt = bytes([nh, 0, 4, 1, encaplimit, 1, 1, 0])
    raw = bytes(IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=0, nh=60) / Raw(opt + bytes(inner)))
    return IPv6(raw)  # (parsed back, so that GenId finds the inner IPv4 header)


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



# --------------------------------------------------------------------------- gateway-originated

class GenId:
    """An expected frame some of whose headers carry an id the gateway chooses (echo replies,
    ICMP errors, fragments of those). `which` numbers the frame's IPv4 headers from 0 (outer
    first; headers quoted inside ICMP errors are not counted); with frag6, every IPv6 fragment
    header's identification is the gateway's too (fragments of a packet it originates). The
    harness copies only those ids from the actual frame (and recomputes the IPv4 headers'
    checksums); every other byte is compared.
    """

    def __init__(self, frame, which=0, frag6=False):
        self.frame = frame
        self.which = (which,) if isinstance(which, int) else tuple(which)
        self.frag6 = frag6

    def __bytes__(self):
        return bytes(self.frame)

    def offsets(self):
        raw = bytes(self.frame)
        offs, frags, layer = [], [], Ether(raw)
        while not isinstance(layer, NoPayload):
            if type(layer) is IP:       # not IPerror (a quote)
                offs.append(len(raw) - len(bytes(layer)))
            if type(layer) is IPv6ExtHdrFragment:
                frags.append(("frag6", len(raw) - len(bytes(layer))))
            layer = layer.payload
        return tuple(offs[i] for i in self.which if i < len(offs)) + (tuple(frags) if self.frag6 else ())


def take_gen_ids(exp, offsets, act):
    """The expected frame bytes with the id of each IPv4 header at `offsets` copied from the
    actual frame and that header's checksum recomputed, and the identification of each IPv6
    fragment header at ("frag6", offset) copied (nothing else is taken from it)."""
    if not offsets or act is None:
        return exp
    e = bytearray(exp)
    for off in offsets:
        if isinstance(off, tuple):  # an IPv6 fragment header: its 32-bit identification
            off = off[1]
            if len(act) >= off + 8 and len(e) >= off + 8:
                e[off + 4:off + 8] = act[off + 4:off + 8]
            continue
        ihl = (e[off] & 0x0F) * 4
        if len(act) < off + 6 or act[off] >> 4 != 4 or len(e) < off + ihl:
            continue
        e[off + 4:off + 6] = act[off + 4:off + 6]
        e[off + 10:off + 12] = b"\0\0"
        e[off + 10:off + 12] = ipv4_checksum(bytes(e[off:off + ihl])).to_bytes(2, "big")
    return bytes(e)


def frame_matches(exp, act):
    """True when actual frame bytes equal the expected frame (a GenId's chosen ids excepted)."""
    if isinstance(exp, GenId):
        return take_gen_ids(bytes(exp), exp.offsets(), act) == act
    return bytes(exp) == act


def icmp_payload(p):
    """The bytes after the 8-byte ICMP / ICMPv6 echo header of packet p."""
    layer = p[ICMP] if ICMP in p else (p[ICMPv6EchoRequest] if ICMPv6EchoRequest in p else p[ICMPv6EchoReply])
    return bytes(layer)[8:]


def echo_reply4(req, ttl=64):
    """Echo reply per the spec: IP(src=request dst, dst=request src, ttl 64, tos = request tos,
    flags 0, id chosen by the gateway: 0 here, wrap the frame in GenId)/ICMP(0, 0, id, seq)/data."""
    req = IP(bytes(req))
    return (IP(src=req.dst, dst=req.src, ttl=ttl, tos=req.tos, flags=0, id=0)
            / ICMP(type=0, code=0, id=req[ICMP].id, seq=req[ICMP].seq) / Raw(icmp_payload(req)))


def echo_reply6(req, hlim=64):
    """ICMPv6 echo reply: IPv6(src=request dst, dst=request src, hlim 64, tc = request tc, fl 0)."""
    req = IPv6(bytes(req))
    e = req[ICMPv6EchoRequest]
    return (IPv6(src=req.dst, dst=req.src, hlim=hlim, tc=req.tc, fl=0)
            / ICMPv6EchoReply(id=e.id, seq=e.seq, data=icmp_payload(req)))


def icmp4_error(src, orig, type, code, rest=0):
    """ICMP error (RFC 792; RFC 1191 for 3/4: rest = next-hop MTU) from src about `orig`, quoted
    as received, truncated so the whole IP packet is at most 576 bytes (RFC 1812 4.3.2.3).
    ttl 64, tos 0xc0 (Linux: IPTOS_PREC_INTERNETCONTROL), DF clear, id 0 (wrap in GenId)."""
    o = bytes(orig)
    quote = o[:576 - 28]
    hdr = struct.pack("!BBHI", type, code, 0, rest) + quote
    hdr = hdr[:2] + ipv4_checksum(hdr).to_bytes(2, "big") + hdr[4:]
    dst = IP(o).src
    return IP(src=src, dst=dst, ttl=64, tos=0xC0, flags=0, id=0, proto=1) / Raw(hdr)


def icmp6_error(src, orig, cls, **fields):
    """ICMPv6 error (RFC 4443) from src about `orig` quoted as received, truncated so the whole
    IPv6 packet is at most 1280 bytes; hop limit 64, tc 0, flow label 0."""
    o = bytes(orig)
    return IPv6(src=src, dst=IPv6(o).src, hlim=64, tc=0, fl=0) / cls(**fields) / Raw(o[:1280 - 48])


def time_exceeded4(src, orig):
    return icmp4_error(src, orig, 11, 0)


def frag_needed4(src, orig, mtu):
    return icmp4_error(src, orig, 3, 4, mtu)


def time_exceeded6(src, orig):
    return icmp6_error(src, orig, ICMPv6TimeExceeded, code=0)


def packet_too_big6(src, orig, mtu):
    return icmp6_error(src, orig, ICMPv6PacketTooBig, mtu=mtu)


def frag4(ip, mtu):
    """IPv4 fragments of ip as Linux's ip_fragment (and rte_ipv4_fragment_packet) cut them for
    an MTU: each carries (mtu - ihl) & ~7 payload bytes (the last: the rest), the same header with
    total length, MF (set on all but the last, and on the last too if ip itself had MF), offset
    (ip's own offset + position / 8) and checksum rewritten. No IP options here."""
    raw = bytes(ip)
    ihl = (raw[0] & 0x0F) * 4
    assert ihl == 20, "frag4: options are not handled"
    total = int.from_bytes(raw[2:4], "big")
    data = raw[ihl:total]
    fo = int.from_bytes(raw[6:8], "big")
    assert not fo & 0x4000, "frag4: DF set"
    per = (mtu - ihl) & ~7
    out = []
    for pos in range(0, len(data), per):
        chunk = data[pos:pos + per]
        last = pos + per >= len(data)
        h = bytearray(raw[:ihl])
        h[2:4] = (ihl + len(chunk)).to_bytes(2, "big")
        mf = 0x2000 if (not last or fo & 0x2000) else 0
        h[6:8] = (mf | ((fo & 0x1FFF) + pos // 8)).to_bytes(2, "big")
        out.append(IP(fix_ipv4_checksum(bytes(h)) + chunk))
    return out


def split4(ip, cuts, id=None):
    """Hand-made fragments of ip (a sender's fragmentation): cuts are payload offsets (multiples
    of 8) where a new fragment starts; returns the fragments in order, like frag4."""
    raw = bytes(ip)
    ihl = (raw[0] & 0x0F) * 4
    total = int.from_bytes(raw[2:4], "big")
    data = raw[ihl:total]
    bounds = [0] + list(cuts) + [len(data)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        assert a % 8 == 0
        h = bytearray(raw[:ihl])
        if id is not None:
            h[4:6] = id.to_bytes(2, "big")
        h[2:4] = (ihl + b - a).to_bytes(2, "big")
        h[6:8] = ((0x2000 if b < len(data) else 0) | a // 8).to_bytes(2, "big")
        out.append(IP(fix_ipv4_checksum(bytes(h)) + data[a:b]))
    return out


def split6(ip6, cuts, id=0x1111):
    """IPv6 fragments of ip6 (no extension headers) as its source makes them (RFC 8200 4.5): cuts
    are offsets in the fragmentable part (the payload; multiples of 8) where a new fragment
    starts; each fragment is the IPv6 header (payload length 8 + its data, next header 44), a
    fragment header (the original next header, offset / 8, M on all but the last, `id`), and
    its data. frag6 cuts them where Linux's ip6_fragment does for an MTU."""
    raw = bytes(ip6)
    assert raw[0] >> 4 == 6
    nh = raw[6]
    data = raw[40:40 + int.from_bytes(raw[4:6], "big")]
    bounds = [0] + list(cuts) + [len(data)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        assert a % 8 == 0
        h = bytearray(raw[:40])
        h[4:6] = (8 + b - a).to_bytes(2, "big")
        h[6] = 44
        fh = bytes([nh, 0]) + ((a & ~7) | (1 if b < len(data) else 0)).to_bytes(2, "big") + \
            id.to_bytes(4, "big")
        out.append(IPv6(bytes(h) + fh + data[a:b]))
    return out


def frag6(ip6, mtu, id=0):
    """IPv6 fragments of ip6 for an MTU as Linux's ip6_fragment cuts them: (mtu - 48) & ~7
    payload bytes each, the last the rest."""
    per = (mtu - 48) & ~7
    n = len(bytes(ip6)) - 40
    return split6(ip6, range(per, n, per), id)


# --------------------------------------------------------------------------- ARP (RFC 826)

ZERO_MAC = "00:00:00:00:00:00"


def arp_request(src_mac, src_ip, target_ip, dst_mac=BCAST_MAC):
    """A host's ARP request (who-has target_ip tell src_ip)."""
    return (Ether(dst=dst_mac, src=src_mac, type=0x0806)
            / ARP(hwtype=1, ptype=0x0800, hwlen=6, plen=4, op=1, hwsrc=src_mac, psrc=src_ip,
                  hwdst=ZERO_MAC, pdst=target_ip))


def arp_reply_to_gw(port, src_mac, src_ip, gw_ip):
    """A neighbour's ARP reply to the gateway's port `port`."""
    return (Ether(dst=port_mac(port), src=src_mac, type=0x0806)
            / ARP(op=2, hwsrc=src_mac, psrc=src_ip, hwdst=port_mac(port), pdst=gw_ip))


def gw_arp_reply(port, req_mac, req_ip, our_ip):
    """The gateway's reply on `port` to a request from (req_mac, req_ip) for our_ip: 42 bytes."""
    return (Ether(dst=req_mac, src=port_mac(port), type=0x0806)
            / ARP(op=2, hwsrc=port_mac(port), psrc=our_ip, hwdst=req_mac, pdst=req_ip))


def gw_arp_request(port, src_ip, target_ip, dst_mac=BCAST_MAC):
    """The gateway's resolution request out of `port` (broadcast; unicast when re-probing)."""
    return (Ether(dst=dst_mac, src=port_mac(port), type=0x0806)
            / ARP(op=1, hwsrc=port_mac(port), psrc=src_ip, hwdst=ZERO_MAC, pdst=target_ip))


# --------------------------------------------------------------------------- ND (RFC 4861)

def _in6(a):
    import socket
    return socket.inet_pton(socket.AF_INET6, a)


def solicited_node(addr):
    """ff02::1:ffXX:XXXX (RFC 4291 2.7.1) and its MAC 33:33:ff:XX:XX:XX (RFC 2464 7)."""
    import socket
    b = _in6(addr)
    ip = socket.inet_ntop(socket.AF_INET6, _in6("ff02::1:ff00:0")[:13] + b[13:])
    mac = "33:33:ff:%02x:%02x:%02x" % (b[13], b[14], b[15])
    return ip, mac


def icmp6_checksum(src6, dst6, msg):
    """RFC 4443 2.3 checksum of ICMPv6 message bytes (checksum field included as is)."""
    pseudo = _in6(src6) + _in6(dst6) + struct.pack("!I3xB", len(msg), 58)
    return ipv4_checksum(pseudo + bytes(msg))


def host_ns(src_mac, src6, target, dst6=None, dst_mac=None, slla=True):
    """A host's Neighbour Solicitation for target (to its solicited-node group by default)."""
    nsma, nsmac = solicited_node(target)
    p = (Ether(dst=dst_mac or nsmac, src=src_mac)
         / IPv6(src=src6, dst=dst6 or nsma, hlim=255) / ICMPv6ND_NS(tgt=target))
    if slla:
        p = p / ICMPv6NDOptSrcLLAddr(lladdr=src_mac if slla is True else slla)
    return p


def host_na(port, src_mac, src6, dst6):
    """A neighbour's solicited advertisement (S=1, O=1) to the gateway's port, with its TLLA."""
    return (Ether(dst=port_mac(port), src=src_mac)
            / IPv6(src=src6, dst=dst6, hlim=255) / ICMPv6ND_NA(R=0, S=1, O=1, tgt=src6)
            / ICMPv6NDOptDstLLAddr(lladdr=src_mac))


def gw_na(port, dst_mac, target, dst6, solicited=True):
    """The gateway's advertisement of target on `port` (R=1 router, S, O=1, TLLA = port MAC)."""
    return (Ether(dst=dst_mac, src=port_mac(port))
            / IPv6(src=target, dst=dst6, hlim=255, tc=0, fl=0)
            / ICMPv6ND_NA(R=1, S=1 if solicited else 0, O=1, tgt=target)
            / ICMPv6NDOptDstLLAddr(lladdr=port_mac(port)))


def gw_ns(port, src6, target):
    """The gateway's resolution NS out of `port`, to target's solicited-node group, with SLLA."""
    nsma, nsmac = solicited_node(target)
    return (Ether(dst=nsmac, src=port_mac(port))
            / IPv6(src=src6, dst=nsma, hlim=255, tc=0, fl=0) / ICMPv6ND_NS(tgt=target)
            / ICMPv6NDOptSrcLLAddr(lladdr=port_mac(port)))


# --------------------------------------------------------------------------- gwctl (live_check)

def neigh_check(expected):
    """live_check: `gwctl -j neigh show` lists exactly `expected`, a list of
    (dst, dev, lladdr or None, state or a set of acceptable states), in any order."""
    import json

    def check(gwctl):
        rc, out, err = gwctl("-j", "neigh", "show")
        if rc != 0:
            return [f"gwctl -j neigh show: exit {rc}: {err.strip()}"]
        try:
            got = json.loads(out)
        except ValueError:
            return [f"gwctl -j neigh show: not JSON: {out!r}"]
        rows = {(n.get("dst"), n.get("dev")): n for n in got}
        fails = []
        for dst, dev, lladdr, state in expected:
            n = rows.pop((dst, dev), None)
            states = {state} if isinstance(state, str) else set(state)
            if n is None:
                fails.append(f"neigh show: no entry {dst} dev {dev}")
            elif n.get("lladdr") != lladdr or n.get("state") not in states:
                fails.append(f"neigh show: {dst} dev {dev}: expected lladdr {lladdr} state "
                             f"{'/'.join(sorted(states))}, got lladdr {n.get('lladdr')} state {n.get('state')}")
        for (dst, dev), n in rows.items():
            fails.append(f"neigh show: unexpected entry {json.dumps(n)}")
        return fails
    return check


DYNAMIC = ("REACHABLE", "STALE", "DELAY", "PROBE")   # learned entries, any of Linux's valid states


def gwctl_lines_check(args, expected, absent=()):
    """live_check: `gwctl ARGS...` prints exactly the lines `expected` (in any order), and no line
    containing any string of `absent`."""
    def check(gwctl):
        rc, out, err = gwctl(*args)
        if rc != 0:
            return [f"gwctl {' '.join(args)}: exit {rc}: {err.strip()}"]
        fails = []
        lines = [ln for ln in out.splitlines() if ln.strip()]
        if expected is not None and sorted(lines) != sorted(expected):
            fails.append(f"gwctl {' '.join(args)}: expected lines {sorted(expected)}, got {sorted(lines)}")
        for a in absent:
            fails += [f"gwctl {' '.join(args)}: unexpected line {ln!r}" for ln in lines if a in ln]
        return fails
    return check


def all_checks(*checks):
    """live_check running several checks."""
    def check(gwctl):
        return [f for c in checks for f in c(gwctl)]
    return check


def pmtu_check(tunnel, expected, expires_s=600, text=None):
    """between() / live_check: `gwctl -j tunnel show TUNNEL` lists exactly the path MTUs
    `expected`, [(remote, mtu, locked)], in address order, each expiring within expires_s seconds
    (and not more than 30 s sooner: it was learned just now); and, if `text` (a regex) is given,
    `gwctl tunnel show TUNNEL` matches it."""
    import json
    import re

    def check(gwctl):
        rc, out, err = gwctl("-j", "tunnel", "show", tunnel)
        if rc != 0:
            return [f"gwctl -j tunnel show {tunnel}: exit {rc}: {err.strip()}"]
        try:
            got = json.loads(out)[0]["pmtu"]
        except (ValueError, LookupError, TypeError):
            return [f"gwctl -j tunnel show {tunnel}: no pmtu list in {out!r}"]
        fails = []
        rows = [(p.get("remote"), p.get("mtu"), p.get("locked")) for p in got]
        if rows != [tuple(e) for e in expected]:
            fails.append(f"tunnel show {tunnel}: pmtu {rows}, expected {expected}")
        for p in got:
            e = p.get("expires_s")
            if not isinstance(e, int) or not expires_s - 30 <= e <= expires_s:
                fails.append(f"tunnel show {tunnel}: pmtu {p}: expires_s not in "
                             f"{expires_s - 30}..{expires_s}")
        if text is not None:
            rc, out, err = gwctl("tunnel", "show", tunnel)
            if rc != 0 or not re.fullmatch(text, out, re.S):
                fails.append(f"gwctl tunnel show {tunnel}: {out!r} does not match /{text}/")
        return fails
    return check


# --------------------------------------------------------------------------- many workers

def flow_payload(flow, seq, size=48):
    """A UDP (or TCP) payload naming its packet: the flow (2 bytes), the sequence number (2 bytes),
    then size - 4 deterministic bytes. flow_tag() reads it back from an output frame."""
    return Raw(struct.pack("!HH", flow, seq) + bytes(payload(size - 4, flow * 31 + seq)))


def flow_tag(frame):
    """(flow, seq) of a frame whose (first) UDP header, or else TCP header, carries a
    flow_payload(), or None."""
    try:
        p = Ether(frame)
    except Exception:
        return None
    layer = p[UDP] if UDP in p else (p[TCP] if TCP in p else None)
    if layer is None:
        return None
    data = bytes(layer.payload)
    return struct.unpack("!HH", data[:4]) if len(data) >= 4 else None


def tun1_inner(flow, seq, size=48):
    """Packet `seq` of inner flow `flow`, from the remote site behind tun1 to the LAN host: IPv4
    REMOTE -> HOST, TTL 64, id (flow << 8) | seq, UDP 50000 + 37 * flow -> 5001, flow_payload(flow,
    seq, size). (Flows 0..15 of these hash onto both of two workers.)"""
    return (IP(src=REMOTE, dst=HOST, ttl=64, id=(flow << 8) | seq)
            / UDP(sport=50000 + 37 * flow, dport=5001) / flow_payload(flow, seq, size))


PLAIN_TAG = 100   # plain_flow(flow, seq) is tagged as flow PLAIN_TAG + flow


def plain_flow(flow, seq):
    """Packet `seq` of plain (not tunnelled) flow `flow`, from the underlay to the LAN host: UDP
    20000 + 13 * flow -> 53, IPv6 2001:db8:300::5 -> HOST6 (hop limit 64) for an odd flow, IPv4
    192.0.2.5 -> HOST (TTL 64, id (tag << 8) | seq) for an even one, flow_payload(tag, seq) with
    tag = PLAIN_TAG + flow."""
    tag = PLAIN_TAG + flow
    if flow % 2:
        return (IPv6(src="2001:db8:300::5", dst=HOST6, hlim=64)
                / UDP(sport=20000 + 13 * flow, dport=53) / flow_payload(tag, seq))
    return (IP(src="192.0.2.5", dst=HOST, ttl=64, id=(tag << 8) | seq)
            / UDP(sport=20000 + 13 * flow, dport=53) / flow_payload(tag, seq))


def shuffled_order(flows, per_flow, seed):
    """[(flow, seq)] in the order sent: round after round (seq 0 .. per_flow - 1), each round every
    flow 0 .. flows - 1 once, shuffled anew by random.Random(seed)."""
    rng = random.Random(seed)
    out = []
    for seq in range(per_flow):
        order = list(range(flows))
        rng.shuffle(order)
        out += [(f, seq) for f in order]
    return out


def one_frame_to_lan():
    """send() for a case whose gatewayd must refuse to start (EXPECT_CONFIG_ERROR): one UDP frame
    from the underlay to the LAN host on port0, so that "nothing sent" means something."""
    return [(0, to_gw(0, UL_ROUTER_MAC, udp4("192.0.2.5", HOST)))]


def flow_queue_check(port, queues, flows=None):
    """check(actual, stats, queues): on `port`, each flow's frames (tagged with flow_payload) left
    through one TX queue (one worker) and in the order of their sequence numbers, each once;
    flows = {flow: number of packets}, if given, are all there. Returns (failure lines,
    {flow: queue}); frames without a tag are failures unless `flows` is None."""
    fails, where, seqs = [], {}, {}
    for q, frames in enumerate(queues.get(port, [])):
        for i, f in enumerate(frames):
            tag = flow_tag(f)
            if tag is None:
                if flows is not None:
                    fails.append(f"port{port} queue {q} frame #{i}: no flow tag: {Ether(f).summary()}")
                continue
            flow, seq = tag
            where.setdefault(flow, set()).add(q)
            seqs.setdefault((flow, q), []).append(seq)
    for flow, qs in sorted(where.items()):
        if len(qs) != 1:
            fails.append(f"port{port}: flow {flow} left through queues {sorted(qs)}: "
                         f"one flow must stay with one worker")
    for (flow, q), s in sorted(seqs.items()):
        if s != sorted(set(s)):
            fails.append(f"port{port} queue {q}: flow {flow} out of order or repeated: seq {s}")
    if flows is not None:
        for flow, n in sorted(flows.items()):
            got = sorted(x for (f, _), s in seqs.items() if f == flow for x in s)
            if got != list(range(n)):
                fails.append(f"port{port}: flow {flow}: seq {got}, expected 0..{n - 1}")
        for flow in sorted(set(where) - set(flows)):
            fails.append(f"port{port}: unexpected flow {flow}")
    return fails, {flow: min(qs) for flow, qs in where.items()}


def all_queues_check(port, where, queues=2, what="flows"):
    """check(): failure lines unless `where` ({flow or datagram: queue}, e.g. flow_queue_check's)
    uses every one of `queues` TX queues of `port`: the workers did share the flows."""
    used = sorted(set(where.values()))
    if used != list(range(queues)):
        return [f"port{port}: {what} left through queues {used} only: nothing was spread "
                f"({what} -> queue: {where})"]
    return []


def workers_books_check(st, want):
    """Failure lines unless the workers' (received, spread_out, spread_in) in `gwctl -j stats`
    (parsed, as live_check read it; books.workers by lcore) are `want`, in lcore order; none for
    st None (live_check could not read it, and has failed already)."""
    if not st:
        return []
    ws = sorted(st["books"]["workers"], key=lambda w: w["lcore"])
    got = [(w["received"], w["spread_out"], w["spread_in"]) for w in ws]
    if got != want:
        return [f"books.workers (received, spread_out, spread_in): {got}, expected {want}"]
    return []


def handed_over_check(stats, queues, port, sent, st=None, receiver=0):
    """check() of a two-worker case whose `sent` frames all came in through worker `receiver` (port0
    is polled by worker 0, port1 by worker 1) and left through `port`: the other worker sent
    exactly what was handed to it, so spread_out = spread_in (the events in `stats`) = the frames in
    its queue on `port`; and, given `st` (`gwctl -j stats` as live_check read it), per worker
    (received, spread_out, spread_in) = (sent - h, h, 0) for the receiver and (h, 0, h) for the
    other. Failure lines."""
    other = 1 - receiver
    h = len(queues[port][other])
    fails = []
    ev = stats.get("events", {})
    if ev.get("spread_out") != h or ev.get("spread_in") != h:
        fails.append(f"spread_out {ev.get('spread_out')} / spread_in {ev.get('spread_in')}, but "
                     f"{('the first', 'the second')[other]} worker's queue on port{port} has {h} frames")
    want = [(sent - h, h, 0), (h, 0, h)]
    return fails + workers_books_check(st, want if receiver == 0 else want[::-1])


def gwctl_stats(gwctl):
    """`gwctl -j stats` parsed: (dict, []) or (None, failure lines)."""
    import json
    rc, out, err = gwctl("-j", "stats")
    if rc != 0:
        return None, [f"gwctl -j stats: exit {rc}: {err.strip()}"]
    try:
        return json.loads(out), []
    except ValueError:
        return None, [f"gwctl -j stats: not JSON: {out[:200]!r}"]


def spread_books_check(st, sent, workers=2, spread=True, drops=None):
    """Failure lines for `gwctl -j stats` (parsed) after `sent` frames, all walked, over `workers`
    workers: the books balance (each worker's too); the drops are `drops` (default: none); what the workers handed to
    each other (books.spread.out, per worker spread_out) was all taken (spread.in, none left in
    the rings): some when `spread`, none otherwise; each frame received once (Σ workers' received
    = processed = sent)."""
    fails = []
    b = st.get("books", {})
    sp = b.get("spread", {})
    ws = b.get("workers", [])
    if b.get("balanced") is not True or b.get("off") != 0:
        fails.append(f"books do not balance: balanced {b.get('balanced')} off {b.get('off')}")
    if st.get("processed") != sent:
        fails.append(f"processed {st.get('processed')}, sent {sent}")
    if len(ws) != workers or len(st.get("lcores", [])) != workers:
        fails.append(f"expected {workers} workers: books.workers {ws}, lcores {st.get('lcores')}")
    if sum(w.get("received", 0) for w in ws) != sent:
        fails.append(f"workers' received {[w.get('received') for w in ws]} do not add up to {sent}")
    for w in ws:
        if w.get("off") != 0:
            fails.append(f"worker lcore {w.get('lcore')}: books off by {w.get('off')}")
    out, inn = sp.get("out"), sp.get("in")
    if out != inn or sp.get("in_rings") != 0 or sp.get("off") != 0:
        fails.append(f"books.spread: out {out} != in {inn} + in_rings {sp.get('in_rings')} "
                     f"(off {sp.get('off')})")
    if spread and not (isinstance(out, int) and out > 0):
        fails.append(f"books.spread.out = {out}: nothing was handed to another worker")
    if not spread and (out != 0 or inn != 0):
        fails.append(f"books.spread: out {out} in {inn}, expected 0 (no spreading)")
    if sum(w.get("spread_out", 0) for w in ws) != out or sum(w.get("spread_in", 0) for w in ws) != inn:
        fails.append(f"books.workers spread_out/spread_in do not add up to books.spread: {ws} {sp}")
    nz = {k: v for k, v in st.get("drops", {}).items() if v}
    if nz != dict(drops or {}):
        fails.append(f"drops: {nz}, expected {dict(drops or {})}")
    return fails


def tunnel_stats_check(st, name, want):
    """Failure lines unless tunnel `name`'s counters in `gwctl -j stats` (parsed) are `want`
    ({"encap_packets": n, ...}: the counters named)."""
    t = {x["name"]: x for x in st.get("tunnels", [])}.get(name, {})
    got = {k: t.get(k) for k in want}
    if got != want:
        return [f"{name} counters: expected {want}, got {got}"]
    return []
