"""Many routes: 512 IPv4 /32s, 256 /24s and 256 IPv6 /128s spread over four next hops, one packet
to each, in a scrambled order. Every packet must take its own route."""
from lib import *

NHS = [(PEER, PEER_MAC, "2001:db8:65::188"), (PEER2, PEER2_MAC, "2001:db8:65::189"),
       (PEER3, PEER3_MAC, "2001:db8:65::190"), (PEER4, PEER4_MAC, "2001:db8:65::191")]

V4_32 = [("10.%d.%d.%d" % (100 + i % 7, (i * 37) % 256, (i * 11) % 256 or 1), i % 4) for i in range(512)]
V4_32 = list(dict(V4_32).items())           # unique destinations
V4_24 = [("172.%d.%d.0" % (16 + i // 256 % 16, i % 256), (i + 1) % 4) for i in range(256)]
V6_128 = [("2001:db8:%x:%x::%x" % (0x300 + i % 5, i, i + 1), (i + 2) % 4) for i in range(256)]


def _config():
    lines = ["addr add 10.65.132.187/24 dev port0", "addr add 10.10.100.1/24 dev port1",
             "addr add 2001:db8:65::187/64 dev port0", "addr add 2001:db8:100::1/64 dev port1"]
    for v4, mac, v6 in NHS:
        lines.append(f"neigh add {v4} lladdr {mac} dev port0")
        lines.append(f"neigh add {v6} lladdr {mac} dev port0")
    lines += [f"route add {d}/32 via {NHS[n][0]}" for d, n in V4_32]
    lines += [f"route add {d}/24 via {NHS[n][0]}" for d, n in V4_24]
    lines += [f"route add {d}/128 via {NHS[n][2]}" for d, n in V6_128]
    return "\n".join(lines) + "\n"


CONFIG = _config()
PORTS = 2


def _packets():
    items = ([("4", d, n) for d, n in V4_32] + [("4", d[:-1] + "77", n) for d, n in V4_24]
             + [("6", d, n) for d, n in V6_128])
    items = [items[(i * 389) % len(items)] for i in range(len(items))]   # 389 is prime to the length
    assert len({it[1] for it in items}) == len(items)
    out = []
    for seq, (fam, dst, n) in enumerate(items, 1):
        p = ping4(HOST, dst, id=seq, seq=seq, size=8) if fam == "4" else ping6(HOST6, dst, seq=seq, size=8)
        out.append((to_gw(1, HOST_MAC, p), from_gw(0, NHS[n][1], routed(p))))
    return out


PKTS = _packets()


def send():
    return [(1, s) for s, _ in PKTS]


def expect():
    return {0: [e for _, e in PKTS]}


DROPS = {}
