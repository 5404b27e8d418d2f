#!/usr/bin/python3
"""Workloads for scripts/perf.sh: the packets (a pcap replayed by net_pcap's infinite_rx) and the
gatewayd config that routes every one of them out of the sink port.

  gen_workload.py list [--quick]          workload names, one a line, with a description
  gen_workload.py info NAME               JSON: tunnels, EAL memory, gatewayd flags, ...
  gen_workload.py pcap NAME OUT.pcap      the packets (65536, so the pattern repeats)
  gen_workload.py pcap-l3fwd NAME OUT.pcap  the packets l3fwd-lpm is measured on beside NAME
  gen_workload.py config TUNNELS OUT.conf the config for 1, 1024 or 1048576 tunnels
  gen_workload.py check NAME              decodes a sample of its pcap and of l3fwd's with scapy

Topology (the same for every workload; port0 is the source, port1 the sink):

  port0 (net_pcap, infinite_rx)  -> gatewayd ->  port1 (net_null: drops what it is sent)
    LAN hosts 10.1.0.0/16                          underlay router 10.99.0.2 (all tunnel remotes)
    tunnel remotes 100.64.1.0 + i                  LAN router 10.99.0.3 (192.168.0.0/16)

  tunnel tI: ipip, remote 100.64.1.0 + i, local 10.65.0.1, up; route 172.16.0.0 + i /32 dev tI
  addr 10.65.0.1/32 (the tunnels' local, decap target) on port0; 10.99.0.1/24 on port1
  route 100.64.0.0/10 via 10.99.0.2 (one underlay next hop for every remote)
  route 192.168.0.0/16 via 10.99.0.3 (the LAN, where decapsulated packets go)

Packets:
  encap  LAN -> tunnel: IPv4/UDP from 10.1.x.y to 172.16.0.0 + i (tunnel i's /32)
  decap  tunnel -> LAN: IPv4(remote_i -> 10.65.0.1, proto 4) / IPv4/UDP(172.16.0.0 + i -> 192.168.x.y)
  mixed  encap and decap alternating, half each
  route  plain routing: IPv4/UDP to 192.168.x.y (no tunnel)
  l3fwd  (for DPDK's l3fwd-lpm beside any workload) the route workload's packets, same sizes,
         sources, ports and destination sequence, with every destination moved into
         198.18.1.0/24: l3fwd's default LPM table sends 198.18.N.0/24 to port N, so all leave by
         port1, the sink
Sizes: 64-byte frames, or IMIX 7:4:1 of 64/576/1500-byte frames (an encap frame is at most 1494
bytes: its inner IPv4 packet, 1480 bytes, fills the default tunnel MTU).
Destinations: the tunnels' /32s, min(tunnels, 65536) of them (a seeded random sample of the 1M);
uniform (each equally often, shuffled) or Zipf (s = 1) over those 64k.
"""
import json
import random
import struct
import sys

PACKETS = 65536
PORT0_MAC = bytes.fromhex("027063617000")  # net_pcap port0
HOST_MAC = bytes.fromhex("525400100001")  # the sender on port0's wire
LOCAL = "10.65.0.1"
UNDERLAY_GW = "10.99.0.2"
LAN_GW = "10.99.0.3"
REMOTE_BASE = 0x64400100  # 100.64.1.0
ROUTE_BASE = 0xAC100000  # 172.16.0.0
LAN_BASE = 0xC0A80000  # 192.168.0.0
L3FWD_NET = 0xC6120100  # 198.18.1.0/24: l3fwd's default route to port 1
SRC_BASE = 0x0A010000  # 10.1.0.0
IMIX = [64] * 7 + [576] * 4 + [1500]
DESTS = 65536
ZIPF_S = 1.0
SEED = 20231126

TUNNEL_SETS = {"t1": 1, "t1k": 1024, "t1m": 1048576}

# name: (kind, sizes, tunnel set, distribution, description)
WORKLOADS = {
    "encap-64-t1": ("encap", "64", "t1", "uni", "LAN->tunnel, 64 B, 1 tunnel, 1 destination"),
    "decap-64-t1": ("decap", "64", "t1", "uni", "tunnel->LAN, 64 B, 1 tunnel"),
    "mixed-64-t1": ("mixed", "64", "t1", "uni", "half encap, half decap, 64 B, 1 tunnel"),
    "route-64-t1k": ("route", "64", "t1k", "uni", "plain IPv4 routing, 64 B, 64k destinations"),
    "encap-64-t1k": ("encap", "64", "t1k", "uni", "LAN->tunnel, 64 B, 1k tunnels, uniform"),
    "decap-64-t1k": ("decap", "64", "t1k", "uni", "tunnel->LAN, 64 B, 1k tunnels, uniform"),
    "mixed-64-t1k": ("mixed", "64", "t1k", "uni", "half each, 64 B, 1k tunnels, uniform"),
    "encap-imix-t1k": ("encap", "imix", "t1k", "uni", "LAN->tunnel, IMIX, 1k tunnels"),
    "decap-imix-t1k": ("decap", "imix", "t1k", "uni", "tunnel->LAN, IMIX, 1k tunnels"),
    "encap-64-t1k-zipf": ("encap", "64", "t1k", "zipf", "LAN->tunnel, 64 B, 1k tunnels, Zipf"),
    "encap-64-t1m": ("encap", "64", "t1m", "uni",
                     "LAN->tunnel, 64 B, 1M tunnels + 1M /32, 64k destinations uniform"),
    "encap-64-t1m-zipf": ("encap", "64", "t1m", "zipf",
                          "LAN->tunnel, 64 B, 1M tunnels + 1M /32, 64k destinations Zipf"),
    "decap-64-t1m": ("decap", "64", "t1m", "uni", "tunnel->LAN, 64 B, 1M tunnels, 64k peers"),
    "mixed-64-t1m": ("mixed", "64", "t1m", "uni", "half each, 64 B, 1M tunnels, 64k destinations"),
    # Same packets and config as encap-64-t1k; perf.sh measures it quiet and under 10k
    # `tunnel change` per second.
    "churn-encap-64-t1k": ("encap", "64", "t1k", "uni",
                           "encap-64-t1k while 10k tunnel changes/s arrive on the control socket"),
}
QUICK = ["encap-64-t1", "decap-64-t1", "encap-64-t1k", "churn-encap-64-t1k"]


def ip(s):
    a, b, c, d = (int(x) for x in s.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def dotted(v):
    return "%d.%d.%d.%d" % (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)


def cksum(hdr):
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, total_len, ident=0, ttl=64):
    h = struct.pack("!BBHHHBBHII", 0x45, 0, total_len, ident, 0x4000, ttl, proto, 0, src, dst)
    return h[:10] + struct.pack("!H", cksum(h)) + h[12:]


def udp_ip(src, dst, ip_len, ident, sport):
    """IPv4/UDP packet of ip_len bytes to port 5001 (UDP checksum 0: none, valid for IPv4)."""
    payload = ip_len - 28
    return (ipv4(src, dst, 17, ip_len, ident) + struct.pack("!HHHH", sport, 5001, 8 + payload, 0) +
            bytes(payload))


def frame(l3):
    return PORT0_MAC + HOST_MAC + b"\x08\x00" + l3


def encap_frame(size, tunnel, k):
    return frame(udp_ip(SRC_BASE + (k & 0xFFFF), ROUTE_BASE + tunnel, size - 14, k & 0xFFFF,
                        1024 + (k & 0x3FFF)))


def decap_frame(size, tunnel, k):
    inner = udp_ip(ROUTE_BASE + tunnel, LAN_BASE + (k & 0xFFFF), size - 34, k & 0xFFFF,
                   1024 + (k & 0x3FFF))
    return frame(ipv4(REMOTE_BASE + tunnel, ip(LOCAL), 4, size - 14) + inner)


def route_frame(size, dest, k):
    return frame(udp_ip(SRC_BASE + (k & 0xFFFF), LAN_BASE + dest, size - 14, k & 0xFFFF,
                        1024 + (k & 0x3FFF)))


def l3fwd_frame(size, dest, k):
    """route_frame with the destination in 198.18.1.1-254 (no network or broadcast address)."""
    return frame(udp_ip(SRC_BASE + (k & 0xFFFF), L3FWD_NET + 1 + dest % 254, size - 14,
                        k & 0xFFFF, 1024 + (k & 0x3FFF)))


def destinations(kind, tunnels, dist, rng):
    """The destination index of each of the PACKETS packets (a tunnel id, or a LAN host)."""
    if kind in ("route", "l3fwd"):
        pool = list(range(DESTS))
    elif tunnels <= DESTS:
        pool = list(range(tunnels))
    else:
        pool = sorted(rng.sample(range(tunnels), DESTS))
    rng.shuffle(pool)  # rank -> destination, so popular ones are not neighbours in the table
    if dist == "uni":
        seq = [pool[k % len(pool)] for k in range(PACKETS)]
        rng.shuffle(seq)
        return seq
    weights = [1.0 / (r + 1) ** ZIPF_S for r in range(len(pool))]
    return rng.choices(pool, weights=weights, k=PACKETS)


def frames(name, l3fwd=False):
    """Workload `name`'s packets; with l3fwd, the packets l3fwd-lpm is measured on beside it
    (plain routing, the workload's frame sizes, destinations in 198.18.1.0/24)."""
    kind, sizes, tset, dist, _ = WORKLOADS[name]
    if l3fwd:
        kind, dist = "l3fwd", "uni"
    rng = random.Random(SEED)
    dests = destinations(kind, TUNNEL_SETS[tset], dist, rng)
    if sizes == "64":
        size_seq = [64] * PACKETS
    else:
        size_seq = [IMIX[k % len(IMIX)] for k in range(PACKETS)]
        rng.shuffle(size_seq)
    out = []
    for k in range(PACKETS):
        size, d = size_seq[k], dests[k]
        this = kind if kind != "mixed" else ("encap" if k % 2 == 0 else "decap")
        if this == "encap":
            out.append(encap_frame(min(size, 1494), d, k))
        elif this == "decap":
            out.append(decap_frame(size, d, k))
        elif this == "l3fwd":
            out.append(l3fwd_frame(size, d, k))
        else:
            out.append(route_frame(size, d, k))
    return out


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000, len(p), len(p)))
            f.write(p)


def config_lines(tunnels):
    yield "# scripts/perf/gen_workload.py config %d: port0 = source, port1 = sink" % tunnels
    yield "addr add %s/32 dev port0" % LOCAL
    yield "addr add 10.99.0.1/24 dev port1"
    yield "neigh add %s lladdr 52:54:00:00:99:02 dev port1" % UNDERLAY_GW
    yield "neigh add %s lladdr 52:54:00:00:99:03 dev port1" % LAN_GW
    yield "route add 100.64.0.0/10 via %s" % UNDERLAY_GW
    yield "route add 192.168.0.0/16 via %s" % LAN_GW
    for i in range(tunnels):
        yield "tunnel add t%d mode ipip remote %s local %s" % (i, dotted(REMOTE_BASE + i), LOCAL)
        yield "link set t%d up" % i
        yield "route add %s/32 dev t%d" % (dotted(ROUTE_BASE + i), i)


def info(name):
    kind, sizes, tset, dist, desc = WORKLOADS[name]
    tunnels = TUNNEL_SETS[tset]
    flags = []
    mem = 1024
    if tunnels > 65536:
        # 1M /32 routes need a tbl8 group per /24 (4096) in each of the two FIB copies; the
        # other routes of the config add a handful of rules and next hops.
        flags = ["--tunnels=%d" % tunnels, "--routes=%d" % (tunnels + 1024),
                 "--nexthops=1100000", "--tbl8s=8192"]
        mem = 3072
    pkts = frames(name)
    return {
        "name": name, "kind": kind, "sizes": sizes, "tunnels": tunnels, "tunnel_set": tset,
        "dist": dist, "description": desc, "packets": len(pkts),
        "mean_frame": sum(len(p) for p in pkts) / len(pkts), "eal_mem": mem,
        "gatewayd_flags": flags, "churn": name.startswith("churn-"),
        # l3fwd's packets depend on the frame sizes only: one pcap serves every workload alike
        "l3fwd_pcap": "l3fwd-" + sizes,
    }


def check(name, l3fwd=False):
    """Decodes a sample with scapy: an independent look at what gen_workload wrote."""
    from scapy.all import IP, Ether  # noqa: only here, scapy is slow to import
    pkts = frames(name, l3fwd)
    for p in pkts[:64]:
        e = Ether(p)
        assert e.dst == "02:70:63:61:70:00", e.dst
        outer = e[IP]
        if l3fwd:
            assert outer.dst.startswith("198.18.1.") and outer.dst not in (
                "198.18.1.0", "198.18.1.255"), outer.dst
        rebuilt = IP(bytes(outer))
        del rebuilt.chksum
        assert IP(bytes(rebuilt)).chksum == outer.chksum, "bad outer checksum"
        if outer.proto == 4:
            inner = IP(bytes(outer.payload))
            again = IP(bytes(inner))
            del again.chksum
            assert IP(bytes(again)).chksum == inner.chksum, "bad inner checksum"
            assert outer.len == len(p) - 14 and inner.len == len(p) - 34
    print("%s: %d packets, first: %s" % (name, len(pkts), Ether(pkts[0]).summary()))


def main(argv):
    if len(argv) >= 2 and argv[1] == "list":
        names = QUICK if "--quick" in argv else list(WORKLOADS)
        for n in names:
            print("%-20s %s" % (n, WORKLOADS[n][4]))
    elif len(argv) == 3 and argv[1] == "info":
        print(json.dumps(info(argv[2])))
    elif len(argv) == 4 and argv[1] == "pcap":
        write_pcap(argv[3], frames(argv[2]))
    elif len(argv) == 4 and argv[1] == "pcap-l3fwd":
        write_pcap(argv[3], frames(argv[2], l3fwd=True))
    elif len(argv) == 4 and argv[1] == "config":
        with open(argv[3], "w") as f:
            for line in config_lines(int(argv[2])):
                f.write(line + "\n")
    elif len(argv) == 3 and argv[1] == "check":
        check(argv[2])
        check(argv[2], l3fwd=True)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
