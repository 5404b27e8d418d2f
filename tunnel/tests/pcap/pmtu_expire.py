"""A learned path MTU expires (Linux: net.ipv4.route.mtu_expires; here --tunnel_pmtu_expires_s,
2 s for the test): fragmentation needed (MTU 1400) is learned, gwctl shows it, and some 2 s later
the control thread forgets it (event pmtu_expired; gwctl shows none). Then the tunnel's limit is
its MTU, 1480, again: 1480 bytes with DF go out, 1481 get fragmentation needed with MTU 1480.
"""
import json
import time

from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
"""
PORTS = 1
EXTRA_ARGS = ["--tunnel_pmtu_expires_s=2"]

OURS = ipip(routed(ip_sized(HOST, REMOTE, 1480, df=True, id=0x7b01, seq=1)), GW, PEER, ttl=63)
FRAG_NEEDED = icmp4_error(UL_ROUTER, OURS, 3, 4, 1400)
FITS = ip_sized(HOST, REMOTE, 1480, df=True, id=0x7b02, seq=2)
BIG = ip_sized(HOST, REMOTE, 1481, df=True, id=0x7b03, seq=3)


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, FRAG_NEEDED))]


def between(gwctl):
    fails = pmtu_check("tun1", [(PEER, 1400, False)], expires_s=2)(gwctl)
    if fails:
        return fails
    start = time.monotonic()
    while time.monotonic() - start < 15:
        rc, out, err = gwctl("-j", "tunnel", "show", "tun1")
        if rc == 0 and json.loads(out)[0]["pmtu"] == []:
            return []
        time.sleep(0.1)
    return [f"tun1's path MTU did not expire within 15 s: {out!r}"]


def send_later():
    return [(0, to_gw(0, HOST_MAC, p)) for p in (FITS, BIG)]


def expect():
    return {0: [
        from_gw(0, PEER_MAC, ipip(routed(FITS), GW, PEER, ttl=63)),
        GenId(from_gw(0, HOST_MAC, frag_needed4(GW, BIG, 1480))),
    ]}


live_check = gwctl_lines_check(
    ["tunnel", "show"],
    ["tun1: ip/ip remote 10.65.132.188 local 10.65.132.187 ttl inherit tos 0x0 pmtudisc"])
DROPS = {"mtu_exceeded": 1}
EVENTS = {"pmtu_learned": 1, "pmtu_expired": 1}
