"""ICMP error rate limit (RFC 1812 4.3.2.8; Linux icmp_ratelimit): a token bucket per worker lcore,
here --icmp_ratelimit=1 error/s with --icmp_burst=5. 20 TTL-expired packets arrive within
milliseconds: the first 5 get their time exceeded, the rest only count as icmp_ratelimited (each
still dropped as ttl_exceeded). At 1 token/s, the refill can add at most one more error during
the burst (if a token accrues between two of the 20 packets), so the output and the counters
are checked as a range: 5 or 6 errors, the first 5 exactly for packets 1..5, a sixth (if any)
exactly for one of the packets 6..20. Echo replies are not limited: 10 pings to the gateway
afterwards are all answered.
"""
from lib import *

CONFIG = """\
addr add 10.10.100.1/24 dev port1
addr add 10.65.132.187/24 dev port0
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
route add 192.0.2.0/24 via 10.65.132.1 dev port0
"""
PORTS = 2
EXTRA_ARGS = ["--icmp_ratelimit=1", "--icmp_burst=5"]

EXPIRED = [ping4(HOST, "192.0.2.10", ttl=1, id=0x4600 + i, seq=i) for i in range(1, 21)]
PINGS = [ping4(HOST, GW_LAN, id=0x4700 + i, seq=100 + i) for i in range(1, 11)]
BURST = 5


def send():
    return [(1, to_gw(1, HOST_MAC, p)) for p in EXPIRED + PINGS]


def errors():
    return [GenId(from_gw(1, HOST_MAC, time_exceeded4(GW_LAN, p))) for p in EXPIRED]


def replies():
    return [GenId(from_gw(1, HOST_MAC, echo_reply4(p))) for p in PINGS]


def expect():       # for expected1.pcap only: port1 is judged by check()
    return {1: errors()[:BURST] + replies()}


CUSTOM_PORTS = {1}
DROPS = {"ttl_exceeded": len(EXPIRED)}
EVENTS = {"icmp_errors": (BURST, BURST + 1), "icmp_ratelimited": (len(EXPIRED) - BURST - 1, len(EXPIRED) - BURST),
          "icmp_echo_replies": len(PINGS)}


def check(actual, stats):
    out = list(actual[1])
    errs, reps = errors(), replies()
    fails = []
    n_err = len(out) - len(reps)
    if n_err not in (BURST, BURST + 1):
        return [f"port1: {len(out)} frames sent, expected {BURST} or {BURST + 1} errors + {len(reps)} replies"]
    for i in range(BURST):
        if not frame_matches(errs[i], out[i]):
            fails.append(f"port1 #{i}: not the time exceeded for packet {i + 1}: {Ether(out[i]).summary()}")
    if n_err == BURST + 1 and not any(frame_matches(e, out[BURST]) for e in errs[BURST:]):
        fails.append(f"port1 #{BURST}: not a time exceeded for packets {BURST + 1}..20: {Ether(out[BURST]).summary()}")
    for j, r in enumerate(reps):
        if not frame_matches(r, out[n_err + j]):
            fails.append(f"port1 #{n_err + j}: not the echo reply {j + 1}: {Ether(out[n_err + j]).summary()}")
    ev = stats.get("events", {})
    if ev.get("icmp_errors") != n_err:
        fails.append(f"events.icmp_errors = {ev.get('icmp_errors')} but {n_err} errors were sent")
    if (ev.get("icmp_errors") or 0) + (ev.get("icmp_ratelimited") or 0) != len(EXPIRED):
        fails.append(f"icmp_errors + icmp_ratelimited = {ev.get('icmp_errors')} + "
                     f"{ev.get('icmp_ratelimited')}, expected {len(EXPIRED)}")
    return fails
