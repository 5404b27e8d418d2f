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
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

STARTUP_TIMEOUT = 90.0
EXIT_TIMEOUT = 60.0
GWCTL_TIMEOUT = 60.0

ARGS = None   # parsed by main(): .gatewayd, .gwctl, .build, .keep
TMP = None


class Failure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def check_eq(actual, expected, what):
    if actual != expected:
        raise Failure(f"{what}:\n--- expected\n{expected!r}\n--- actual\n{actual!r}")


def wait_for(pred, timeout, what, interval=0.05):
    """Polls pred() until it returns something true; fails with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def runtime_dir(prefix):
    return os.path.join("/var/run/dpdk", prefix)


def clean_env(**extra):
    """The environment for gatewayd and gwctl: no systemd variables unless a case sets them."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM",
                        "GATEWAYD_SOCKET")}
    env.update(extra)
    return env


class Result:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return f"rc={self.rc} stdout={self.out[:2000]!r} stderr={self.err[:2000]!r}"


def run(cmd, timeout=GWCTL_TIMEOUT, env=None, input=None):
    p = subprocess.run(cmd, input=input, stdin=None if input is not None else subprocess.DEVNULL,
                       capture_output=True, env=env if env is not None else clean_env(),
                       timeout=timeout)
    return Result(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


LIVE = []   # started gatewayds, killed if a case dies


class Gatewayd:
    """One gatewayd. eal: the EAL options (default: two net_null ports that receive nothing, no
    hugepages); flags: gatewayd's own; config: text of a --config file; env: extra variables."""
    count = 0

    def __init__(self, label, flags=(), eal=None, config=None, env=None, socket_path=True):
        Gatewayd.count += 1
        self.label = label
        self.prefix = f"gwops_{os.getpid()}_{Gatewayd.count}"
        self.dir = os.path.join(TMP, f"{Gatewayd.count:02d}_{label}")
        os.makedirs(self.dir)
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
        self.out_path = os.path.join(self.dir, "stdout")
        self.err_path = os.path.join(self.dir, "stderr")
        self.proc = None
        with open(os.path.join(self.dir, "cmdline"), "w") as f:
            f.write(" ".join(self.cmd) + "\n")

    def start(self, wait=True):
        with open(self.out_path, "wb") as fo, open(self.err_path, "wb") as fe:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                         env=self.env)
        LIVE.append(self)
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

    def run_to_exit(self, timeout=EXIT_TIMEOUT):
        """For a gatewayd expected to fail at startup: (exit status, stderr)."""
        self.start(wait=False)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f"gatewayd ({self.label}) kept running; it was expected to fail")
        self._cleanup()
        return rc, self.stderr()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)

    def stop(self):
        """SIGTERM; exit 0, mempool in_use=0. Returns stdout."""
        check(self.proc is not None, "gatewayd was never started")
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait_exit()

    def wait_exit(self):
        try:
            rc = self.proc.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f"gatewayd ({self.label}) did not exit within {EXIT_TIMEOUT:.0f} s of SIGTERM")
        self._cleanup()
        out = self.stdout()
        check(rc == 0, f"gatewayd ({self.label}) exited with {rc}\nstderr:\n{self.stderr()[-3000:]}")
        m = re.findall(r"^mempool: in_use=(\d+) total=(\d+)$", out, re.M)
        check(m, f"gatewayd ({self.label}): no 'mempool: in_use=N total=N' in stdout:\n{out[-2000:]}")
        check(m[-1][0] == "0", f"gatewayd ({self.label}): mbuf leak, mempool in_use={m[-1][0]}")
        return out

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._cleanup()

    def _cleanup(self):
        if self in LIVE:
            LIVE.remove(self)
        rt = runtime_dir(self.prefix)
        if os.path.basename(rt) == self.prefix and os.path.isdir(rt):
            shutil.rmtree(rt, ignore_errors=True)

    def stdout(self):
        with open(self.out_path, errors="replace") as f:
            return f.read()

    def stderr(self):
        with open(self.err_path, errors="replace") as f:
            return f.read()

    def gwctl(self, *args, timeout=GWCTL_TIMEOUT):
        return run([ARGS.gwctl, f"--socket={self.sock}"] + list(args), timeout=timeout)

    def ok(self, *args):
        """A gwctl command that must succeed: exit 0, nothing on stderr. Returns stdout."""
        r = self.gwctl(*args)
        if r.rc != 0 or r.err:
            raise Failure(f"gwctl {' '.join(args)}: {r}")
        return r.out


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
