#!/usr/bin/python3
"""The manual tells the truth: the man pages (docs/man/*.scd, built by meson with scdoc) render,
gwctl's --help and `gwctl help CMD` print the synopses the man pages show, every gatewayd flag,
drop reason, log event and metric family is documented, and every read the help lists works on a
running gateway.

    /usr/bin/python3 tests/ops/docs_test.py [--build build] [--gatewayd ...] [--gwctl ...]
"""
import itertools
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import SRC, Gatewayd, check, check_eq, main, run, test  # noqa: E402
import lib  # noqa: E402

PAGES = {"gatewayd": "gatewayd.8", "gwctl": "gwctl.8", "gatewayd.conf": "gatewayd.conf.5"}


def norm(text):
    return " ".join(text.split())


def render(page):
    """The page as man shows it, as plain text, on one very long line per paragraph."""
    path = os.path.join(lib.ARGS.build, "docs", "man", PAGES[page])
    check(os.path.exists(path), f"{path} was not built (meson builds the man pages by default)")
    r = run(["groff", "-t", "-man", "-Tutf8", "-ww", "-rLL=1000n", "-rHY=0", path])
    check(r.rc == 0, f"groff {path}: {r}")
    check_eq(r.err, "", f"groff's warnings for {path}")
    return re.sub(r".\x08", "", r.out)   # no overstrike (bold, underline)


def gwctl(*args):
    return run([lib.ARGS.gwctl, *args])


def synopses(help_text):
    """Synopsis lines of `gwctl help` output (indented), with continuation lines joined."""
    out = []
    for line in help_text.splitlines():
        if line.startswith("      ") and out:        # continuation of the previous synopsis
            out[-1] += " " + line.strip()
        elif line.startswith("  ") and not line.startswith("   "):
            out.append(line.strip())
    return out


@test("man pages render without warnings; gwctl --help, gwctl help and gwctl(8) show the same synopses")
def t_help_vs_man():
    man = norm(render("gwctl"))
    conf = norm(render("gatewayd.conf"))
    usage = gwctl("--help")
    check(usage.rc == 0 and usage.err == "", f"gwctl --help: {usage}")
    check(usage.out.startswith("usage: gwctl [--socket=PATH] [-j] [--timeout_ms=N] COMMAND...\n"), usage.out[:200])
    all_help = gwctl("help")
    check(all_help.rc == 0 and all_help.err == "", f"gwctl help: {all_help}")
    syn = synopses(all_help.out.split("\n", 1)[1])
    check(len(syn) >= 18, f"too few synopses in gwctl help: {syn}")
    check_eq(synopses(usage.out.split("commands:\n", 1)[1].split("\n\n")[0]), syn, "--help's commands vs help's")
    for s in syn:
        check(norm(s) in man, f"gwctl help shows {s!r}, gwctl(8) does not")
    for opt in ("--socket=PATH", "-j", "--batch=FILE", "--timeout_ms=N", "--help"):
        check(opt in usage.out and norm(opt) in man, f"option {opt} in --help and gwctl(8)")
    # Each topic: `gwctl help X` prints X's synopses, those of gwctl help; and the abbreviations.
    topics = {}
    for s in syn:
        topics.setdefault(s.split()[0], []).append(s)
    for topic, lines in topics.items():
        one = gwctl("help", topic)
        check(one.rc == 0 and one.err == "", f"gwctl help {topic}: {one}")
        check_eq(synopses(one.out.split("\n\n")[0]), lines, f"gwctl help {topic}")
        check(f"## {topic}" in open(os.path.join(SRC, "docs", "man", "gwctl.8.scd")).read(),
              f"gwctl(8) has no section for {topic}")
    check_eq(gwctl("help", "r").out, gwctl("help", "route").out, "gwctl help r")
    check_eq(gwctl("help", "neighbour").out, gwctl("help", "neigh").out, "gwctl help neighbour")
    bad = gwctl("help", "frobnicate")
    check_eq((bad.rc, bad.out, bad.err), (2, "", 'gwctl: no command "frobnicate" (gwctl help)\n'), "gwctl help frobnicate")
    # The configuration commands are gatewayd.conf(5)'s.
    for s in syn:
        if s.split()[1] in ("set", "add", "add|change", "add|replace", "del"):
            check(norm(s) in conf, f"{s!r} is not in gatewayd.conf(5)")


@test("every read gwctl help lists works on a running gateway")
def t_reads_work():
    gw = Gatewayd("reads").start()
    for words in (["link"], ["link", "show"], ["addr"], ["tunnel", "show"], ["route"], ["neigh", "show"],
                  ["stats"], ["stats", "--prometheus"], ["config", "show"], ["-j", "stats"]):
        r = gw.gwctl(*words)
        check(r.rc == 0 and r.err == "", f"gwctl {' '.join(words)}: {r}")
    gw.stop()


def gatewayd_flags():
    prefix = f"gwops_flags_{os.getpid()}"
    r = run([lib.ARGS.gatewayd, "-l", "0", "--no-huge", "--no-pci", "-m", "64", "--file-prefix", prefix,
             "--log-level=*:error", "--", "--helpxml"], timeout=120)
    run(["rm", "-rf", lib.runtime_dir(prefix)])
    # (gflags exits 1 after printing its help)
    check(r.rc in (0, 1) and r.out.startswith("<?xml") and "</AllFlags>" in r.out, f"gatewayd --helpxml: {r}")
    root = ET.fromstring(r.out)
    flags = {}
    for f in root.iter("flag"):
        file = f.findtext("file")
        if re.search(r"(^|/)(control|dataplane)/", file):   # ours, not gflags' own
            flags[f.findtext("name")] = f.findtext("default")
    check(len(flags) >= 30, f"too few flags of gatewayd's own: {sorted(flags)}")
    return flags


@test("every gatewayd flag is in gatewayd(8) and docs/configuration.md, with its default")
def t_flags():
    man = render("gatewayd")
    with open(os.path.join(SRC, "docs", "configuration.md")) as f:
        cfg = f.read()
    for name, default in gatewayd_flags().items():
        check(re.search(rf"--{name}\b", man), f"--{name} is not in gatewayd(8)")
        row = [l for l in cfg.splitlines() if l.startswith(f"| `--{name}` |")]
        check(row, f"--{name} has no row in docs/configuration.md 1.2")
        cell = row[0].split("|")[2].strip().strip("`")
        want = default if default != "" else "(none)"
        check(cell == want or (name == "socket" and cell == default),
              f"--{name}: docs/configuration.md says default {cell!r}, gatewayd {default!r}")


@test("every drop reason, with its description, is in gatewayd(8)")
def t_drop_reasons():
    man = norm(render("gatewayd"))
    with open(os.path.join(SRC, "dataplane", "drop_reason.h")) as f:
        text = f.read()
    body = text[text.index("#define GW_DROP_REASONS"):text.index("enum class Drop")]
    reasons = re.findall(r'X\((\w+),\s*"([^"]*)"\)', body)
    check(len(reasons) >= 20, f"could not read drop_reason.h: {reasons}")
    for name, desc in reasons:
        check(norm(f"{name} {desc}") in man.replace("│", " ").replace("  ", " ") or
              (name in man and norm(desc) in man), f"drop reason {name} ({desc}) is not in gatewayd(8)")


@test("every log event gatewayd emits is in gatewayd(8) and docs/operations.md")
def t_log_events():
    names = set()
    for d in ("control", "dataplane"):
        for fn in os.listdir(os.path.join(SRC, d)):
            if fn.endswith(".cc"):
                with open(os.path.join(SRC, d, fn)) as f:
                    text = f.read()
                for expr in re.findall(r"LogEvent\(\s*[^,]+,\s*([^,]+),", text):
                    names |= set(re.findall(r'"(\w+)"', expr))   # "name", or c ? "a" : "b"
    check({"command_applied", "config_saved", "port_up", "neigh_learned", "neigh_refreshed",
           "neigh_failed", "worker_stalled"} <= names, f"events read: {names}")
    man = render("gatewayd")
    with open(os.path.join(SRC, "docs", "operations.md")) as f:
        ops = f.read()
    for n in sorted(names):
        check(re.search(rf"\b{n}\b", man), f"event {n} is not in gatewayd(8)")
        check(re.search(rf"`{n}`", ops), f"event {n} is not in docs/operations.md")


def expand(pattern):
    """gatewayd_port_{rx,tx}_total{port} -> the names it stands for (labels dropped)."""
    pattern = re.sub(r"\{[a-z_]+\}$", "", pattern.strip())
    parts = re.split(r"\{([^}]*)\}", pattern)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return {"".join(c) for c in itertools.product(*choices)}


@test("every metric family of the exposition is in gatewayd(8) METRICS, and nothing more")
def t_metrics_doc():
    gw = Gatewayd("metricsdoc").start()
    prom = gw.ok("stats", "--prometheus")
    gw.stop()
    exposed = set(re.findall(r"^# TYPE (\S+) ", prom, re.M))
    man = render("gatewayd")
    block = man.split("METRICS", 1)[1].split("DPDK telemetry", 1)[0]
    documented = set()
    for line in block.splitlines():
        if line.strip().startswith("gatewayd_"):
            documented |= expand(line)
    check_eq(documented, exposed, "metric families: gatewayd(8) vs the exposition")


if __name__ == "__main__":
    sys.exit(main(__doc__))
