#!/usr/bin/python3
"""Instructions per packet of the walk, counted by valgrind (callgrind), for one or more gw_bench
builds: a figure that does not move with the machine's load, for A/B comparisons of code changes
on a shared, drifting machine (docs/performance.md 1.2).

  scripts/perf/instr.py [--bench REGEX]... [--tunnels N] BUILD_A/bench/gw_bench [BUILD_B/...]

For each benchmark (default: process/{encap,decap,route} and process_prefetch/{...}) each binary
is run under callgrind twice, with GW_BENCH_ITERATIONS=N1 and N2 bursts of 32 packets; the
difference of the two totals divided by the packets in between is what one packet costs (the
mbuf reset of the benchmark loop included, the same in every build). Prints instructions per
packet per binary and B/A.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

N1, N2 = 200, 1200
BURST = 32


def total_ir(binary, bench, tunnels, iterations, work):
    out = os.path.join(work, "cg.out")
    env = dict(os.environ, GW_BENCH_ITERATIONS=str(iterations), GW_BENCH_TUNNELS=str(tunnels))
    r = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, binary,
         "--benchmark_filter=^%s/tunnels:%d/" % (bench, tunnels)],
        env=env, capture_output=True, text=True)
    if r.returncode != 0 or "iterations:%d" % iterations not in r.stdout:
        sys.exit("instr.py: %s %s failed:\n%s%s" % (binary, bench, r.stdout[-2000:], r.stderr[-2000:]))
    m = re.search(r"Collected : (\d+)", r.stderr)
    os.unlink(out)
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", action="append", default=[])
    ap.add_argument("--tunnels", type=int, default=1)
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    benches = a.bench or ["process/encap", "process/decap", "process/route",
                          "process_prefetch/encap", "process_prefetch/decap",
                          "process_prefetch/route"]
    with tempfile.TemporaryDirectory() as work:
        print("%-26s %s" % ("instructions/packet", "  ".join("%12s" % chr(65 + i)
                                                             for i in range(len(a.binaries)))) +
              ("   B/A" if len(a.binaries) > 1 else ""))
        for bench in benches:
            per = []
            for b in a.binaries:
                lo = total_ir(b, bench, a.tunnels, N1, work)
                hi = total_ir(b, bench, a.tunnels, N2, work)
                per.append((hi - lo) / ((N2 - N1) * BURST))
            line = "%-26s %s" % ("%s/t%d" % (bench, a.tunnels),
                                 "  ".join("%12.1f" % p for p in per))
            if len(per) > 1:
                line += "  %6.3f" % (per[1] / per[0])
            print(line, flush=True)
    for i, b in enumerate(a.binaries):
        print("%s = %s" % (chr(65 + i), b))


if __name__ == "__main__":
    main()
