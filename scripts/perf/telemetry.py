"""DPDK telemetry (v2) client for the perf runner: one SOCK_SEQPACKET connection, one JSON reply
per command. Works for any DPDK process (gatewayd's /gateway/stats, testpmd's /ethdev/stats,N).
"""
import json
import os
import socket
import time


def socket_path(prefix):
    return os.path.join("/var/run/dpdk" if os.geteuid() == 0 else
                        os.environ.get("XDG_RUNTIME_DIR", "/tmp") + "/dpdk",
                        prefix, "dpdk_telemetry.v2")


class Telemetry:
    def __init__(self, prefix):
        self.prefix = prefix
        self.sock = None
        self.version = None

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(5.0)
        s.connect(socket_path(self.prefix))
        greeting = json.loads(s.recv(65536).decode())
        self.version = greeting.get("version")
        self.sock = s

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def query(self, cmd):
        """The reply's value for cmd (None if the command answers null)."""
        if self.sock is None:
            self.connect()
        self.sock.send(cmd.encode())
        return json.loads(self.sock.recv(1 << 20).decode())[cmd.split(",")[0]]

    def timed(self, cmds):
        """Queries cmds back to back; returns (midpoint time, [values])."""
        t0 = time.monotonic()
        vals = [self.query(c) for c in cmds]
        return (t0 + time.monotonic()) / 2, vals


def wait_for(prefix, cmd, ready, timeout, alive):
    """Polls cmd until ready(value) is true; alive() false or the timeout raise RuntimeError."""
    deadline = time.monotonic() + timeout
    t = Telemetry(prefix)
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("process exited")
        try:
            v = t.query(cmd)
            if ready(v):
                return t
        except (OSError, ValueError, KeyError, TypeError):
            t.close()
        time.sleep(0.1)
    t.close()
    raise RuntimeError("no answer to %s within %.0f s" % (cmd, timeout))
