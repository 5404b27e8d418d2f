"""A burst of 5000 packets, mixed encapsulation, decapsulation and plain IPv4/IPv6 forwarding,
with a few drops sprinkled in. Every packet is distinct (sequence number in the payload).

Each output port is fed by one input port only (port1 -> port0: encap + plain; port0 -> port1:
decap + plain), so the order on each output port is fully defined: it must be the input order.
The exception: the TTL-1 packets (all of them arrive on port0) get an ICMP / ICMPv6 time exceeded,
which goes back out of port0 (through tun1 for the remote site, via 10.65.132.1 for 192.0.2.0/24
and 2001:db8:ffff::/48), among the port1 -> port0 traffic at no defined place: check() requires
port0 to carry exactly the forwarded frames in input order plus exactly those errors in their
own input order.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:65::187/64 dev port0
addr add 2001:db8:100::1/64 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:00:00:88 dev port0
neigh add 2001:db8:65::1 lladdr 52:54:00:00:00:01 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
route add 192.0.2.0/24 via 10.65.132.1 dev port0
route add 2001:db8:ffff::/48 via 2001:db8:65::1 dev port0
tunnel add tun1 mode any remote 10.65.132.188 local 10.65.132.187
link set tun1 up
route add 10.10.200.0/24 dev tun1
route add 2001:db8:200::/64 dev tun1
"""
PORTS = 2

N = 5000
TTL_DROP_EVERY = 250       # TTL 1: ttl_exceeded
CSUM_DROP_EVERY = 499      # port0 only: bad IPv4 checksum


def _error(p, kind):
    """The time exceeded for TTL-1 packet p that arrived on port0 (p as received: the inner when
    it came through tun1, which has no address: from the gateway's first address)."""
    if kind in (0, 4):
        return GenId(from_gw(0, PEER_MAC, ipip(time_exceeded4(GW, p), GW, PEER, ttl=64)), which=1)
    if kind == 1:
        return from_gw(0, PEER_MAC, ipip(time_exceeded6(GW6_UL, p), GW, PEER, ttl=64))
    if kind == 2:
        return GenId(from_gw(0, UL_ROUTER_MAC, time_exceeded4(GW, p)))
    return from_gw(0, UL_ROUTER_MAC, time_exceeded6(GW6_UL, p))


def _build():
    sends, exp0, exp1, errors = [], [], [], []
    drops = {"ttl_exceeded": 0, "bad_checksum": 0}
    for i in range(N):
        port = 1 if i % 2 == 0 else 0
        kind = (i // 2) % 5
        ttl = 1 if i % TTL_DROP_EVERY == TTL_DROP_EVERY - 1 else 64
        size = 16 + (i * 37) % 900
        seq = i & 0xFFFF
        if port == 1:                     # from the LAN host
            if kind == 0:
                p = udp4(HOST, "10.10.200.%d" % (1 + i % 250), ttl=ttl, id=i, size=size, seq=seq)
            elif kind == 1:
                p = udp6(HOST6, "2001:db8:200::%x" % (1 + i), hlim=ttl, size=size, seq=seq)
            elif kind == 2:
                p = udp4(HOST, "192.0.2.%d" % (1 + i % 250), ttl=ttl, id=i, df=True, size=size, seq=seq)
            elif kind == 3:
                p = udp6(HOST6, "2001:db8:ffff::%x" % (1 + i), hlim=ttl, size=size, seq=seq)
            else:
                p = ping4(HOST, "10.10.200.%d" % (1 + i % 250), ttl=ttl, id=i, tos=i & 3, size=size, seq=seq)
            sends.append((1, to_gw(1, HOST_MAC, p)))
            if ttl == 1:
                drops["ttl_exceeded"] += 1
                continue
            q = routed(p)
            if kind in (2, 3):
                exp0.append(from_gw(0, UL_ROUTER_MAC, q))
            else:
                exp0.append(from_gw(0, PEER_MAC, ipip(q, GW, PEER, ttl=hop_limit(q), tos=tos_byte(q) & 3)))
        else:                             # from the underlay
            if kind == 0:
                p = udp4("10.10.200.%d" % (1 + i % 250), HOST, ttl=ttl, id=i, size=size, seq=seq)
            elif kind == 1:
                p = udp6("2001:db8:200::%x" % (1 + i), HOST6, hlim=ttl, size=size, seq=seq)
            elif kind == 2:
                p = udp4("192.0.2.%d" % (1 + i % 250), HOST, ttl=ttl, id=i, size=size, seq=seq)
            elif kind == 3:
                p = udp6("2001:db8:ffff::%x" % (1 + i), HOST6, hlim=ttl, size=size, seq=seq)
            else:
                p = ping4("10.10.200.%d" % (1 + i % 250), HOST, ttl=ttl, id=i, size=size, seq=seq, reply=True)
            bad_csum = isinstance(p, IP) and ttl != 1 and i % CSUM_DROP_EVERY == 0
            if bad_csum:
                p = IP(bytes(p))
                p.chksum ^= 0x0101
            if kind in (0, 1, 4):
                f = to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64))
            else:
                f = to_gw(0, UL_ROUTER_MAC, p)
            sends.append((0, f))
            if ttl == 1:
                drops["ttl_exceeded"] += 1
                errors.append(_error(p, kind))
                continue
            if bad_csum:
                drops["bad_checksum"] += 1
                continue
            exp1.append(from_gw(1, HOST_MAC, routed(p)))
    assert all(i % 2 for i in range(TTL_DROP_EVERY - 1, N, TTL_DROP_EVERY))   # all on port0
    return sends, {0: exp0, 1: exp1}, drops, errors


SENDS, EXPECTED, DROPS, ERRORS = _build()
EVENTS = {"icmp_errors": len(ERRORS), "icmp_ratelimited": 0}
CUSTOM_PORTS = {0}


def send():
    return SENDS


def expect():    # port0 (for expected0.pcap): the errors are judged by check(), not placed here
    return {0: EXPECTED[0] + ERRORS, 1: EXPECTED[1]}


def check(actual, stats):
    """port0: the forwarded frames exactly and in order once the errors are taken out; the errors
    exactly, in their own order."""
    errs, fwd, fails = [], [], []
    for f in actual[0]:
        if len(errs) < len(ERRORS) and frame_matches(ERRORS[len(errs)], f):
            errs.append(f)
        else:
            fwd.append(f)
    if len(errs) != len(ERRORS):
        fails.append(f"port0: {len(errs)} of the {len(ERRORS)} time exceeded errors found in order; "
                     f"missing next: {Ether(bytes(ERRORS[len(errs)])).summary()}")
    exp = [bytes(e) for e in EXPECTED[0]]
    if fwd != exp:
        bad = next((i for i in range(min(len(fwd), len(exp))) if fwd[i] != exp[i]), min(len(fwd), len(exp)))
        fails.append(f"port0: forwarded frames differ from expected ({len(exp)} expected, {len(fwd)} "
                     f"sent that are not the errors), first difference at #{bad}: "
                     f"expected {Ether(exp[bad]).summary() if bad < len(exp) else 'nothing'}, "
                     f"actual {Ether(fwd[bad]).summary() if bad < len(fwd) else 'nothing'}")
    return fails
