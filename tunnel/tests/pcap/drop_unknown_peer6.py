"""unknown_peer over the IPv6 underlay: an IPv6 tunnel packet (next header 4 or 41, or 60 then
4 / 41) addressed to a gateway address from a source no tunnel names, or to a gateway address
that is no tunnel's local address, is dropped and counted as unknown_peer. An IPv4-outer tunnel
with the same inner never matches an IPv6 outer (peers are kept by family). mode_mismatch: ip6ip6
does not carry IPv4. Outer CE over a Not-ECT inner: ecn_drop. The packet from the configured remote
passes.
"""
from lib import *

CONFIG = f"""\
addr add {GW6_UL}/64 dev port0
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
{NEIGH_LAN}tunnel add t6 mode ip6ip6 remote {PEER6} local {GW6_UL}
tunnel add t4 mode any remote 10.65.132.188 local 10.65.132.187
link set t6 up
link set t4 up
"""
PORTS = 2

OK = ping6(REMOTE6, HOST6, seq=1, reply=True)


def send():
    return [(0, to_gw(0, m, o)) for m, o in [
        (PEER_MAC, ip6tnl(OK, PEER6, GW6_UL, hlim=64)),
        (STRANGER_MAC, ip6tnl(ping6(REMOTE6, HOST6, seq=2), STRANGER6, GW6_UL, hlim=64)),
        (STRANGER_MAC, ip6tnl(ping4(REMOTE, HOST, seq=3), STRANGER6, GW6_UL, hlim=64,
                              encaplimit=None)),
        (PEER_MAC, ip6tnl(ping6(REMOTE6, HOST6, seq=4), PEER6, GW_LAN6, hlim=64)),
        (PEER_MAC, ip6tnl(ping4(REMOTE, HOST, seq=5), PEER6, GW6_UL, hlim=64)),     # mode_mismatch
        (PEER_MAC, ip6tnl(ping6(REMOTE6, HOST6, seq=6), PEER6, GW6_UL, hlim=64, tc=CE)),  # ecn_drop
    ]]


def expect():
    return {1: [from_gw(1, HOST_MAC, routed(OK))]}


DROPS = {"unknown_peer": 3, "mode_mismatch": 1, "ecn_drop": 1}
