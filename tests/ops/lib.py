"""Shared pieces of the operations tests (tests/ops/*_test.py, meson suite `ops`).

Each test script registers its cases with @test, runs them in order with main(), prints PASS or
FAIL (with the reason) per case and "N passed, M failed" last; its exit status is non-zero when
anything failed. Every gatewayd a case starts has its own --file-prefix and directory, is stopped
with SIGTERM and must then exit 0 with "mempool: in_use=0" (Gatewayd.stop), and is killed if the
case fails first. Timeouts are generous: CI's machine has two cores, shared with other busy-polling
processes.
"""
import argparse
import os
import re
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
# with tests/gwctl; the cases import them from here.
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import gwtest  # noqa: E402
from gwtest import LIVE, Failure, check, clean_env, run, runtime_dir, wait_for  # noqa: E402,F401  (re-exported)

STARTUP_TIMEOUT = 90.0
EXIT_TIMEOUT = 60.0
GWCTL_TIMEOUT = 60.0

ARGS = None   # parsed by main(): .gatewayd, .gwctl, .build, .keep
TMP = None


def check_eq(actual, expected, what):
    """gwtest.check_eq showing both sides by repr(): the cases compare sets and bytes, and text
    whose exact whitespace matters."""
    gwtest.check_eq(actual, expected, what, show=repr)


class Gatewayd(gwtest.Gatewayd):
    """One gatewayd. eal: the EAL options (default: two net_null ports that receive nothing, no
    hugepages); flags: gatewayd's own; config: text of a --config file; env: extra variables."""
    exit_timeout = EXIT_TIMEOUT

    def __init__(self, label, flags=(), eal=None, config=None, env=None, socket_path=True):
        super().__init__(label, TMP, "gwops")
        self.sock = os.path.join(self.dir, "gw.sock") if socket_path else ""
        if eal is None:
            eal = ["-l", "0,1", "--no-huge", "--no-pci", "-m", "512",
                   "--vdev=net_null0,no-rx=1", "--vdev=net_null1,no-rx=1"]
        small = ["--tunnels=1024", "--routes=1024", "--routes6=1024", "--tbl8s=64", "--tbl8s6=64",
                 "--nexthops=1024", "--neighbours=1024"]
        self.cmd = [ARGS.gatewayd] + list(eal) + ["--file-prefix", self.prefix, "--",
                                                  f"--socket={self.sock}"] + small
        self.config_path = None
        if config is not None:
            self.config_path = os.path.join(self.dir, "gw.conf")
            with open(self.config_path, "w") as f:
                f.write(config)
            self.cmd.append(f"--config={self.config_path}")
        self.cmd += list(flags)
        self.env = clean_env(**(env or {}))
        self.write_cmdline()

    def start(self, wait=True):
        self.launch()
        if wait:
            self.wait_forwarding()
        return self

    def wait_forwarding(self):
        def ready():
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self._cleanup()
                raise Failure(f"gatewayd ({self.label}) exited with {rc} during startup\n"
                              f"stderr:\n{self.stderr()[-3000:]}\nstdout:\n{self.stdout()[-2000:]}")
            return "forwarding\n" in self.stdout()
        wait_for(ready, STARTUP_TIMEOUT, f"gatewayd ({self.label}) to print 'forwarding'")

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM; exit 0, mempool in_use=0. Returns stdout."""
        check(self.proc is not None, "gatewayd was never started")
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit()

    def wait_exit(self):
        rc = self.reap()
        out = self.stdout()
        check(rc == 0, f"gatewayd ({self.label}) exited with {rc}\nstderr:\n{self.stderr()[-3000:]}")
        self.check_mempool(out)
        return out

    def gwctl(self, *args, timeout=GWCTL_TIMEOUT):
        return run([ARGS.gwctl, f"--socket={self.sock}"] + list(args), timeout=timeout)


# ---- logfmt lines ("GATEWAYD: event=... k=v k=\"v w\"")

_PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')


def parse_logfmt(line):
    """{key: value} of one line, quotes and \\ escapes undone; None if it is not ours."""
    m = re.search(r"GATEWAYD: (event=.*)$", line)
    if not m:
        return None
    rest = m.group(1)
    out = {}
    pos = 0
    while pos < len(rest):
        while pos < len(rest) and rest[pos] == " ":
            pos += 1
        pm = _PAIR.match(rest, pos)
        if not pm:
            raise Failure(f"not logfmt at {rest[pos:]!r} in {line!r}")
        v = pm.group(2)
        if v.startswith('"'):
            v = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t", "r": "\r"}.get(e.group(1), e.group(1)),
                       v[1:-1])
        out[pm.group(1)] = v
        pos = pm.end()
    return out


def events(text, name=None):
    """The parsed GATEWAYD lines of `text` (optionally only those of one event)."""
    evs = [e for e in (parse_logfmt(l) for l in text.splitlines()) if e is not None]
    return [e for e in evs if name is None or e["event"] == name]


# ---- the machine

def free_tcp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Hugepages:
    """Reserves `pages` more 2 MiB hugepages and mounts a private hugetlbfs for the duration (CI has
    none; dpdk-dumpcap needs the primary on hugepages). Gives back exactly what it added."""
    NR = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

    def __init__(self, pages):
        self.pages = pages
        self.before = None
        self.mount = None

    def __enter__(self):
        with open(self.NR) as f:
            self.before = int(f.read())
        want = self.before + self.pages
        with open(self.NR, "w") as f:
            f.write(str(want))
        with open(self.NR) as f:
            got = int(f.read())
        if got < want:
            self._restore()
            raise Failure(f"could not reserve {self.pages} hugepages of 2 MiB (the kernel gave "
                          f"{got - self.before}); free memory or reserve them at boot")
        self.mount = tempfile.mkdtemp(prefix="gwops-huge-", dir=TMP)
        r = run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", self.mount])
        if r.rc != 0:
            self._restore()
            raise Failure(f"mount hugetlbfs on {self.mount}: {r}")
        return self

    def _restore(self):
        if self.mount:
            if run(["umount", self.mount]).rc != 0:
                run(["umount", "-l", self.mount])   # still busy: detach it, the kernel frees it later
            try:
                os.rmdir(self.mount)
            except OSError:
                pass
            self.mount = None
        with open(self.NR) as f:
            now = int(f.read())
        with open(self.NR, "w") as f:
            f.write(str(max(self.before, now - self.pages)))

    def __exit__(self, *exc):
        self._restore()


# ---- the runner

CASES = []


def test(name):
    def deco(fn):
        CASES.append((name, fn))
        return fn
    return deco


def main(description, extra_args=None):
    global ARGS, TMP
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--gatewayd", default=os.path.join(SRC, "build", "gatewayd"))
    ap.add_argument("--gwctl", default=os.path.join(SRC, "build", "gwctl"))
    ap.add_argument("--build", default=os.path.join(SRC, "build"), help="meson build dir")
    ap.add_argument("-k", action="append", default=[], help="only cases whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    if extra_args:
        extra_args(ap)
    ARGS = ap.parse_args()
    ARGS.gatewayd = os.path.abspath(ARGS.gatewayd)
    ARGS.gwctl = os.path.abspath(ARGS.gwctl)
    ARGS.build = os.path.abspath(ARGS.build)
    TMP = tempfile.mkdtemp(prefix="gwops-")
    passed = failed = 0
    try:
        for name, fn in CASES:
            if ARGS.k and not any(k in name for k in ARGS.k):
                continue
            t0 = time.monotonic()
            try:
                fn()
                passed += 1
                print(f"PASS {name} ({time.monotonic() - t0:.1f} s)", flush=True)
            except Exception as e:  # noqa: BLE001 (a case's crash is its failure)
                failed += 1
                detail = str(e) if isinstance(e, Failure) else traceback.format_exc()
                print(f"FAIL {name} ({time.monotonic() - t0:.1f} s)\n    "
                      + detail.replace("\n", "\n    "), flush=True)
            finally:
                for g in list(LIVE):
                    g.kill()
    finally:
        if ARGS.keep or failed:
            print(f"(files kept in {TMP})")
        else:
            shutil.rmtree(TMP, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0
