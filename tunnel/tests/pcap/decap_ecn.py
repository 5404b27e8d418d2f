"""ECN on decapsulation (RFC 6040, as Linux's INET_ECN_decapsulate), every outer x inner pair:

  outer CE + inner ECT(0) or ECT(1) -> inner becomes CE (IPv4 checksum updated);
  outer CE + inner CE               -> CE, unchanged;
  outer CE + inner Not-ECT          -> dropped as ecn_drop;
  outer Not-ECT / ECT(0) / ECT(1)   -> inner ECN unchanged, whatever it is
                                       (including outer ECT(1) over inner ECT(0): unchanged).
The DSCP bits of the inner are never touched. IPv4 (ipip) and IPv6 (sit) inners.
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 2001:db8:100::1/64 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1
neigh add 2001:db8:100::2 lladdr 52:54:00:00:01:02 dev port1
tunnel add tun0 mode any remote 10.65.132.188 local 10.65.132.187
link set tun0 up
"""
PORTS = 2

ECNS = (NOT_ECT, ECT1, ECT0, CE)


def decap_ecn(outer, inner):
    """Inner ECN after decapsulation, or None for a drop."""
    if outer == CE:
        return None if inner == NOT_ECT else CE
    return inner


def packets():
    seq = 0
    for outer in ECNS:
        for inner in ECNS:
            for v6 in (False, True):
                seq += 1
                if v6:
                    p = ping6(REMOTE6, HOST6, hlim=64, tc=0x28 | inner, seq=seq)
                else:
                    p = ping4(REMOTE, HOST, ttl=64, id=0xE000 + seq, tos=0x28 | inner, seq=seq)
                sent = to_gw(0, PEER_MAC, ipip(p, PEER, GW, ttl=64, tos=0x48 | outer))
                res = decap_ecn(outer, inner)
                exp = None if res is None else from_gw(1, HOST_MAC, with_ecn(routed(p), res))
                yield sent, exp


def send():
    return [(0, s) for s, _ in packets()]


def expect():
    return {1: [e for _, e in packets() if e is not None]}


DROPS = {"ecn_drop": 2}
