"""gatewayd with one worker against two, on one RX queue (scripts/perf-workers.sh).

One net_pcap source port with a single RX queue (infinite_rx) and a net_null sink, as in
scripts/perf.sh; gatewayd runs, in turn and for N rounds, with:
  1w          one worker (lcore 1 on CPU 1)                       -l 0,1
  2w-spread   two workers (lcore 1 on CPU 1, lcore 2 on CPU 0),   --spread=all (the default on
              a port without RSS): lcore 1 receives everything and hands the other worker's flows on
  2w-off      the same two workers, --spread=off: lcore 2 has no queue and idles
and prints, per mode, the median total rate, each lcore's walked packets and busy cycles per
packet, and the spread and drop counters. The rate is wall-clock (the second worker shares CPU 0
with the control thread and this script): a measure of function and of the hand-over's cost on
this machine, not of scaling (docs/performance.md 11).
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner  # noqa: E402
from telemetry import wait_for  # noqa: E402

MODES = {
    "1w": ("0@0,1@1", 1, []),
    "2w-spread": ("0@0,1@1,2@0", 2, ["--spread=all"]),
    "2w-off": ("0@0,1@1,2@0", 2, ["--spread=off"]),
}


def run_mode(rig, mode, info, pcap, conf, warmup, window):
    lcores, workers, flags = MODES[mode]
    prefix = rig.prefix(mode)
    # net_pcap gives one TX queue per tx_pcap, and each worker needs its own on every port.
    txs = "".join(",tx_pcap=/dev/null" for _ in range(workers))
    cmd = [rig.args.gatewayd, "--lcores", lcores, "--no-huge", "-m", "1024", "--no-pci",
           "--file-prefix", prefix, "--log-level=*:warning",
           "--vdev=net_pcap0,rx_pcap=%s,infinite_rx=1%s" % (pcap, txs),
           "--vdev=net_null0,no-rx=1", "--", "--config=" + conf, "--socket=",
           "--mbufs=%d" % (info["packets"] + 65536), *flags]
    proc = runner.Proc(rig, "gatewayd", prefix, cmd, runner.signal.SIGTERM)
    try:
        tel = wait_for(prefix, "/gateway/stats", lambda v: v is not None and v["processed"] > 0,
                       120, proc.alive)
        time.sleep(warmup)
        t0, (s0,) = tel.timed(["/gateway/stats"])
        time.sleep(window)
        t1, (s1,) = tel.timed(["/gateway/stats"])
        tel.close()
    finally:
        rc = proc.stop(timeout=60)
    text = proc.log_text()
    dt = t1 - t0
    out = {"mpps": (s1["processed"] - s0["processed"]) / dt / 1e6, "lcores": {},
           "exit": rc, "balanced": "books: balanced" in text,
           "leak": "mempool: in_use=0 " not in text}
    for lc, v in s1["lcores"].items():
        p = v["packets"] - s0["lcores"][lc]["packets"]
        c = v["busy_cycles"] - s0["lcores"][lc]["busy_cycles"]
        out["lcores"][lc] = (p / dt / 1e6, c / p if p else 0.0)
    ev = lambda s, k: s["events"].get(k, 0)  # noqa: E731
    out["spread_out_mpps"] = (ev(s1, "spread_out") - ev(s0, "spread_out")) / dt / 1e6
    out["drops"] = {k: v - s0["drops"][k] for k, v in s1["drops"].items() if v != s0["drops"][k]}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workload", default="decap-64-t1")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--window", type=float, default=5.0)
    ap.add_argument("--gatewayd")
    args = ap.parse_args()
    args.gatewayd = args.gatewayd or os.path.join(args.root, "build", "gatewayd")
    rig = runner.Rig(args)
    results = {m: [] for m in MODES}
    try:
        info, pcap, conf = runner.prepare_workload(args.work, args.workload, {})
        for r in range(args.runs):
            order = list(MODES) if r % 2 == 0 else list(reversed(MODES))  # both orders
            for mode in order:
                res = run_mode(rig, mode, info, pcap, conf, args.warmup, args.window)
                results[mode].append(res)
                lc = ", ".join("%s %.2f Mpps %.0f cyc/pkt" % (k, *v) for k, v in
                               sorted(res["lcores"].items()))
                runner.log("round %d %-9s %.2f Mpps (%s) spread %.2f Mpps drops %s%s" % (
                    r + 1, mode, res["mpps"], lc, res["spread_out_mpps"], res["drops"] or "none",
                    "" if res["exit"] == 0 and res["balanced"] and not res["leak"]
                    else " EXIT %s balanced %s leak %s" % (res["exit"], res["balanced"],
                                                            res["leak"])))
    finally:
        rig.cleanup()
    print("\n%s, %d rounds, median [range], Mpps (wall clock)" % (args.workload, args.runs))
    base = statistics.median(x["mpps"] for x in results["1w"])
    for mode, rs in results.items():
        v = [x["mpps"] for x in rs]
        print("  %-10s %6.2f [%.2f-%.2f]  x%.2f of 1w" % (mode, statistics.median(v), min(v),
                                                          max(v), statistics.median(v) / base))
    print(json.dumps(results) if os.environ.get("GW_PERF_JSON") else "", end="")
    bad = [m for m, rs in results.items() for x in rs
           if x["exit"] != 0 or not x["balanced"] or x["leak"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
