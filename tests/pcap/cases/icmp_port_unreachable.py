"""Packets to the gateway's own addresses that it does not serve (local_unsupported):
- UDP -> ICMP port unreachable (type 3 code 3; IPv6: type 1 code 4, RFC 4443 3.1);
- an IPv4 protocol other than ICMP/UDP/TCP/4/41 (GRE, 47) -> protocol unreachable (3/2);
- TCP -> dropped silently (no ICMP; Linux would send a RST, which gatewayd does not);
each error from the first address of the interface it leaves by (the LAN's 10.10.100.1 even for
UDP to port0's 10.65.132.187 reached from the LAN), quoting the packet as received.
A UDP packet that arrives through the tunnel for the tunnel's address 10.10.100.10 gets its port
unreachable back through the tunnel, from 10.10.100.10, encapsulated.
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
"""
PORTS = 2

TUN_ADDR = "10.10.100.10"
NODE2 = "10.10.200.10"
UDP_LAN = udp4(HOST, GW_LAN, id=0x4401, dport=53, seq=1)
UDP_UL = udp4(HOST, GW, id=0x4402, dport=161, seq=2)
GRE = IP(src=HOST, dst=GW_LAN, id=0x4403, proto=47) / payload(24, 3)
TCP_LAN = IP(src=HOST, dst=GW_LAN, id=0x4404) / TCP(sport=40000, dport=22, flags="S", seq=1)
UDP6 = udp6(HOST6, GW_LAN6, dport=53, seq=5)
TCP6 = IPv6(src=HOST6, dst=GW_LAN6) / TCP(sport=40000, dport=22, flags="S", seq=1)
UDP_TUN = udp4(NODE2, TUN_ADDR, id=0x4407, dport=5001, seq=7)


def send():
    return ([(1, to_gw(1, HOST_MAC, p)) for p in (UDP_LAN, UDP_UL, GRE, TCP_LAN, UDP6, TCP6)]
            + [(0, to_gw(0, PEER_MAC, ipip(UDP_TUN, PEER, GW, ttl=64)))])


def expect():
    return {
        1: [GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, UDP_LAN, 3, 3))),
            GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, UDP_UL, 3, 3))),
            GenId(from_gw(1, HOST_MAC, icmp4_error(GW_LAN, GRE, 3, 2))),
            from_gw(1, HOST_MAC, icmp6_error(GW_LAN6, UDP6, ICMPv6DestUnreach, code=4))],
        0: [GenId(from_gw(0, PEER_MAC, ipip(icmp4_error(TUN_ADDR, UDP_TUN, 3, 3), GW, PEER, ttl=64)),
                  which=1)],
    }


DROPS = {"local_unsupported": 7}
EVENTS = {"icmp_errors": 5}
