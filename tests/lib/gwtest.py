"""What the Python test suites share (tests/gwctl/gwlib.py, tests/ops/lib.py and, through gwlib,
tests/robust/robustlib.py): the checks, polling, subprocess helpers and the common part of a
gatewayd process. Standard library only (Debian's /usr/bin/python3).

It is not a package: a suite's module puts this directory on sys.path and imports `gwtest` (the
ops suite has a module of its own called `lib`, which a package `lib` would shadow):

    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
    import gwtest

Each suite keeps its own runner, timeouts and Gatewayd subclass (how the command line is built, how
startup and stop are awaited); what is here is what they did the same way.
"""
import json
import os
import re
import shutil
import subprocess
import time


class Failure(AssertionError):
    """A check that failed: the runners print its message instead of a traceback."""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def _as_json(v):
    return v if isinstance(v, str) else json.dumps(v, indent=1, sort_keys=True)


def check_eq(actual, expected, what, show=_as_json):
    """Fails with both sides, each shown by show(): by default a string as it is and anything else as
    indented JSON; a suite comparing sets or bytes passes show=repr."""
    if actual != expected:
        a = show(actual)
        e = show(expected)
        raise Failure(f"{what}:\n--- expected\n{e}\n--- actual\n{a}")


def wait_for(pred, timeout, what, interval=0.05):
    """Polls pred() until it returns something true (returned); fails with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------- subprocesses

def runtime_dir(prefix):
    """DPDK's runtime directory of a --file-prefix (where eal_get_runtime_dir puts it)."""
    if os.geteuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix)


def clean_env(**extra):
    """The environment for gatewayd and gwctl: no GATEWAYD_SOCKET and no systemd variables unless a
    test sets them."""
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


RUN_TIMEOUT = 60.0


def run(cmd, timeout=RUN_TIMEOUT, env=None, input=None):
    """Runs cmd to its end (stdin empty unless `input`, env clean_env() unless given): a Result."""
    p = subprocess.run(cmd, input=input, stdin=None if input is not None else subprocess.DEVNULL,
                       capture_output=True, env=env if env is not None else clean_env(),
                       timeout=timeout)
    return Result(p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"))


# --------------------------------------------------------------------------- gatewayd processes

LIVE = []   # every started gatewayd, so that a test that dies first still has them killed


class Gatewayd:
    """One gatewayd process with its own --file-prefix (STEM_PID_N) and directory TMP/NN_LABEL
    holding cmdline, stdout and stderr. A suite's subclass builds self.cmd (then write_cmdline()),
    may set self.env, and gives gwctl(), start() and stop(); exit_timeout is its wait for an exit."""
    count = 0
    exit_timeout = 30.0

    def __init__(self, label, tmp, stem):
        Gatewayd.count += 1
        self.label = label
        self.prefix = f"{stem}_{os.getpid()}_{Gatewayd.count}"
        self.dir = os.path.join(tmp, f"{Gatewayd.count:02d}_{label}")
        os.makedirs(self.dir)
        self.cmd = []
        self.env = None   # None: this process's environment
        self.out_path = os.path.join(self.dir, "stdout")
        self.err_path = os.path.join(self.dir, "stderr")
        self.proc = None

    def write_cmdline(self):
        with open(os.path.join(self.dir, "cmdline"), "w") as f:
            f.write(" ".join(self.cmd) + "\n")

    def launch(self):
        """Starts the process (stdout and stderr to their files) without waiting for anything."""
        with open(self.out_path, "wb") as fo, open(self.err_path, "wb") as fe:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe,
                                         env=self.env)
        LIVE.append(self)

    def run_to_exit(self, timeout=None):
        """For a gatewayd expected to fail at startup: run it, return (exit status, stderr)."""
        timeout = self.exit_timeout if timeout is None else timeout
        self.launch()
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f"gatewayd ({self.label}) kept running; it was expected to fail")
        self._cleanup()
        return rc, self.stderr()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def reap(self):
        """Waits up to exit_timeout s for the exit a signal asked for (kills it and fails past
        that); removes the runtime directory. Returns the exit status."""
        try:
            rc = self.proc.wait(timeout=self.exit_timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure(f"gatewayd ({self.label}) did not exit within {self.exit_timeout:.0f} s of SIGTERM")
        self._cleanup()
        return rc

    def check_mempool(self, out):
        """The last 'mempool: in_use=N total=N' line of stdout `out` says in_use=0: no mbuf leaked."""
        m = re.findall(r"^mempool: in_use=(\d+) total=(\d+)$", out, re.M)
        check(m, f"gatewayd ({self.label}): no 'mempool: in_use=N total=N' line in stdout:\n{out[-2000:]}")
        check(m[-1][0] == "0", f"gatewayd ({self.label}): mbuf leak, mempool in_use={m[-1][0]}")

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

    def ok(self, *args):
        """A gwctl command (the subclass's gwctl()) that must succeed: exit 0, nothing on stderr.
        Returns stdout."""
        r = self.gwctl(*args)
        if r.rc != 0 or r.err:
            raise Failure(f"gwctl {' '.join(args)}: {r}")
        return r.out
