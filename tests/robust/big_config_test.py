#!/usr/bin/python3
"""A config of 1,000,000 lines with one bad line at the end: refused with FILE:LINE: and the
token, and nothing half-applied.

  - at startup: gatewayd exits 1 with "gatewayd: FILE:1000000: ..." and never forwards nor opens
    its socket (the whole file is applied before anything starts, so nothing is half-applied);
  - at runtime, gwctl --batch: every line is parsed before the first is sent, so a line that does
    not parse is refused with nothing applied;
  - at runtime, a line that parses but fails when applied (an unknown device: it depends on the
    running state) stops the batch there; the lines before it stay applied, and gwctl says how
    many (docs/configuration.md 7 says so: --batch is not a transaction).

    /usr/bin/python3 tests/robust/big_config_test.py --build build [-k SUBSTRING] [--keep] [--list]
"""
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import robustlib  # noqa: E402
from robustlib import check, check_eq, gwlib, stderr_line  # noqa: E402
from gwlib import BASE_CONFIG, test  # noqa: E402
from robustlib import small as Gatewayd  # noqa: E402

N = 1_000_000
FLAGS = ["--routes=65536", "--tbl8s=256", "--tunnels=4096", "--nexthops=4096"]


def big_config(last_line, n=N):
    """n lines: 1000 tunnels, 20000 routes through them, comments and blank lines, and link set
    lines (cheap to apply) up to line n-1; `last_line` is line n."""
    lines = ["# a big gateway"]
    for i in range(1000):
        lines.append(f"tunnel add t{i} mode ipip remote 100.64.{i // 256}.{i % 256} local 10.0.0.1")
        lines.append(f"link set t{i} up")
    for i in range(20000):
        lines.append(f"route add 172.16.{i // 256}.{i % 256}/32 dev t{i % 1000}")
    i = 0
    while len(lines) < n - 1:
        lines.append("" if i % 100 == 0 else ("# a comment" if i % 100 == 1 else f"link set port{i % 2} up"))
        i += 1
    lines.append(last_line)
    check_eq(len(lines), n, "lines in the config")
    return "\n".join(lines) + "\n"


def write(name, text):
    d = os.path.join(gwlib.TMP, "big")
    os.makedirs(d, mode=0o755, exist_ok=True)
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


BAD_SYNTAX = "route add 10.0.0.0/8 dev port0 bogus"
BAD_SYNTAX_MSG = 'unknown word "bogus" in route'


@test("1M-line config, bad last line, at startup: exit 1 with FILE:1000000:, never forwards")
def t_startup():
    path = write("startup.conf", big_config(BAD_SYNTAX))
    gw = Gatewayd("big_startup", config=path, flags=FLAGS)
    t0 = time.monotonic()
    rc, err = gw.run_to_exit(timeout=600)
    dt = time.monotonic() - t0
    check(rc == 1, f"gatewayd exited {rc}; stderr:\n{err}")
    check_eq(stderr_line(err), f"gatewayd: {path}:{N}: {BAD_SYNTAX_MSG}", "the error line")
    out = gw.stdout()
    check("forwarding" not in out, f"gatewayd said it was forwarding:\n{out}")
    check(not os.path.exists(gw.sock), "the control socket was opened")
    print(f"    (refused at line {N} in {dt:.1f} s, startup included)")


@test("1M-line --batch, last line does not parse: exit 1 with FILE:1000000:, nothing applied")
def t_batch_syntax():
    path = write("batch_syntax.conf", big_config(BAD_SYNTAX))
    gw = Gatewayd("big_batch_syntax", flags=FLAGS).start()
    try:
        t0 = time.monotonic()
        r = gw.gwctl(f"--batch={path}", timeout=600)
        dt = time.monotonic() - t0
        check(r.rc == 1 and r.out == "", f"gwctl --batch: {r}")
        check_eq(r.err, f"gwctl: {path}:{N}: {BAD_SYNTAX_MSG} (nothing applied: every line is "
                        f"checked before the first is sent)\n", "gwctl's error")
        check_eq(gw.config(), BASE_CONFIG, "running config after the refused batch")
        print(f"    (refused in {dt:.1f} s, nothing sent)")
    finally:
        gw.stop()


@test("1M-line --batch, last line fails when applied: exit 1 with FILE:1000000:, the lines before applied")
def t_batch_apply():
    path = write("batch_apply.conf", big_config("route add 10.0.0.0/8 dev nosuchdev"))
    gw = Gatewayd("big_batch_apply", flags=FLAGS).start()
    try:
        t0 = time.monotonic()
        r = gw.gwctl(f"--batch={path}", timeout=900)
        dt = time.monotonic() - t0
        commands = sum(1 for ln in open(path) if ln.split("#")[0].strip())
        check(r.rc == 1 and r.out == "", f"gwctl --batch: {r}")
        check_eq(r.err, f'gwctl: {path}:{N}: unknown device "nosuchdev" ({commands - 1} command(s) '
                        f'before it applied, none after)\n', "gwctl's error")
        check_eq(len(gw.js("tunnel", "show")), 1000, "tunnels applied before the failing line")
        check_eq(len(gw.js("route", "show")), 20000, "routes applied before the failing line")
        print(f"    ({commands - 1} commands applied in {dt:.1f} s before line {N} failed)")
    finally:
        gw.stop()


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
