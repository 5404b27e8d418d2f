"""The limit of an ip6tnl tunnel: min(tunnel MTU, underlay port MTU - outer header), with the
tunnel MTU Linux gives the device: 1500 - 40, less 8 more with the encapsulation limit option.
The outer IPv6 packet is never fragmented (as Linux):
- t66 (ip6ip6, encaplimit 4: MTU 1452): a 1452-byte IPv6 inner passes; 1453 is dropped
  (mtu_exceeded) and ICMPv6 packet too big (RFC 4443 3.1) with MTU 1452 goes back to the inner
  source, from port1's first IPv6 address, quoting up to 1280 bytes in all;
- t46 (ipip6, encaplimit none: MTU 1460): a 1460-byte IPv4 inner passes; 1461 with DF gets ICMP
  fragmentation needed with next-hop MTU 1460 (dropped, mtu_exceeded); 1461 without DF is
  fragmented to 1460 (as Linux fragments at the ip6tnl device) and each fragment encapsulated.
"""
from lib import *

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add {PEER6} lladdr {PEER_MAC} dev port0
neigh add {PEER6_2} lladdr {PEER2_MAC} dev port0
{NEIGH_LAN}tunnel add t66 mode ip6ip6 remote {PEER6} local {GW6_UL}
tunnel add t46 mode ipip6 remote {PEER6_2} local {GW6_UL} encaplimit none
link set t66 up
link set t46 up
route add 2001:db8:200::/64 dev t66
route add 10.10.201.0/24 dev t46
"""
PORTS = 2

V6_OK = ip6_sized(HOST6, REMOTE6, 1452, seq=1)
V6_BIG = ip6_sized(HOST6, REMOTE6, 1453, seq=2)
V4_OK = ip_sized(HOST, REMOTE_B, 1460, df=True, id=0x4601, seq=3)
V4_BIG_DF = ip_sized(HOST, REMOTE_B, 1461, df=True, id=0x4602, seq=4)
V4_BIG = ip_sized(HOST, REMOTE_B, 1461, df=False, id=0x4603, seq=5)


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in (V6_OK, V6_BIG, V4_OK, V4_BIG_DF, V4_BIG)]


def expect():
    out0 = [from_gw(0, PEER_MAC, ip6tnl(routed(V6_OK), GW6_UL, PEER6, hlim=64)),
            from_gw(0, PEER2_MAC, ip6tnl(routed(V4_OK), GW6_UL, PEER6_2, hlim=64, encaplimit=None))]
    out0 += [from_gw(0, PEER2_MAC, ip6tnl(f, GW6_UL, PEER6_2, hlim=64, encaplimit=None))
             for f in frag4(routed(V4_BIG), 1460)]
    out1 = [from_gw(1, HOST_MAC, packet_too_big6(GW_LAN6, V6_BIG, 1452)),
            GenId(from_gw(1, HOST_MAC, frag_needed4(GW_LAN, V4_BIG_DF, 1460)))]
    return {0: out0, 1: out1}


DROPS = {"mtu_exceeded": 2}
EVENTS = {"icmp_errors": 2, "fragmented": 1, "fragments_out": 2}
