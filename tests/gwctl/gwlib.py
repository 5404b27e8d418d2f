#!/usr/bin/python3
"""What the gwctl test files share: gatewayd processes, a raw client of the control socket, the
test runner, and the checks and helpers the tests have in common.

The tests are one file per area, each runnable on its own (Debian's /usr/bin/python3, standard
library only), against real gatewayd processes on two net_null ports:

    /usr/bin/python3 tests/gwctl/AREA_test.py --build build [-k SUBSTRING] [--keep] [--list]

Every test prints PASS or FAIL (with the reason); the last line is "N passed, M failed" and the
exit status is non-zero when anything failed. Most tests share one gatewayd per file (started on
first use, no --config); each such test must leave it as it found it: after every one the runner
compares `config show` with the empty running configuration. Tests that need other flags start
their own. Every gatewayd must exit 0 on SIGTERM with "mempool: in_use=0" in its stdout.

A test file registers its tests with `@test(name, shared=...)` and ends with
`sys.exit(gwlib.main(__doc__))`. main() sets TMP (the run's temporary directory) and BULK_N: a
test reads them as gwlib.TMP and gwlib.BULK_N.
"""
import argparse
import ipaddress
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

# The checks, subprocess helpers and the common part of Gatewayd are tests/lib/gwtest.py's, shared
# with tests/ops; the tests import them from here.
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import gwtest  # noqa: E402
from gwtest import LIVE, Failure, check, check_eq, clean_env, run, runtime_dir  # noqa: E402,F401  (re-exported)

GATEWAYD = GWCTL = None   # set by main()
TMP = None
BULK_N = 100000

BASE_CONFIG = "# gatewayd running configuration\n"
STARTUP_TIMEOUT = 60.0
EXIT_TIMEOUT = 30.0
GWCTL_TIMEOUT = 120.0


# --------------------------------------------------------------------------- gatewayd processes

def run_gwctl(args, env=None, timeout=GWCTL_TIMEOUT):
    return run([GWCTL] + list(args), timeout=timeout, env=env)


class Gatewayd(gwtest.Gatewayd):
    """A gatewayd on two net_null ports that receive nothing (no hugepages, no PCI), answering on
    its own control socket; `flags` are gatewayd's own, `config` a --config path."""
    exit_timeout = EXIT_TIMEOUT

    def __init__(self, label, flags=(), config=None, mem=512):
        super().__init__(label, TMP, "gwctl")
        self.sock = os.path.join(self.dir, "gw.sock")
        self.config_path = config
        self.cmd = [GATEWAYD, "-l", "0,1", "--no-huge", "--no-pci", "-m", str(mem),
                    "--file-prefix", self.prefix, "--log-level=*:warning",
                    "--vdev=net_null0,no-rx=1", "--vdev=net_null1,no-rx=1", "--",
                    f"--socket={self.sock}", "--idle_sleep_us=100"]
        if config:
            self.cmd.append(f"--config={config}")
        self.cmd += list(flags)
        self.write_cmdline()

    # -- lifecycle
    def start(self):
        self.launch()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self._cleanup()
                raise Failure(f"gatewayd ({self.label}) exited with {rc} during startup\n"
                              f"stderr:\n{self.stderr()}\nstdout:\n{self.stdout()}")
            if os.path.exists(self.sock) and run_gwctl([f"--socket={self.sock}", "link", "show"]).rc == 0:
                break
            if time.monotonic() > deadline:
                self.kill()
                raise Failure(f"gatewayd ({self.label}) did not answer on {self.sock} within "
                              f"{STARTUP_TIMEOUT:.0f} s\nstderr:\n{self.stderr()}")
            time.sleep(0.05)
        self.ports = self.js("link", "show")
        return self

    def stop(self):
        """SIGTERM; require exit 0, mempool in_use=0 and the socket removed."""
        check(self.proc is not None, "gatewayd was never started")
        if self.proc.poll() is not None:
            rc = self.proc.returncode
            self._cleanup()
            raise Failure(f"gatewayd ({self.label}) had already exited with {rc}\n"
                          f"stderr:\n{self.stderr()}")
        self.proc.send_signal(signal.SIGTERM)
        rc = self.reap()
        out = self.stdout()
        check(rc == 0, f"gatewayd ({self.label}) exited with {rc} after SIGTERM\nstderr:\n{self.stderr()}")
        self.check_mempool(out)
        check(not os.path.exists(self.sock), f"gatewayd ({self.label}) left its socket {self.sock} behind")

    # -- gwctl
    def gwctl(self, *args, env=None, timeout=GWCTL_TIMEOUT):
        return run_gwctl([f"--socket={self.sock}"] + list(args), env=env, timeout=timeout)

    def js(self, *args):
        out = self.ok("-j", *args)
        try:
            return json.loads(out)
        except ValueError as e:
            raise Failure(f"gwctl -j {' '.join(args)}: not JSON ({e}): {out[:500]!r}")

    def fail(self, *args):
        r = self.gwctl(*args)
        check(r.rc != 0, f"gwctl {' '.join(args)} succeeded; expected a failure: {r}")
        return r

    def batch(self, text, name="batch.conf"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path, self.gwctl(f"--batch={path}")

    def batch_ok(self, text):
        path, r = self.batch(text)
        n = sum(1 for ln in text.splitlines() if ln.split("#")[0].strip())
        want = f"gwctl: {n} command(s) applied from {path}\n"
        if r.rc != 0 or r.err != want:
            raise Failure(f"gwctl --batch ({n} commands): {r}")
        return r.out

    def config(self):
        return self.ok("config", "show")

    def wipe(self):
        """Remove everything the tests may have configured (used only to recover after a failure)."""
        lines = []
        for n in self.js("neigh", "show"):
            lines.append(f"neigh del {n['dst']} dev {n['dev']}")
        for t in self.js("tunnel", "show"):
            lines.append(f"tunnel del {t['name']}")
        for ln in lines:
            self.gwctl(*ln.split())
        for a in self.js("addr", "show"):
            self.gwctl("addr", "del", a["local"], "dev", a["dev"])
        for r in self.js("route", "show"):
            self.gwctl("route", "del", r["prefix"])
        for p in self.ports:
            self.gwctl("link", "set", p["name"], "mtu", str(p["mtu"]), "up" if p["up"] else "down")

    # -- raw socket
    def conn(self, timeout=10.0):
        return Conn(self.sock, timeout)


class Conn:
    """A raw client of the control protocol: `[-j] COMMAND\\n` in, `ok|error <len>\\n<body>` out."""

    def __init__(self, path, timeout=10.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # A blocking connect, as gwctl's: when the listen backlog is full it waits for the daemon
        # to accept (a socket with a timeout is non-blocking and would get EAGAIN instead).
        self.s.connect(path)
        self.s.settimeout(timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data if isinstance(data, bytes) else data.encode())

    def reply(self):
        """Next framed reply as (kind, body bytes); None if the daemon closed first."""
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                head = self.buf[:nl].split(b" ")
                check(len(head) == 2 and head[0] in (b"ok", b"error") and head[1].isdigit(),
                      f"malformed reply header {self.buf[:nl][:200]!r}")
                n = int(head[1])
                if len(self.buf) >= nl + 1 + n:
                    body = self.buf[nl + 1:nl + 1 + n]
                    self.buf = self.buf[nl + 1 + n:]
                    return head[0].decode(), body
            chunk = self.s.recv(1 << 20)
            if not chunk:
                check(not self.buf, f"connection closed in the middle of a reply: {self.buf[:200]!r}")
                return None
            self.buf += chunk

    def request(self, line):
        self.send(line + "\n")
        r = self.reply()
        check(r is not None, f"daemon closed the connection instead of answering {line!r}")
        return r

    def at_eof(self):
        """True if the daemon closed the connection (after any replies already read)."""
        if self.buf:
            return False
        try:
            return self.s.recv(1) == b""
        except ConnectionResetError:
            return True

    def close(self):
        self.s.close()


# --------------------------------------------------------------------------- the test runner

TESTS = []   # (name, fn, uses_shared)


def test(name, shared=False):
    def deco(fn):
        TESTS.append((name, fn, shared))
        return fn
    return deco


_shared = None


def shared():
    global _shared
    if _shared is None:
        _shared = Gatewayd("shared").start()
        check_eq(_shared.config(), BASE_CONFIG, "config show of a gatewayd started without --config")
    return _shared


def still_serving(gw):
    """The daemon answers a normal gwctl link show."""
    out = gw.ok("link", "show")
    check("port0" in out and "port1" in out, f"gwctl link show lost the ports: {out!r}")


# --------------------------------------------------------------------------- helpers of the tests

def port(gw, name):
    for p in gw.ports:
        if p["name"] == name:
            return dict(p)
    raise Failure(f"no port {name}")


def tunnel_json(name, local, mode="ipip", remote="any", ttl="inherit", tos=0, pmtudisc=True,
                dev=None, mtu=1480, up=False, outer=4, encaplimit=None, pmtu=()):
    """`gwctl -j tunnel show`'s object; outer 6 (ip6tnl) with encaplimit a number or "none";
    pmtu: the path MTUs learned from ICMP (none in these tests: no underlay answers)."""
    return {"name": name, "mode": mode, "local": local, "remote": remote, "ttl": ttl, "tos": tos,
            "pmtudisc": pmtudisc, "outer": outer, "encaplimit": encaplimit, "dev": dev, "mtu": mtu,
            "up": up, "pmtu": list(pmtu)}


def by_name(items):
    out = {}
    for x in items:
        check(x["name"] not in out, f"{x['name']} listed twice")
        out[x["name"]] = x
    return out


def link_of_tunnel(t):
    return {"name": t["name"], "kind": "tunnel", "mac": None, "mtu": t["mtu"], "up": t["up"]}


def route_json(prefix, dev, via=None, proto="static", onlink=False):
    return {"prefix": prefix, "dev": dev, "via": via, "proto": proto, "onlink": onlink}


def route_sort(routes):
    def key(r):
        n = ipaddress.ip_network(r["prefix"])
        return (n.version, n.network_address.packed, n.prefixlen)
    return sorted(routes, key=key)


def neigh_sort(ns):
    def key(n):
        a = ipaddress.ip_address(n["dst"])
        return (n["dev"], a.version, a.packed)
    return sorted(ns, key=key)


def check_text_names(gw, obj, names, absent=()):
    out = gw.ok(obj, "show")
    check(out.strip(), f"gwctl {obj} show printed nothing")
    for n in names:
        check(n in out, f"gwctl {obj} show does not name {n!r}:\n{out}")
    for n in absent:
        check(n not in out, f"gwctl {obj} show still names {n!r}:\n{out}")
    return out


# --------------------------------------------------------------------------- main

def main(doc=__doc__):
    """Parse the command line, run the registered tests, report. Returns the exit status."""
    global GATEWAYD, GWCTL, TMP, BULK_N, _shared
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(SRC, "build"), help="meson build dir")
    ap.add_argument("-k", action="append", default=[], help="run only tests whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--bulk", type=int, default=BULK_N, help="tunnels/routes of the bulk test")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    GATEWAYD = os.path.join(os.path.abspath(args.build), "gatewayd")
    GWCTL = os.path.join(os.path.abspath(args.build), "gwctl")
    BULK_N = args.bulk
    selected = [t for t in TESTS if not args.k or any(k in t[0] for k in args.k)]
    if args.list:
        for name, _, _ in selected:
            print(name)
        return 0
    for b in (GATEWAYD, GWCTL):
        if not os.access(b, os.X_OK):
            print(f"missing binary {b} (build first)")
            print("0 passed, 1 failed")
            return 1
    TMP = tempfile.mkdtemp(prefix="gwctl_test_")
    passed, failed = 0, []
    t_start = time.monotonic()

    def record(name, fn):
        nonlocal passed
        t0 = time.monotonic()
        try:
            fn()
        except Exception as e:   # noqa: BLE001 -- every failure is reported, the run goes on
            failed.append(name)
            print(f"FAIL {name} ({time.monotonic() - t0:.1f} s)")
            detail = str(e) if isinstance(e, Failure) else traceback.format_exc()
            for ln in detail.rstrip().splitlines():
                print("    " + ln)
            return False
        passed += 1
        print(f"PASS {name} ({time.monotonic() - t0:.1f} s)")
        return True

    def stop_shared():
        global _shared
        gw, _shared = _shared, None
        gw.stop()

    try:
        for name, fn, uses_shared in selected:
            ok = record(name, fn)
            sys.stdout.flush()
            if uses_shared and _shared is not None:
                if not _shared.alive():
                    record(f"{name}: the shared gatewayd is still running", stop_shared)
                    continue
                cfg = _shared.gwctl("config", "show")
                if cfg.rc != 0 or cfg.out != BASE_CONFIG:
                    if ok:
                        failed.append(name)
                        passed -= 1
                        print(f"FAIL {name}: it left state behind:\n{cfg.out}")
                    _shared.wipe()
                    if _shared.gwctl("config", "show").out != BASE_CONFIG:
                        record(f"shared gatewayd exits cleanly (restarted after {name})", stop_shared)
        if _shared is not None:
            record("shared gatewayd: exit 0 and mempool in_use=0 on SIGTERM", stop_shared)
    finally:
        for gw in list(LIVE):
            gw.kill()
    print(f"total {time.monotonic() - t_start:.1f} s")
    if failed:
        print("failed:")
        for n in failed:
            print("  " + n)
        print(f"files kept in {TMP}")
    elif args.keep:
        print(f"files kept in {TMP}")
    else:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0
