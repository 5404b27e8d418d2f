#!/usr/bin/python3
"""The scale figures behind scripts/perf-scale.sh (run that; it owns the temp dir and the cleanup):
how long gatewayd takes to start on a big config, and how much memory it then holds.

Four starts of gatewayd on the perf rig's ports (net_pcap replaying encap-64-t1m, net_null
sink, -l 0,1, --mbufs as perf.sh gives):
  base     gatewayd's default table sizes, no config: EAL, ports, mempool, small tables
  empty    the t1m workloads' table sizes (1M tunnels + 1M routes), no config: the preallocated
           tables on top of base
  tunnels  t1m sizes, the config's tunnels only (`tunnel add`, `link set up`: 2 lines each)
  full     t1m sizes, the t1m config (gen_workload.py config N: per tunnel `tunnel add`,
           `link set up`, `route add /32 dev tN`: 3 lines, so 1M tunnels are 3.1M lines)
Differences between them attribute time and memory: empty - base = the big tables' sizing,
tunnels - empty = what 1M tunnels add, full - tunnels = what 1M /32 routes add.
Startup, measured from outside without touching the process (polled every 5 ms):
  exec -> EAL initialised   the telemetry socket appears (rte_eal_init creates it last)
  -> tables built           the config file is read (/proc/PID/io rchar jumps by its size:
                            gatewayd reads it whole, then parses and applies line by line)
  -> config applied         the "...; forwarding" line on stdout (flushed)
  -> forwarding traffic     telemetry /gateway/stats `processed` > 0
Memory, 2 s after the first packet: /proc/PID/status (VmRSS, VmHWM, RssAnon, RssShmem,
HugetlbPages), /proc/PID/smaps split into EAL memory (memfd:nohuge or hugetlbfs mappings) and
the process heap (glibc: the control plane's maps and the per-tunnel objects, the tunnel lines,
the peer buckets), and the EAL heap from telemetry (/eal/heap_info,0; /eal/memzone_list and
/eal/memzone_info: mempools, rings) grouped by owner.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_workload  # noqa: E402
import runner  # noqa: E402
from runner import log  # noqa: E402
from telemetry import Telemetry, socket_path  # noqa: E402

MIB = 1 << 20


def status(pid):
    out = {}
    for line in open("/proc/%d/status" % pid):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "HugetlbPages", "VmSize"):
            out[k] = int(v.split()[0]) * 1024
    return out


def smaps_split(pid):
    """RSS by kind of mapping: EAL memory (the memfd or hugetlbfs files DPDK maps), process
    heap (anonymous, [heap]), files (libraries, the fbarray metadata), and the largest ones."""
    kinds = {"eal": 0, "heap": 0, "file": 0}
    big = []
    name = ""
    for line in open("/proc/%d/smaps" % pid):
        f = line.split()
        if "-" in f[0] and len(f) >= 5 and ":" not in f[0]:
            name = " ".join(f[5:]) if len(f) > 5 else "[anon]"
            continue
        if f[0] in ("Rss:", "Private_Hugetlb:", "Shared_Hugetlb:"):
            rss = int(f[1]) * 1024
            if "nohuge" in name or "hugepage" in name or "rtemap" in name:
                kind = "eal"
            elif name in ("[anon]", "[heap]") or name.startswith("[stack"):
                kind = "heap"
            else:
                kind = "file"
            kinds[kind] += rss
            if rss >= 16 * MIB:
                big.append((rss, kind, name))
    return kinds, sorted(big, reverse=True)


# Memzones by owner (DPDK names them after the object: MP_ mempool, RG_ ring, HT_ hash).
ZONE_GROUPS = [
    ("IPv4 FIB's RIB nodes (rte_fib, 2 copies)", "route4"),
    ("IPv6 FIB's RIB nodes (rte_fib6, 2 copies)", "route6"),
    ("mbufs (the rig's --mbufs) + indirect", "mbufs"),
    ("", "indirect"),
    ("peer hash (rte_hash: ring, RCU queue)", "peers"),
    ("neighbour hash", "neigh"),
]


def eal_heap(tel):
    heap = tel.query("/eal/heap_info,0") or {}
    zones = []
    for z in tel.query("/eal/memzone_list") or []:
        i = tel.query("/eal/memzone_info,%d" % z)
        zones.append((i["Length"], i["Name"]))
    return heap, zones


def group_zones(zones):
    groups = {}
    for length, name in zones:
        for label, key in ZONE_GROUPS:
            if key in name:
                label = label or "mbufs (the rig's --mbufs) + indirect"
                break
        else:
            label = "other memzones (ports, rings)"
        groups[label] = groups.get(label, 0) + length
    return groups


class Start:
    """One start of gatewayd, timed from outside."""

    def __init__(self, rig, what, cmd, conf_size):
        self.rig = rig
        self.t = {}
        prefix = rig.prefix("scale_" + what)
        self.prefix = prefix
        cmd = cmd(prefix)
        self.t["exec"] = time.monotonic()
        self.proc = runner.Proc(rig, "gatewayd", prefix, cmd, signal.SIGTERM)
        pid = self.proc.p.pid
        sock = socket_path(prefix)
        rchar0 = None
        # Poll until the forwarding line; 5 ms steps, on CPU 0 with the control thread.
        while "forwarding" not in self.t:
            now = time.monotonic()
            if not self.proc.alive():
                raise RuntimeError("gatewayd exited during startup:\n" + self.proc.log_text()[-2000:])
            if now - self.t["exec"] > 1800:
                raise RuntimeError("gatewayd not forwarding after 1800 s")
            if "eal" not in self.t and os.path.exists(sock):
                self.t["eal"] = now
            if conf_size and "config_read" not in self.t:
                try:
                    rchar = int(open("/proc/%d/io" % pid).read().split()[1])
                except (OSError, IndexError, ValueError):
                    rchar = None
                if rchar is not None:
                    rchar0 = rchar if rchar0 is None else rchar0
                    if rchar - rchar0 >= conf_size:
                        self.t["config_read"] = now
            if "forwarding;" in self.proc.log_text() or "; forwarding" in self.proc.log_text():
                self.t["forwarding"] = now
                break
            time.sleep(0.005)
        self.t.setdefault("eal", self.t["forwarding"])
        self.t.setdefault("config_read", self.t["forwarding"])
        self.tel = Telemetry(prefix)
        while True:
            s = self.tel.query("/gateway/stats")
            if s and s["processed"] > 0:
                self.t["traffic"] = time.monotonic()
                break
            if time.monotonic() - self.t["forwarding"] > 60:
                self.t["traffic"] = None
                break
            time.sleep(0.005)

    def memory(self):
        time.sleep(2.0)
        pid = self.proc.p.pid
        st = status(pid)
        kinds, big = smaps_split(pid)
        heap, zones = eal_heap(self.tel)
        return {"status": st, "smaps": kinds, "big": big, "heap": heap, "zones": zones}

    def stop(self):
        self.tel.close()
        return runner.stop_gatewayd(self.rig, self.proc, self.tel)


def mib(x):
    return "%7.0f" % (x / MIB) if x is not None else "      -"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--tunnels", type=int, default=1048576)
    ap.add_argument("--gatewayd")
    ap.add_argument("--huge", action="store_true",
                    help="EAL on hugepages (hugetlbfs mounted, enough free), no -m: EAL takes "
                         "pages as it needs them, so the pages in use are what it needs")
    ap.add_argument("--only", action="append", default=[],
                    help="only these starts (base, empty, tunnels, full)")
    a = ap.parse_args()
    a.gatewayd = os.path.abspath(a.gatewayd or os.path.join(a.root, "build", "gatewayd"))
    signal.signal(signal.SIGINT, runner.on_signal)
    signal.signal(signal.SIGTERM, runner.on_signal)
    rig = runner.Rig(a)
    if a.huge and not runner.hugepages_usable(2048):
        sys.exit("perf-scale.sh: --huge needs hugetlbfs mounted with 2 GiB free in 2 MiB pages: "
                 "mount -t hugetlbfs nodev /dev/hugepages; echo 1200 > /proc/sys/vm/nr_hugepages")
    info = gen_workload.info("encap-64-t1m")
    pcap = os.path.join(a.work, "encap-64-t1m.pcap")
    gen_workload.write_pcap(pcap, gen_workload.frames("encap-64-t1m"))
    conf = os.path.join(a.work, "t%d.conf" % a.tunnels)
    conf_tunnels = os.path.join(a.work, "t%d-tunnels.conf" % a.tunnels)
    lines = {"full": 0, "tunnels": 0}
    with open(conf, "w") as f, open(conf_tunnels, "w") as ft:
        for line in gen_workload.config_lines(a.tunnels):
            f.write(line + "\n")
            lines["full"] += 1
            if not (line.startswith("route add ") and "/32 dev t" in line):
                ft.write(line + "\n")
                lines["tunnels"] += 1
    configs = {"base": None, "empty": None, "tunnels": conf_tunnels, "full": conf}
    flags = info["gatewayd_flags"]  # the t1m sizes, also for a smaller --tunnels
    mbufs = info["packets"] + 32768

    def cmd(what):
        def build(prefix):
            eal = ["-l", "0,1", "--no-pci", "--file-prefix", prefix, "--log-level=*:warning",
                   "--vdev=net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--vdev=net_null0,no-rx=1"]
            eal += [] if a.huge else ["--no-huge", "-m", str(info["eal_mem"])]
            return ([a.gatewayd, *eal, "--", "--socket=" + os.path.join(a.work, prefix + ".sock"),
                     "--mbufs=%d" % mbufs] + ([] if what == "base" else flags) +
                    (["--config=" + configs[what]] if configs[what] else []))
        return build

    log("perf-scale.sh: %s; %s; gatewayd %s; flags %s --mbufs=%d" % (
        runner.machine(), "hugepages (no -m)" if a.huge else "--no-huge -m %d" % info["eal_mem"],
        a.gatewayd, " ".join(flags), mbufs))
    log("config: %d tunnels, %d lines, %.0f MiB (%s)" % (
        a.tunnels, lines["full"], os.path.getsize(conf) / MIB, conf))
    runs = {}
    huge0 = hugepages_in_use()
    try:
        for what in a.only or ["base", "empty", "tunnels", "full"]:
            s = Start(rig, what, cmd(what),
                      os.path.getsize(configs[what]) if configs[what] else 0)
            m = s.memory()
            m["huge_in_use"] = hugepages_in_use() - huge0
            err = s.stop()
            runs[what] = (s.t, m, err)
            t = s.t
            log("== %s: exec -> EAL %.2f s -> tables %.2f s -> config %.2f s -> first packet "
                "%.2f s; total %.2f s to forwarding, %s to traffic%s" % (
                    what, t["eal"] - t["exec"], t["config_read"] - t["eal"],
                    t["forwarding"] - t["config_read"],
                    (t["traffic"] - t["forwarding"]) if t["traffic"] else -1,
                    t["forwarding"] - t["exec"],
                    "%.2f s" % (t["traffic"] - t["exec"]) if t["traffic"] else "never",
                    ("  !! " + err) if err else ""))
    except runner.Interrupted as e:
        log("interrupted (%s)" % e)
        return 130
    finally:
        rig.cleanup()
        for f in (pcap, conf, conf_tunnels):
            os.unlink(f)

    log("")
    log("Startup (s): EAL init = exec to telemetry socket; tables = ports, mempool, tables")
    log("(to the config read); config = parse + apply of every line; traffic = first packet.")
    log("%-8s %6s %6s %7s %7s %9s %10s %8s %14s" % (
        "start", "EAL", "tables", "config", "launch", "to fwd", "to traffic", "lines",
        "per 100k lines"))
    for what, (t, m, err) in runs.items():
        cfg = t["forwarding"] - t["config_read"]
        n = lines.get(what, 0)
        log("%-8s %6.2f %6.2f %7.2f %7s %9.2f %10s %8s %14s" % (
            what, t["eal"] - t["exec"], t["config_read"] - t["eal"], cfg,
            "%.3f" % (t["traffic"] - t["forwarding"]) if t["traffic"] else "-",
            t["forwarding"] - t["exec"],
            "%.2f" % (t["traffic"] - t["exec"]) if t["traffic"] else "-", n or "",
            "%.3f s" % (cfg / n * 1e5) if n else ""))
    if "tunnels" in runs and "full" in runs:
        tt, ft = runs["tunnels"][0], runs["full"][0]
        routes = lines["full"] - lines["tunnels"]
        extra = (ft["forwarding"] - ft["config_read"]) - (tt["forwarding"] - tt["config_read"])
        log("%d route lines (full - tunnels): %.2f s, %.3f s per 100k" % (
            routes, extra, extra / routes * 1e5))
    log("")
    log("Memory (MiB). RSS = VmRSS after the first packets; EAL = the EAL's memory mappings;")
    log("heap = the process's own anonymous memory (glibc).")
    log("%-8s %7s %7s %7s %7s %7s %9s %9s" % ("start", "VmRSS", "VmHWM", "EAL", "heap", "files",
                                              "EAL heap", "hugepages"))
    for what, (t, m, err) in runs.items():
        st, k = m["status"], m["smaps"]
        log("%-8s %s %s %s %s %s %9s %9s" % (
            what, mib(st.get("VmRSS")), mib(st.get("VmHWM")), mib(k["eal"]), mib(k["heap"]),
            mib(k["file"]), mib(m["heap"].get("Alloc_size")).strip(),
            mib(m["huge_in_use"]).strip() if a.huge else "-"))
    for what, (t, m, err) in runs.items():
        log("")
        zones = m["zones"]
        zsum = sum(z[0] for z in zones)
        log("%s: EAL heap %s MiB allocated of %s: memzones %s MiB, rte_malloc %s MiB" % (
            what, mib(m["heap"].get("Alloc_size")).strip(), mib(m["heap"].get("Heap_size")).strip(),
            mib(zsum).strip(), mib(m["heap"].get("Alloc_size", 0) - zsum).strip()))
        for label, size in sorted(group_zones(zones).items(), key=lambda kv: -kv[1]):
            log("   %s  %s" % (mib(size), label))
        log("   largest mappings (RSS MiB, kind, name): " + "; ".join(
            "%.0f %s %s" % (r / MIB, kind, name) for r, kind, name in m["big"][:8]))
    log("")
    for hi, lo, what in (("empty", "base", "the t1m table sizes (no config)"),
                         ("tunnels", "empty", "the tunnels' lines"),
                         ("full", "tunnels", "the /32 routes' lines")):
        if hi in runs and lo in runs:
            h, l = runs[hi][1], runs[lo][1]
            log("%-32s (%s - %s): VmRSS %s MiB, EAL %s MiB, heap %s MiB, EAL heap %s MiB" % (
                what, hi, lo, mib(h["status"]["VmRSS"] - l["status"]["VmRSS"]).strip(),
                mib(h["smaps"]["eal"] - l["smaps"]["eal"]).strip(),
                mib(h["smaps"]["heap"] - l["smaps"]["heap"]).strip(),
                mib(h["heap"].get("Alloc_size", 0) - l["heap"].get("Alloc_size", 0)).strip()))
    bad = [w for w, (t, m, err) in runs.items() if err]
    return 1 if bad else 0


def hugepages_in_use():
    try:
        info = dict(line.split(":", 1) for line in open("/proc/meminfo"))
        used = int(info["HugePages_Total"].split()[0]) - int(info["HugePages_Free"].split()[0])
        return used * int(info["Hugepagesize"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return 0


if __name__ == "__main__":
    sys.exit(main())
