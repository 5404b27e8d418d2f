#!/usr/bin/python3
"""What the fault-injection and door tests share, on top of tests/gwctl/gwlib.py (the gatewayd
processes, the raw socket client, the runner) and tests/lib/gwtest.py (the checks, wait_for):

  - gatewayd() : a gwlib.Gatewayd with the ports a test names (net_pcap, net_tap, net_memif, ...)
                 instead of gwlib's two net_null ports;
  - Telemetry  : /gateway/stats over DPDK's telemetry socket, which does not go through the control
                 socket (so it measures forwarding while the control socket is abused);
  - Netns      : network namespaces and the taps moved into them, created with names that carry
                 the test's pid and removed on every exit path;
  - pcap       : frames built with scapy and written to a pcap for net_pcap's rx_pcap.

Every process and namespace a test makes is stopped and removed by the runner, on failure too.
"""
import atexit
import json
import os
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "gwctl"))

import gwlib  # noqa: E402  (it puts tests/lib on sys.path: gwtest)
from gwtest import Failure, check, check_eq, wait_for  # noqa: E402,F401


# Small tables: startup takes ~1 s instead of ~4 s (the default tables are ~272 MiB to clear).
# A test's own flags come after these, and gflags takes the last value given.
SMALL_TABLES = ["--routes=1024", "--routes6=64", "--tbl8s=64", "--tbl8s6=16", "--tunnels=64",
                "--nexthops=64", "--neighbours=1024"]


# net_null ports hold no RX ring: a small pool is enough, and starts ~30 % faster again.
SMALL_POOL = ["--mbufs=2048", "--rxd=64", "--txd=64"]


def small(label, flags=(), config=None):
    """A gwlib.Gatewayd on gwlib's two net_null ports, with small tables and pool; not started."""
    return gwlib.Gatewayd(label, flags=SMALL_TABLES + SMALL_POOL + list(flags), config=config)


def gatewayd(label, vdevs, flags=(), config=None, mem=512, idle_sleep_us=100):
    """A gwlib.Gatewayd on the given --vdev arguments (without the '--vdev='), with small tables;
    not started."""
    gw = gwlib.Gatewayd(label, flags=SMALL_TABLES + list(flags), config=config, mem=mem)
    cmd = [a for a in gw.cmd if not a.startswith("--vdev=net_null")]
    cut = cmd.index("--")
    cmd = cmd[:cut] + [f"--vdev={v}" for v in vdevs] + cmd[cut:]
    if idle_sleep_us != 100:
        cmd = [a if a != "--idle_sleep_us=100" else f"--idle_sleep_us={idle_sleep_us}" for a in cmd]
    gw.cmd = cmd
    gw.write_cmdline()
    return gw


def stderr_line(err):
    """gatewayd's own error line (EAL and drivers may have printed before it): exactly one."""
    lines = [ln for ln in err.splitlines() if ln.startswith("gatewayd: ")]
    check(len(lines) == 1, f"expected one 'gatewayd: ' line on stderr, got {lines!r}\n{err}")
    return lines[0]


# --------------------------------------------------------------------------- telemetry

class Telemetry:
    """DPDK's telemetry socket of one gatewayd (its --file-prefix)."""

    def __init__(self, prefix):
        self.path = os.path.join(gwlib.runtime_dir(prefix), "dpdk_telemetry.v2")
        self.sock = None

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def stats(self, timeout=30.0):
        """/gateway/stats, retried until the socket answers."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.sock is None:
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                    s.settimeout(5.0)
                    s.connect(self.path)
                    s.recv(65536)
                    self.sock = s
                self.sock.send(b"/gateway/stats")
                data = self.sock.recv(1 << 20)
                if not data:
                    raise OSError("closed")
                v = json.loads(data.decode()).get("/gateway/stats")
                if v is not None:
                    return v
            except (OSError, ValueError):
                self.close()
            if time.monotonic() > deadline:
                raise Failure(f"no /gateway/stats from {self.path} within {timeout:.0f} s")
            time.sleep(0.1)

    def rate(self, seconds):
        """Packets processed per second over a window of `seconds` (wall clock)."""
        a = self.stats()
        t0 = time.monotonic()
        time.sleep(seconds)
        b = self.stats()
        dt = time.monotonic() - t0
        return (b["processed"] - a["processed"]) / dt


# --------------------------------------------------------------------------- namespaces

def sh(*args, check_rc=True, timeout=60, input=None):
    p = subprocess.run(list(args), capture_output=True, timeout=timeout, input=input)
    if check_rc and p.returncode != 0:
        raise Failure(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode(errors="replace")


_NETNS = []


class Netns:
    """A network namespace named robust-PID-N-LABEL, deleted by close() or at exit."""
    count = 0

    def __init__(self, label):
        check(os.geteuid() == 0, "network namespaces need root")
        Netns.count += 1
        self.name = f"gwr-{os.getpid()}-{Netns.count}-{label}"
        sh("ip", "netns", "add", self.name)
        _NETNS.append(self)
        self.ip("link", "set", "lo", "up")
        # No IPv6 chatter (router solicitations, MLD) in the counters.
        self.run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                 "net.ipv6.conf.default.disable_ipv6=1", check_rc=False)
        self.procs = []

    def ip(self, *args, check_rc=True):
        return sh("ip", "-n", self.name, *args, check_rc=check_rc)

    def run(self, *args, check_rc=True, timeout=60):
        return sh("ip", "netns", "exec", self.name, *args, check_rc=check_rc, timeout=timeout)

    def popen(self, *args, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", self.name] + list(args), **kw)
        self.procs.append(p)
        return p

    def adopt(self, tap, addr, mac, mtu=1500):
        """Moves the kernel side of a DPDK net_tap into this namespace and configures it."""
        wait_for(lambda: subprocess.run(["ip", "link", "show", "dev", tap],
                                        capture_output=True).returncode == 0, 30, f"tap {tap}")
        sh("ip", "link", "set", "dev", tap, "netns", self.name)
        self.ip("link", "set", "dev", tap, "address", mac, "mtu", str(mtu))
        self.ip("addr", "add", addr, "dev", tap)
        self.ip("link", "set", "dev", tap, "up")

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.procs = []
        pids = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), 9)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        if self in _NETNS:
            _NETNS.remove(self)


@atexit.register
def _remove_namespaces():
    for n in list(_NETNS):
        n.close()


def tap_name(label):
    """A tap name of at most 15 characters, unique to this test process."""
    return f"gwr{os.getpid() % 100000}{label}"[:15]


# --------------------------------------------------------------------------- packets

def write_pcap(path, frames):
    from scapy.all import wrpcap
    wrpcap(path, frames)
