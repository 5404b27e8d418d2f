#!/usr/bin/python3
"""A/B of gatewayd builds on perf.sh's rig, interleaved in one run (run through scripts/perf-ab.sh).

  scripts/perf-ab.sh [--runs N] [--workload NAME]... [--testpmd] [--io] [--l3fwd]
                     [--both-orders] BINARY_A [BINARY_B ...]

BINARY may carry gatewayd flags after commas: build/gatewayd,--burst_prefetch=on.

Per workload, every binary is started once on the same pcap and config, all stopped (SIGSTOP);
then N rounds, the order rotating every round, each binary resumed, warmed up, measured (the
same window as perf.sh: telemetry /gateway/stats, worker CPU share) and stopped again. Anchors
join each round: --testpmd a dpdk-testpmd 5tswap run, --io a testpmd io run, --l3fwd a DPDK
l3fwd-lpm run (runner.run_l3fwd: same vdevs and CPU, its own packets of the same kind).
--both-orders runs every other round in the reverse order, so that each program comes before
and after each other one (use an even --runs). Prints every window and, per program, the
medians (Mpps, Mpps per on-CPU second, cycles/packet) with the range of the per-CPU rate; B/A
of the per-CPU medians; and each build's per-round ratio to every anchor, median [range].
"""
import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_workload  # noqa: E402
import runner  # noqa: E402
from runner import log, median  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workload", action="append", default=[])
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--window", type=float, default=5.0)
    ap.add_argument("--testpmd", action="store_true", help="add a testpmd 5tswap run per round")
    ap.add_argument("--io", action="store_true", help="add a testpmd io run per round")
    ap.add_argument("--l3fwd", action="store_true", help="add an l3fwd-lpm run per round")
    ap.add_argument("--both-orders", action="store_true",
                    help="every other round in the reverse order")
    ap.add_argument("--json")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    if a.l3fwd and not os.access(runner.l3fwd_binary(a.root), os.X_OK):
        sys.exit("perf-ab.sh: %s missing: scripts/perf/build-l3fwd.sh" %
                 runner.l3fwd_binary(a.root))
    # BINARY[,--flag=value...]: extra gatewayd flags for that entry (the same binary may appear
    # twice with different flags).
    specs = [b.split(",") for b in a.binaries]
    a.binaries = [",".join([os.path.abspath(s[0])] + s[1:]) for s in specs]
    a.profile = False
    names = a.workload or ["encap-64-t1", "decap-64-t1", "route-64-t1k"]
    signal.signal(signal.SIGINT, runner.on_signal)
    signal.signal(signal.SIGTERM, runner.on_signal)
    rig = runner.Rig(a)
    # Every build stays alive (up to -m 3072 each), and testpmd (-m 1024) with --testpmd.
    rig.huge = runner.hugepages_usable(3072 * len(a.binaries) + 1024)
    labels = [chr(ord("A") + i) for i in range(len(a.binaries))]
    for lab, b in zip(labels, a.binaries):
        log("%s = %s" % (lab, b))
    out = {}
    try:
        confs = {}
        for name in names:
            info, pcap, conf = runner.prepare_workload(a.work, name, confs)
            log("== %s" % name)
            gws = {}
            try:
                for lab, b in zip(labels, a.binaries):
                    a.gatewayd, *extra = b.split(",")
                    binfo = dict(info, gatewayd_flags=info["gatewayd_flags"] + extra)
                    gw, tel, _ = runner.start_gatewayd(rig, binfo, pcap, conf)
                    gw.pause()
                    gws[lab] = (gw, tel)
                anchors = ((["5tswap"] if a.testpmd else []) + (["io"] if a.io else []) +
                           (["l3fwd"] if a.l3fwd else []))
                if a.l3fwd:
                    l3fwd_pcap = runner.prepare_l3fwd(a.work, name, info)
                progs = labels + anchors
                res = {p: [] for p in progs}
                for r in range(a.runs):
                    k = (r // 2 if a.both_orders else r) % len(progs)
                    order = progs[k:] + progs[:k]
                    if a.both_orders and r % 2 == 1:
                        order.reverse()
                    for p in order:
                        if p in ("5tswap", "io"):
                            m = runner.run_testpmd(rig, info, pcap, p)
                        elif p == "l3fwd":
                            m = runner.run_l3fwd(rig, info, l3fwd_pcap)
                        else:
                            gw, tel = gws[p]
                            gw.resume()
                            time.sleep(a.warmup)
                            tid = gw.worker_tid()
                            m = runner.measure_gatewayd(rig, gw, tel, a.window, tid)
                            gw.pause()
                        res[p].append(m)
                        log("   run %d %-6s %6.3f Mpps  %6.0f cyc/pkt  cpu %3.0f%%  %6.3f Mpps/cpu-s%s"
                            % (r + 1, p, m["mpps"], m["cycles_per_pkt"] or 0,
                               100 * (m["cpu"] or 0), m["mpps_cpu"] or 0,
                               ("  !! " + "; ".join(m["problems"])) if m["problems"] else ""))
            finally:
                for lab, (gw, tel) in gws.items():
                    err = runner.stop_gatewayd(rig, gw, tel)
                    if err:
                        log("   !! %s: %s" % (lab, err))
                os.unlink(pcap)
            summ = {}
            for p in progs:
                ms = res[p]
                summ[p] = {k: median([m[k] for m in ms if m.get(k) is not None] or [0])
                           for k in ("mpps", "mpps_cpu", "cycles_per_pkt", "cpu",
                                     "cpu_cycles_per_pkt")}
                cpu_rates = [m["mpps_cpu"] for m in ms if m.get("mpps_cpu")]
                summ[p]["range"] = [min(cpu_rates), max(cpu_rates)] if cpu_rates else None
            # Each build against each anchor, round by round: the two ran in the same round,
            # minutes apart at most, so the machine's drift cancels better than in medians.
            ratios = {}
            for lab in labels:
                for anc in anchors:
                    rs = [g["mpps_cpu"] / x["mpps_cpu"] for g, x in zip(res[lab], res[anc])
                          if g.get("mpps_cpu") and x.get("mpps_cpu")]
                    if rs:
                        ratios["%s/%s" % (lab, anc)] = {
                            "median": median(rs), "min": min(rs), "max": max(rs),
                            "rounds": [round(x, 3) for x in rs]}
            out[name] = {"summary": summ, "ratios": ratios, "raw": res}
            ref = summ[labels[0]]["mpps_cpu"]
            for p in progs:
                s = summ[p]
                extra = ""
                if p != labels[0] and p in labels and ref:
                    extra = "  %s/A %.3f" % (p, s["mpps_cpu"] / ref)
                rng = "[%.3f-%.3f]" % tuple(s["range"]) if s["range"] else "-"
                log("   median %-6s %6.3f Mpps  %6.3f Mpps/cpu-s %-15s %6.0f cyc/pkt %5.0f CPU "
                    "cyc/pkt  cpu %3.0f%%%s" % (
                    p, s["mpps"], s["mpps_cpu"], rng, s["cycles_per_pkt"] or 0,
                    s["cpu_cycles_per_pkt"] or 0, 100 * s["cpu"], extra))
            for lab in labels:
                line = ["%s/%s %.2f [%.2f-%.2f]" % (
                    lab, anc, ratios[key]["median"], ratios[key]["min"], ratios[key]["max"])
                    for anc in anchors for key in ["%s/%s" % (lab, anc)] if key in ratios]
                if line:
                    log("   per CPU, per round: " + "   ".join(line))
    except runner.Interrupted as e:
        log("interrupted (%s)" % e)
        return 130
    finally:
        rig.cleanup()
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"binaries": a.binaries, "results": out}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
