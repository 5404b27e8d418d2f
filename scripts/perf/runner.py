#!/usr/bin/python3
"""The measurement behind scripts/perf.sh (run that; it owns the temp dir and the cleanup).

For each workload: gatewayd is started once on the workload's config (port0 = net_pcap replaying
the workload's pcap forever, port1 = net_null dropping what it is sent, one worker on lcore 1);
then, N rounds, in an order that rotates every round: a gatewayd window (the process is resumed
with SIGCONT, warmed up, measured, and stopped again with SIGSTOP so it leaves the core to the
next program), a dpdk-testpmd io run and a dpdk-testpmd 5tswap run on the same pcap and ports,
and a DPDK l3fwd-lpm run on the same ports and the same kind of packets, routed by its default
LPM table (gen_workload.py "l3fwd"; scripts/perf/build-l3fwd.sh builds it). Medians over the
rounds go in the final table, and the range of the per-round ratios gatewayd / l3fwd.

gatewayd:  Mpps = d(processed)/dt and cycles/packet = d(busy_cycles)/d(busy packets) of the
           worker lcore, from telemetry /gateway/stats; the sink's tx_packets must rise by as
           much and no drop counter may move, else the run is flagged with the drop reasons.
testpmd:   Mpps = d(port1 opackets)/dt from telemetry /ethdev/stats,1 (port0's ipackets must
           match); cycles/packet from --record-core-cycles (whole run).
l3fwd:     the same from /ethdev/stats (and port0 must send nothing: a packet l3fwd's LPM misses
           goes back out of its input port); it has no cycle counter of its own.
cpu%:      the worker thread's share of the window spent on a CPU (/proc/PID/task/TID/schedstat):
           below ~95 % means other processes took the core and the rate is understated.
"""
import argparse
import datetime
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_workload  # noqa: E402
from telemetry import Telemetry, wait_for  # noqa: E402

PY = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
# The thread that runs lcore 1: DPDK 22.11 names it lcore-worker-1, Debian's build rte-worker-1.
WORKER_NAMES = ("rte-worker-1", "lcore-worker-1")


class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    # Once is enough: Ctrl-C reaches both perf.sh (which then sends SIGTERM) and the runner.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Interrupted("signal %d" % signum)


def log(msg):
    print(msg, flush=True)


def prepare_workload(work, name, confs):
    """Writes workload `name`'s pcap and (once per tunnel set, remembered in `confs`) its gatewayd
    config into `work`; returns (info, pcap path, config path)."""
    info = gen_workload.info(name)
    tset = info["tunnel_set"]
    if tset not in confs:
        confs[tset] = os.path.join(work, "config-%s.conf" % tset)
        with open(confs[tset], "w") as f:
            for line in gen_workload.config_lines(info["tunnels"]):
                f.write(line + "\n")
    pcap = os.path.join(work, name + ".pcap")
    gen_workload.write_pcap(pcap, gen_workload.frames(name))
    return info, pcap, confs[tset]


def prepare_l3fwd(work, name, info):
    """The pcap l3fwd-lpm is measured on beside workload `name` (one per frame-size mix, kept in
    `work` for the next workload of the same sizes); returns its path."""
    pcap = os.path.join(work, info["l3fwd_pcap"] + ".pcap")
    if not os.path.exists(pcap):
        gen_workload.write_pcap(pcap, gen_workload.frames(name, l3fwd=True))
    return pcap


def hugepages_usable(mem_mb):
    """True if hugetlbfs is mounted and has mem_mb (+256) MiB free in default-size pages."""
    try:
        mounted = any(line.split()[2] == "hugetlbfs" for line in open("/proc/mounts"))
        info = dict(line.split(":", 1) for line in open("/proc/meminfo"))
        free = int(info["HugePages_Free"].split()[0]) * int(info["Hugepagesize"].split()[0]) // 1024
    except (OSError, KeyError, ValueError, IndexError):
        return False
    return mounted and free >= mem_mb + 256


class Proc:
    """A DPDK child process, in its own session (Ctrl-C reaches only the runner, which stops
    children in order), registered in WORK/pids for perf.sh's last-resort cleanup."""

    def __init__(self, rig, name, prefix, cmd, stop_signal):
        self.name = name
        self.prefix = prefix
        self.stop_signal = stop_signal
        self.log_path = os.path.join(rig.work, prefix + ".log")
        self.logf = open(self.log_path, "w")
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.logf,
                                  stderr=subprocess.STDOUT, start_new_session=True,
                                  cwd=rig.work)
        self.paused = False
        rig.register(self)

    def alive(self):
        return self.p.poll() is None

    def pause(self):
        os.kill(self.p.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        os.kill(self.p.pid, signal.SIGCONT)
        self.paused = False

    def stop(self, timeout=30):
        """Orderly stop (gatewayd: SIGTERM; testpmd: SIGINT), SIGKILL if it hangs."""
        if self.alive():
            try:
                os.kill(self.p.pid, signal.SIGCONT)
                os.kill(self.p.pid, self.stop_signal)
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            except ProcessLookupError:
                pass
        self.logf.close()
        return self.p.returncode

    def log_text(self):
        try:
            return open(self.log_path, errors="replace").read()
        except OSError:
            return ""

    def worker_tid(self):
        """The thread that runs lcore 1."""
        task = "/proc/%d/task" % self.p.pid
        for tid in os.listdir(task):
            try:
                if open("%s/%s/comm" % (task, tid)).read().strip() in WORKER_NAMES:
                    return int(tid)
            except OSError:
                pass
        return None

    def run_ns(self, tid):
        try:
            return int(open("/proc/%d/task/%d/schedstat" % (self.p.pid, tid)).read().split()[0])
        except (OSError, ValueError, TypeError):
            return None


class Rig:
    def __init__(self, args):
        self.args = args
        self.work = args.work
        self.root = args.root
        self.procs = []
        self.n = 0
        self.huge = False

    def register(self, proc):
        self.procs.append(proc)
        with open(os.path.join(self.work, "pids"), "a") as f:
            f.write("%d %s\n" % (proc.p.pid, proc.prefix))

    def prefix(self, what):
        self.n += 1
        return "perf_%d_%d_%s" % (os.getpid(), self.n, what)

    def eal(self, prefix, mem, pcap, lcores="0,1"):
        mem_opts = ["-m", str(mem)] if self.huge else ["--no-huge", "-m", str(mem)]
        return ["-l", lcores, *mem_opts, "--no-pci", "--file-prefix", prefix,
                "--log-level=*:warning",
                "--vdev=net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--vdev=net_null0,no-rx=1"]

    def cleanup(self):
        for proc in self.procs:
            try:
                proc.stop(timeout=15)
            except Exception:  # noqa: keep going, every child must go
                pass
            subprocess.run(["rm", "-rf", os.path.join("/var/run/dpdk", proc.prefix)])


def tsc_mhz():
    """The TSC rate (constant_tsc): DPDK reports the same on this machine."""
    for line in open("/proc/cpuinfo"):
        if line.startswith("cpu MHz"):
            return float(line.split(":")[1])
    return None


TSC_MHZ = tsc_mhz()


def with_cpu(m, r0, r1):
    """Adds the worker thread's CPU share of the window, the rate per on-CPU second and the
    on-CPU cycles per packet (run time x TSC rate / packets): figures the other processes on a
    shared machine disturb less than wall-clock ones."""
    m["cpu"] = m["mpps_cpu"] = m["cpu_cycles_per_pkt"] = None
    if r0 is not None and r1 is not None and r1 > r0:
        run_s = (r1 - r0) / 1e9
        m["cpu"] = run_s / m["seconds"]
        m["mpps_cpu"] = m["packets"] / run_s / 1e6
        if TSC_MHZ and m["packets"]:
            m["cpu_cycles_per_pkt"] = run_s * TSC_MHZ * 1e6 / m["packets"]
    return m


def sample_gatewayd(tel):
    t, (s,) = tel.timed(["/gateway/stats"])
    return t, s


def measure_gatewayd(rig, proc, tel, window, tid):
    r0 = proc.run_ns(tid)
    t0, s0 = sample_gatewayd(tel)
    time.sleep(window)
    t1, s1 = sample_gatewayd(tel)
    r1 = proc.run_ns(tid)
    dt = t1 - t0
    processed = s1["processed"] - s0["processed"]
    lc = next(iter(s1["lcores"]))
    cyc = s1["lcores"][lc]["busy_cycles"] - s0["lcores"][lc]["busy_cycles"]
    pk = s1["lcores"][lc]["packets"] - s0["lcores"][lc]["packets"]
    tx = s1["ports"]["port1"]["tx_packets"] - s0["ports"]["port1"]["tx_packets"]
    drops = {k: s1["drops"][k] - s0["drops"][k] for k in s1["drops"]
             if s1["drops"][k] != s0["drops"][k]}
    # One snapshot, but the sink counts packets when the TX buffer is flushed, after `processed`
    # was bumped: allow a little skew.
    problems = []
    if drops:
        problems.append("drops " + ", ".join("%s=%d" % kv for kv in drops.items()))
    if abs(tx - processed) > max(1024, processed // 10000):
        problems.append("sink tx %d != processed %d" % (tx, processed))
    return with_cpu({
        "mpps": processed / dt / 1e6, "cycles_per_pkt": cyc / pk if pk else None,
        "seconds": dt, "packets": processed, "problems": problems,
    }, r0, r1)


def measure_ethdev(rig, proc, what, tid=None):
    """Waits for traffic on port0, warms up, and measures one window of a program that has no
    counters of its own but the ports' (telemetry /ethdev/stats): returns (seconds, port0 and
    port1 deltas, worker run ns at start and end). Stops the program at the end."""
    a = rig.args
    try:
        tel = wait_for(proc.prefix, "/ethdev/stats,0", lambda v: v and v["ipackets"] > 0, 60,
                       proc.alive)
        time.sleep(a.warmup)
        tid = tid or proc.worker_tid()
        r0 = proc.run_ns(tid)
        t0, (p0, q0) = tel.timed(["/ethdev/stats,0", "/ethdev/stats,1"])
        time.sleep(a.window)
        t1, (p1, q1) = tel.timed(["/ethdev/stats,0", "/ethdev/stats,1"])
        r1 = proc.run_ns(tid)
        tel.close()
    except RuntimeError as e:
        proc.stop()
        raise RuntimeError("%s: %s\n%s" % (what, e, proc.log_text()[-3000:]))
    proc.stop()
    subprocess.run(["rm", "-rf", os.path.join("/var/run/dpdk", proc.prefix)])
    d0 = {k: p1[k] - p0[k] for k in p1 if isinstance(p1[k], int)}
    d1 = {k: q1[k] - q0[k] for k in q1 if isinstance(q1[k], int)}
    return t1 - t0, d0, d1, r0, r1


def run_testpmd(rig, info, pcap, mode):
    prefix = rig.prefix("testpmd_" + mode)
    mbufs = info["packets"] + 32768
    cmd = ["dpdk-testpmd", *rig.eal(prefix, 1024, pcap), "--",
           "--forward-mode=" + mode, "--stats-period=1", "--total-num-mbufs=%d" % mbufs,
           "--nb-cores=1", "--record-core-cycles"]
    proc = Proc(rig, "testpmd-" + mode, prefix, cmd, signal.SIGINT)
    dt, d0, d1, r0, r1 = measure_ethdev(rig, proc, "testpmd " + mode)
    rx = d0["ipackets"]
    tx = d1["opackets"]
    text = proc.log_text()
    m = re.search(r"CPU cycles/packet=([0-9.]+)", text)
    # The two ports are read one after the other (a busy machine can put milliseconds between
    # the reads), so rx and tx are compared loosely; testpmd's own totals at exit are exact.
    problems = []
    if abs(tx - rx) > max(4096, rx // 200):
        problems.append("tx %d != rx %d" % (tx, rx))
    acc = re.search(r"Accumulated forward statistics.*?RX-dropped: *(\d+).*?TX-dropped: *(\d+)",
                    text, re.S)
    if acc and (int(acc.group(1)) or int(acc.group(2))):
        problems.append("testpmd dropped: rx %s, tx %s" % acc.groups())
    return with_cpu({
        "mpps": tx / dt / 1e6, "cycles_per_pkt": float(m.group(1)) if m else None,
        "seconds": dt, "packets": tx, "problems": problems,
    }, r0, r1)


def l3fwd_binary(root):
    return os.path.join(root, "build", "l3fwd", "l3fwd")


def run_l3fwd(rig, info, pcap):
    """DPDK's l3fwd in LPM mode (scripts/perf/build-l3fwd.sh), one window, on the l3fwd variant
    of the workload's packets (`pcap`), on the same vdevs and CPU as the others.

    One lcore, -l 1: lcore 1 is l3fwd's main lcore and its only forwarding lcore, pinned to CPU 1
    as gatewayd's and testpmd's forwarding lcore are; its control threads (telemetry, interrupts)
    go to CPU 0 like theirs. With -l 0,1 it would want one TX queue per lcore, 2 on net_pcap's 1
    (rte_eth_dev_configure: -22), and its idle main lcore would spin in rte_eal_mp_wait_lcore.
    --config polls both ports' RX queues from lcore 1, as gatewayd's worker does.
    --parse-ptype: software ports give no packet type, which l3fwd's LPM path needs.
    Its one mbuf pool is sized from descriptor counts (main.c NB_MBUF: 2 ports x (rxd + txd) +
    2 x 32 + 256 with one lcore); net_pcap and net_null ignore the counts, so --rx-queue-size
    here only sizes the pool, to the others' packets + 32768 (infinite_rx keeps the whole pcap
    in mbufs)."""
    prefix = rig.prefix("l3fwd")
    mbufs = info["packets"] + 32768
    rxd = min(65535, -(-(mbufs - 2 * 1024 - 2 * 32 - 256) // 2))
    cmd = [l3fwd_binary(rig.root), *rig.eal(prefix, 1024, pcap, lcores="1"), "--",
           "-p", "0x3", "--config=(0,0,1),(1,0,1)", "--parse-ptype",
           "--rx-queue-size=%d" % rxd]
    proc = Proc(rig, "l3fwd", prefix, cmd, signal.SIGTERM)
    # The main lcore forwards: its thread is the process's main thread.
    dt, d0, d1, r0, r1 = measure_ethdev(rig, proc, "l3fwd", tid=proc.p.pid)
    rx, tx = d0["ipackets"], d1["opackets"]
    problems = []
    if abs(tx - rx) > max(4096, rx // 200):
        problems.append("tx %d != rx %d" % (tx, rx))
    if d0.get("opackets"):
        problems.append("%d packets sent back out of port0 (LPM miss)" % d0["opackets"])
    for k in ("rx_nombuf", "imissed", "ierrors"):
        if d0.get(k):
            problems.append("port0 %s %d" % (k, d0[k]))
    if d1.get("oerrors"):
        problems.append("port1 oerrors %d" % d1["oerrors"])
    if "Bye" not in proc.log_text():
        problems.append("l3fwd did not exit cleanly: " + proc.log_text()[-300:])
    return with_cpu({
        "mpps": tx / dt / 1e6, "cycles_per_pkt": None,
        "seconds": dt, "packets": tx, "problems": problems,
    }, r0, r1)


def start_gatewayd(rig, info, pcap, conf):
    prefix = rig.prefix("gatewayd")
    mbufs = info["packets"] + 32768  # the pcap's packets stay in the pool, replayed from memory
    cmd = [rig.args.gatewayd, *rig.eal(prefix, info["eal_mem"], pcap),
           "--", "--config=" + conf, "--socket=" + os.path.join(rig.work, prefix + ".sock"),
           "--mbufs=%d" % mbufs, *info["gatewayd_flags"]]
    t0 = time.monotonic()
    proc = Proc(rig, "gatewayd", prefix, cmd, signal.SIGTERM)
    try:
        tel = wait_for(prefix, "/gateway/stats", lambda v: v is not None, 1800, proc.alive)
    except RuntimeError as e:
        proc.stop()
        raise RuntimeError("gatewayd: %s\n%s" % (e, proc.log_text()[-3000:]))
    proc.sock = os.path.join(rig.work, prefix + ".sock")
    return proc, tel, time.monotonic() - t0


def stop_gatewayd(rig, proc, tel):
    tel.close()
    rc = proc.stop(timeout=120)
    text = proc.log_text()
    subprocess.run(["rm", "-rf", os.path.join("/var/run/dpdk", proc.prefix)])
    m = re.search(r"mempool: in_use=(\d+)", text)
    if rc != 0 or m is None or m.group(1) != "0":
        return "gatewayd exit %s, %s" % (rc, m.group(0) if m else "no exit report")
    return None


def churn_window(rig, gw, tel, tid, tunnels):
    a = rig.args
    cmd = ["taskset", "-c", "0", PY, os.path.join(HERE, "churn.py"), gw.sock,
           "--rate", str(a.churn_rate), "--tunnels", str(tunnels)]
    c = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        time.sleep(1.0)
        m = measure_gatewayd(rig, gw, tel, a.window, tid)
    finally:
        c.send_signal(signal.SIGTERM)
        out, _ = c.communicate(timeout=30)
    try:
        m["churn"] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        m["churn"] = {"error": out.strip()[-500:]}
    if m["churn"].get("errors"):
        m["problems"].append("churn errors: %s" % m["churn"].get("first_error"))
    return m


def profile_gatewayd(rig, gw, tid):
    """perf record (cpu-clock sampling: this VM has no hardware counters) on the worker."""
    data = os.path.join(rig.work, "perf.data")
    r = subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4999", "-t", str(tid),
                        "-o", data, "--", "sleep", str(rig.args.window)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "perf record failed: " + r.stderr.strip()[-300:]
    rep = subprocess.run(["perf", "report", "--stdio", "--no-children", "-i", data,
                          "--sort", "dso,symbol", "--percent-limit", "0.5"],
                         capture_output=True, text=True)
    lines = [" ".join(l.split()[:3] + [" ".join(l.split()[3:-2])])
             for l in rep.stdout.splitlines() if l.strip() and not l.startswith("#")]
    return "\n".join(lines[:30])


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def run_workload(rig, name, info, pcap, conf):
    a = rig.args
    res = {"gatewayd": [], "io": [], "5tswap": [], "l3fwd": [], "churn": [], "problems": []}
    log("== %s: %s (%d tunnels, %d packets, mean frame %.0f B)" % (
        name, info["description"], info["tunnels"], info["packets"], info["mean_frame"]))
    gw, tel, load_s = start_gatewayd(rig, info, pcap, conf)
    res["load_seconds"] = load_s
    log("   gatewayd up in %.1f s (config applied); version %s" % (load_s, tel.version))
    rig.version = tel.version
    gw.pause()
    programs = ["gatewayd"] if info["churn"] else ["gatewayd", "io", "5tswap"]
    if a.l3fwd and not info["churn"]:
        programs.append("l3fwd")
        l3fwd_pcap = prepare_l3fwd(a.work, name, info)
    try:
        for r in range(a.runs):
            order = programs[r % len(programs):] + programs[:r % len(programs)]
            for prog in order:
                if prog == "gatewayd":
                    gw.resume()
                    time.sleep(a.warmup)
                    tid = gw.worker_tid()
                    pair = ["quiet", "churn"] if r % 2 == 0 else ["churn", "quiet"]
                    for what in (pair if info["churn"] else ["quiet"]):
                        if what == "quiet":
                            m = measure_gatewayd(rig, gw, tel, a.window, tid)
                            res["gatewayd"].append(m)
                        else:
                            m = churn_window(rig, gw, tel, tid, info["tunnels"])
                            res["churn"].append(m)
                        extra = ""
                        if what == "churn":
                            extra = "  churn %s/s applied" % m["churn"].get("rate")
                        log("   run %d gatewayd%s: %6.3f Mpps  %6.0f cycles/pkt  cpu %3.0f%%  "
                            "%6.3f Mpps/cpu-s%s%s" % (
                            r + 1, "" if what == "quiet" else " (churn)", m["mpps"],
                            m["cycles_per_pkt"] or 0, 100 * (m["cpu"] or 0), m["mpps_cpu"] or 0,
                            extra,
                            ("  !! " + "; ".join(m["problems"])) if m["problems"] else ""))
                        res["problems"] += m["problems"]
                    if a.profile and r == a.runs - 1:
                        res["profile"] = profile_gatewayd(rig, gw, tid)
                    gw.pause()
                else:
                    if prog == "l3fwd":
                        m = run_l3fwd(rig, info, l3fwd_pcap)
                        label = "l3fwd-lpm     "
                    else:
                        m = run_testpmd(rig, info, pcap, prog)
                        label = "testpmd %-6s" % prog
                    res[prog].append(m)
                    log("   run %d %s: %6.3f Mpps  %6.0f cycles/pkt  cpu %3.0f%%  "
                        "%6.3f Mpps/cpu-s%s" % (
                        r + 1, label, m["mpps"], m["cycles_per_pkt"] or 0, 100 * (m["cpu"] or 0),
                        m["mpps_cpu"] or 0,
                        ("  !! " + "; ".join(m["problems"])) if m["problems"] else ""))
                    res["problems"] += ["%s: %s" % (label.strip(), p) for p in m["problems"]]
    finally:
        err = stop_gatewayd(rig, gw, tel)
    if err:
        res["problems"].append(err)
        log("   !! " + err)
    if "profile" in res:
        log("   profile of the gatewayd worker (perf record -e cpu-clock; PMDs are stripped, so"
            " their addresses stay hex):")
        for line in res["profile"].splitlines():
            log("     " + line)
    return res


def fmt(x, spec):
    return format(x, spec) if x is not None else "-"


def machine():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    virt = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("flags") and " hypervisor" in line:
            virt = ", virtual machine"
            break
    return "%s, %d CPUs%s, kernel %s" % (cpu, os.cpu_count(), virt, os.uname().release)


def summarize(results, names):
    """Medians over the runs, per workload and program."""
    summary = {}
    for name in names:
        r = results.get(name)
        if r is None or "error" in r:
            continue
        row = {"load_seconds": r.get("load_seconds"), "problems": r["problems"]}
        for prog in ("gatewayd", "io", "5tswap", "l3fwd", "churn"):
            runs = r.get(prog)
            if not runs:
                continue
            row[prog] = {k: median([m[k] for m in runs])
                         for k in ("mpps", "cycles_per_pkt", "cpu", "mpps_cpu",
                                   "cpu_cycles_per_pkt")}
            row[prog]["runs"] = [round(m["mpps"], 3) for m in runs]
            if prog == "churn":
                row[prog]["changes_per_s"] = median([m["churn"].get("rate") for m in runs])
                # Each round measures quiet and churn back to back: the median of the per-round
                # ratios cancels the drift between rounds.
                row[prog]["paired_ratio"] = median(
                    [c["mpps_cpu"] / q["mpps_cpu"] for q, c in zip(r["gatewayd"], runs)
                     if c["mpps_cpu"] and q["mpps_cpu"]])
        # The yardstick: gatewayd / l3fwd-lpm per on-CPU second, round by round (the two ran
        # minutes apart at most), median and range.
        per_round = [g["mpps_cpu"] / l["mpps_cpu"] for g, l in zip(r["gatewayd"], r.get("l3fwd", []))
                     if g["mpps_cpu"] and l["mpps_cpu"]]
        if per_round:
            row["gw_l3fwd"] = {"median": median(per_round), "min": min(per_round),
                               "max": max(per_round), "rounds": [round(x, 3) for x in per_round]}
        summary[name] = row
    return summary


def ratio(x, y):
    return x / y if x and y else None


def print_tables(summary, names, results, runs, started, version):
    log("")
    log("gatewayd vs DPDK l3fwd-lpm and dpdk-testpmd, medians of %d run(s), %s; DPDK %s; %s" % (
        runs, started.strftime("%Y-%m-%d %H:%M"), (version or "?").replace("DPDK ", ""),
        machine()))
    log("")
    log("As measured (wall clock). cpu%: the worker thread's share of the window on a CPU,")
    log("gatewayd / io / 5tswap; under ~95 % other processes took part of the core.")
    hdr = "%-20s %8s %8s %8s %8s %8s  %-12s" % (
        "workload", "gw Mpps", "cyc/pkt", "io Mpps", "5tswap", "gw/5tsw", "cpu% gw/io/5t")
    log(hdr)
    log("-" * len(hdr))
    g = lambda row, prog, k: row.get(prog, {}).get(k)  # noqa: E731
    for name in names:
        row = summary.get(name)
        if row is None:
            log("%-20s failed: see above" % name)
            continue
        cpus = "/".join(fmt(g(row, p, "cpu") and 100 * g(row, p, "cpu"), ".0f")
                        for p in ("gatewayd", "io", "5tswap"))
        log("%-20s %8s %8s %8s %8s %8s  %-12s%s" % (
            name, fmt(g(row, "gatewayd", "mpps"), ".3f"),
            fmt(g(row, "gatewayd", "cycles_per_pkt"), ".0f"), fmt(g(row, "io", "mpps"), ".3f"),
            fmt(g(row, "5tswap", "mpps"), ".3f"),
            fmt(ratio(g(row, "gatewayd", "mpps"), g(row, "5tswap", "mpps")), ".2f"), cpus,
            "  !!" if row["problems"] else ""))
        if "churn" in row:
            q, c = g(row, "gatewayd", "mpps"), g(row, "churn", "mpps")
            log("%-20s %8s %8s   %.0f tunnel changes/s applied: %s of the quiet rate" % (
                "  under churn", fmt(c, ".3f"), fmt(g(row, "churn", "cycles_per_pkt"), ".0f"),
                g(row, "churn", "changes_per_s") or 0,
                fmt(ratio(c, q) and 100 * ratio(c, q), ".1f") + "%"))
    if any("l3fwd" in summary.get(n, {}) for n in names):
        log("l3fwd-lpm (wall): " + "; ".join(
            "%s %s Mpps, cpu %s%%" % (n, fmt(g(summary[n], "l3fwd", "mpps"), ".3f"),
                                      fmt(g(summary[n], "l3fwd", "cpu") and
                                          100 * g(summary[n], "l3fwd", "cpu"), ".0f"))
            for n in names if "l3fwd" in summary.get(n, {})))
    log("")
    log("Per on-CPU second (packets / worker run time): what one uncontended core does.")
    log("CPU cycles/pkt = worker run time x TSC rate / packets. gw/l3fwd: median of the per-round")
    log("ratios [lowest-highest round].")
    hdr = "%-20s %8s %8s %8s %8s %8s %8s %-18s  %-20s" % (
        "workload", "gw Mpps", "l3fwd", "io Mpps", "5tswap", "gw/io", "gw/5tsw", " gw/l3fwd",
        "cyc/pkt gw/l3/io/5t")
    log(hdr)
    log("-" * len(hdr))
    for name in names:
        row = summary.get(name)
        if row is None:
            continue
        cyc = "/".join(fmt(g(row, p, "cpu_cycles_per_pkt"), ".0f")
                       for p in ("gatewayd", "l3fwd", "io", "5tswap"))
        gl = row.get("gw_l3fwd")
        gl = " %.2f [%.2f-%.2f]" % (gl["median"], gl["min"], gl["max"]) if gl else " -"
        log("%-20s %8s %8s %8s %8s %8s %8s %-18s  %-20s" % (
            name, fmt(g(row, "gatewayd", "mpps_cpu"), ".3f"), fmt(g(row, "l3fwd", "mpps_cpu"), ".3f"),
            fmt(g(row, "io", "mpps_cpu"), ".3f"), fmt(g(row, "5tswap", "mpps_cpu"), ".3f"),
            fmt(ratio(g(row, "gatewayd", "mpps_cpu"), g(row, "io", "mpps_cpu")), ".2f"),
            fmt(ratio(g(row, "gatewayd", "mpps_cpu"), g(row, "5tswap", "mpps_cpu")), ".2f"), gl,
            cyc))
        if "churn" in row:
            q, c = g(row, "gatewayd", "mpps_cpu"), g(row, "churn", "mpps_cpu")
            pr = g(row, "churn", "paired_ratio")
            log("%-20s %8s %8s %8s %8s %8s  %-20s  %s of the quiet rate (per round: %s)" % (
                "  under churn", fmt(c, ".3f"), "", "", "", "",
                fmt(g(row, "churn", "cpu_cycles_per_pkt"), ".0f"),
                fmt(ratio(c, q) and 100 * ratio(c, q), ".1f") + "%",
                fmt(pr and 100 * pr, ".1f") + "%"))
    log("")
    log("Every run (Mpps, in round order): " + "; ".join(
        "%s gw %s io %s 5tswap %s l3fwd %s" % (
            n, r.get("gatewayd", {}).get("runs"), r.get("io", {}).get("runs"),
            r.get("5tswap", {}).get("runs"), r.get("l3fwd", {}).get("runs"))
        for n, r in summary.items()))


def source_version(root):
    """The commit the tree is at, and the files changed since (what the binary was built from,
    if it was built from this tree)."""
    try:
        head = subprocess.run(["git", "-C", root, "log", "-1", "--format=%h %cs %s"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no",
                                "dataplane", "control"], capture_output=True, text=True,
                               timeout=10).stdout.split("\n")
        dirty = [l[3:] for l in dirty if l.strip()]
    except (OSError, subprocess.TimeoutExpired):
        return "no git"
    return "commit %s%s" % (head, "; modified: " + " ".join(dirty) if dirty else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int)
    ap.add_argument("--workload", action="append", default=[])
    ap.add_argument("--warmup", type=float)
    ap.add_argument("--window", type=float)
    ap.add_argument("--churn-rate", type=float, default=10000)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--json")
    ap.add_argument("--gatewayd", help="binary to measure (default ROOT/build/gatewayd)")
    ap.add_argument("--no-l3fwd", dest="l3fwd", action="store_false",
                    help="leave DPDK's l3fwd-lpm out of the rounds")
    a = ap.parse_args()
    a.runs = a.runs or (1 if a.quick else 3)
    a.gatewayd = os.path.abspath(a.gatewayd or os.path.join(a.root, "build", "gatewayd"))
    a.warmup = a.warmup if a.warmup is not None else (1.0 if a.quick else 2.0)
    a.window = a.window if a.window is not None else (3.0 if a.quick else 5.0)
    names = a.workload or (gen_workload.QUICK if a.quick else list(gen_workload.WORKLOADS))
    for n in names:
        if n not in gen_workload.WORKLOADS:
            sys.exit("perf.sh: unknown workload %r; scripts/perf/gen_workload.py list" % n)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    rig = Rig(a)
    rig.version = None
    results = {}
    started = datetime.datetime.now()
    try:
        if not os.access(a.gatewayd, os.X_OK):
            sys.exit("perf.sh: %s missing: ninja -C build" % a.gatewayd)
        if a.l3fwd and not os.access(l3fwd_binary(a.root), os.X_OK):
            sys.exit("perf.sh: %s missing: scripts/perf/build-l3fwd.sh" % l3fwd_binary(a.root))
        # gatewayd (up to -m 3072) stays alive, stopped, while testpmd (-m 1024) has the core.
        rig.huge = hugepages_usable(3072 + 1024)
        log("perf.sh: %s; %s; %d run(s) of %.0f s after %.0f s warm-up per program" % (
            machine(), "hugepages" if rig.huge else "no hugepages (--no-huge)", a.runs,
            a.window, a.warmup))
        a.source = source_version(a.root)
        log("perf.sh: measuring %s (%s)" % (a.gatewayd, a.source))
        confs = {}
        for name in names:
            info, pcap, conf = prepare_workload(a.work, name, confs)
            try:
                results[name] = run_workload(rig, name, info, pcap, conf)
            except RuntimeError as e:
                log("   !! %s failed: %s" % (name, e))
                results[name] = {"error": str(e)}
            os.unlink(pcap)
    except Interrupted as e:
        log("perf.sh: interrupted (%s): stopping every process" % e)
        rig.cleanup()
        return 130
    finally:
        rig.cleanup()

    summary = summarize(results, names)
    print_tables(summary, names, results, a.runs, started, rig.version)
    log("gatewayd: %s (tree at the start: %s)" % (a.gatewayd, getattr(a, "source", "?")))
    bad = {n: r.get("problems") or r.get("error") for n, r in results.items()
           if r.get("problems") or "error" in r}
    for n, p in bad.items():
        log("!! %s: %s" % (n, "; ".join(p) if isinstance(p, list) else p))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"date": started.isoformat(), "machine": machine(), "dpdk": rig.version,
                       "gatewayd": a.gatewayd, "source": getattr(a, "source", None),
                       "runs": a.runs, "window": a.window, "warmup": a.warmup,
                       "tsc_mhz": TSC_MHZ, "summary": summary, "raw": results}, f, indent=1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
