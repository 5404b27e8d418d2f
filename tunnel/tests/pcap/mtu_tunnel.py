"""Tunnel MTU: the limit for an inner packet is min(tunnel MTU, underlay port MTU - 20).
Default tunnel MTU = 1480 (underlay 1500 - 20): a 1480-byte inner makes a 1500-byte outer and
passes; 1481 does not. With `link set tun2 mtu 1400`: 1400 passes, 1401 does not. Too big:
- IPv4 with DF: dropped (mtu_exceeded), ICMP fragmentation needed (3/4) with next-hop MTU = the
  limit (1480 / 1400) back to the LAN source, from port1's first address, quoting 548 bytes of
  the packet as received;
- IPv6: dropped (mtu_exceeded), ICMPv6 packet too big with MTU = the limit, from port1's first
  IPv6 address, quoting up to 1280 bytes in all.
(IPv4 without DF into a tunnel is fragmented: frag_tunnel.py.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.65.132.189 lladdr 52:54:00:00:00:89 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
tunnel add tun2 mode any remote 10.65.132.189 local 10.65.132.187
link set tun1 up
link set tun2 up
link set tun2 mtu 1400
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
route add 10.10.201.0/24 dev tun2
route add 2001:db8:201::/64 dev tun2
"""
PORTS = 2

# (inner v4 destination, inner v6 destination, remote, MAC, tunnel MTU)
TUNNELS = [("10.10.200.2", "2001:db8:200::2", PEER, PEER_MAC, 1480),
           ("10.10.201.2", "2001:db8:201::2", PEER2, PEER2_MAC, 1400)]


def packets():
    """(packet, what happens: ('encap', remote, mac) or ('too_big', limit))"""
    seq = 0
    for dst4, dst6, remote, mac, mtu in TUNNELS:
        for size in (mtu, mtu + 1, 1000):
            seq += 1
            for p in (ip_sized(HOST, dst4, size, df=True, id=0x0400 + seq, seq=seq),
                      ip6_sized(HOST6, dst6, size, seq=seq)):
                yield p, (("encap", remote, mac) if size <= mtu else ("too_big", mtu))


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p, _ in packets()]


def expect():
    out = {0: [], 1: []}
    for p, what in packets():
        if what[0] == "encap":
            out[0].append(from_gw(0, what[2], ipip(routed(p), GW, what[1], ttl=63)))
        elif isinstance(p, IP):
            out[1].append(GenId(from_gw(1, HOST_MAC, frag_needed4(GW_LAN, p, what[1]))))
        else:
            out[1].append(from_gw(1, HOST_MAC, packet_too_big6(GW_LAN6, p, what[1])))
    return out


DROPS = {"mtu_exceeded": 4}
EVENTS = {"icmp_errors": 4}
