#!/usr/bin/python3
"""Seed corpora for the fuzz targets, from the pcap cases (tests/pcap/cases, tunnel/tests/pcap):

    /usr/bin/python3 tests/fuzz/make_corpus.py OUT_DIR [STAMP]

(the build does it: build-fuzz/tests/fuzz/seeds/TARGET; what is committed in tests/fuzz/corpus/ is
the inputs that found bugs, kept as regression cases, and the hand-made reasm seeds)

  walk/     each frame a case sends, as it is; and each case's frames as one burst (byte 0: the
            port, then [2-byte length][frame]...), as walk_fuzz.cc reads them
  config/   each case's CONFIG as a file (byte 0 odd) and each of its lines alone (byte 0 even)
  request/  the same lines, and the read requests of control/request.h, as requests (byte 0 even)
            and as socket input (byte 0 odd)
  reasm/    a few fragment sequences (reasm_fuzz.cc's 6-byte records), IPv4 and IPv6: in order,
            out of order, overlapping, duplicated, timed out

File names are the content's sha1 (as libFuzzer names them), so running this again changes nothing
that did not change. Needs Debian's python3-scapy (hence /usr/bin/python3).
"""
import glob
import hashlib
import importlib.util
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "pcap"))
sys.dont_write_bytecode = True


def cases():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/pcap/cases/*.py")) +
                       glob.glob(os.path.join(ROOT, "*/tests/pcap/*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location("case_" + name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        yield name, mod


def put(out, target, data, seen):
    h = hashlib.sha1(data).hexdigest()
    if (target, h) in seen:
        return
    seen.add((target, h))
    with open(os.path.join(out, target, h), "wb") as f:
        f.write(data)


def records(*recs):
    """reasm_fuzz.cc records: (datagram, clock step, flags|offset field, length, action)."""
    return b"".join(bytes([d | (step << 2)]) + struct.pack(">HHB", frag, length, action)
                    for d, step, frag, length, action in recs)


def main():
    out = sys.argv[1]
    seen = set()
    for t in ("walk", "config", "request", "reasm"):
        os.makedirs(os.path.join(out, t), exist_ok=True)
    reads = ["link show", "-j link", "addr", "-j addr show", "route show", "-j route", "neigh",
             "-j neigh show", "tunnel show", "tunnel show tun1", "-j tunnel", "config show",
             "stats", "-j stats", "@batch", "ip route show"]
    for r in reads:
        put(out, "request", b"\x00" + r.encode(), seen)
    put(out, "request", b"\x01" + "\n".join(reads).encode() + b"\n", seen)
    for name, mod in cases():
        frames = []
        if hasattr(mod, "send") and not hasattr(mod, "EXPECT_CONFIG_ERROR"):
            frames = [(int(p), bytes(f)) for p, f in mod.send()]
        for _, f in frames[:64]:
            if len(f) <= 9000:
                put(out, "walk", f, seen)
        if frames:
            burst = bytes([frames[0][0] % 3])
            for _, f in frames[:32]:
                burst += struct.pack(">H", len(f)) + f
            if len(burst) <= 9000:
                put(out, "walk", burst, seen)
        config = getattr(mod, "CONFIG", "")
        put(out, "config", b"\x01" + config.encode(), seen)
        for line in config.splitlines():
            if line.strip():
                put(out, "config", b"\x00" + line.encode(), seen)
                if "save" not in line:
                    put(out, "request", b"\x00" + line.encode(), seen)
        if "save" not in config:
            put(out, "request", b"\x01" + config.encode(), seen)
    # Fragments of reasm_fuzz.cc's datagrams (1: 600-byte inner, offsets in 8-byte units).
    mf = 0x2000
    for seq in (
        records((0, 0, mf, 32, 0), (0, 0, 4, 32, 0)),                       # in order
        records((1, 0, 37, 304, 0), (1, 0, mf, 296, 0)),                    # out of order
        records((1, 0, mf, 296, 0), (1, 0, mf | 20, 296, 0), (1, 0, 37, 304, 0)),  # overlap
        records((1, 0, mf, 296, 0), (1, 0, mf, 296, 0), (1, 0, 37, 304, 0)),  # duplicate
        records((2, 0, mf, 8, 0), (2, 0, mf | 1, 1360, 0), (2, 0, 171, 4, 0)),  # tiny
        records((1, 0, mf, 296, 0), (1, 63, 37, 304, 1)),                   # timed out
        records((3, 0, mf, 104, 0), (3, 0, 13, 96, 4)),                     # echo, two ports
        records((0, 0, mf, 32, 2), (0, 0, 4, 32, 0), (0, 1, mf, 32, 0), (0, 0, 4, 32, 0)),
        # IPv6 (action bit 3): echo requests to the gateway, answered (the 1800-byte one in
        # fragments), in order, out of order, on port2 (the reply held), timed out; UDP
        records((0, 0, mf, 32, 8), (0, 0, 4, 32, 8)),
        records((2, 0, mf, 696, 8), (2, 0, mf | 87, 696, 8), (2, 0, 174, 408, 8)),
        records((1, 0, 37, 304, 8), (1, 0, mf, 296, 8)),
        records((0, 0, mf, 32, 12), (0, 0, 4, 32, 12)),
        records((1, 0, mf, 296, 8), (1, 63, 37, 304, 9)),
        records((3, 0, mf, 96, 8), (3, 0, 12, 104, 8)),
    ):
        put(out, "reasm", seq, seen)
    n = {t: len(os.listdir(os.path.join(out, t))) for t in ("walk", "config", "request", "reasm")}
    print("seeds:", ", ".join(f"{t} {c}" for t, c in n.items()))
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(" ".join(f"{t} {c}" for t, c in n.items()) + "\n")


if __name__ == "__main__":
    main()
