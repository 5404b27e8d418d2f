#!/usr/bin/python3
"""The systemd notify protocol of gatewayd (gatewayd(8), SYSTEMD), without systemd: the test plays
the service manager with a Unix datagram socket of its own as $NOTIFY_SOCKET and reads what
gatewayd sends (sd_notify(3) datagrams: NAME=value lines).

    /usr/bin/python3 tests/ops/notify_test.py [--gatewayd build/gatewayd] [-k NAME]

Checked: READY=1 arrives only after "forwarding" is on stdout, with a STATUS= line that counts the
ports and tunnels; with $WATCHDOG_USEC, WATCHDOG=1 every half period; a worker stalled by the
test-only flag stops the pings (and the log says which lcore); SIGTERM brings STOPPING=1 and a clean
exit; without $WATCHDOG_USEC there are no pings; without $NOTIFY_SOCKET nothing breaks.
(systemd is not PID 1 where the tests run, so a real `systemd-run -p Type=notify` is not used.)
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Gatewayd, check, check_eq, events, main, test, wait_for  # noqa: E402
import lib  # noqa: E402

CONFIG = """\
addr add 10.65.132.187/24 dev port0
tunnel add t1 mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add t2 mode ipip remote 10.65.132.189 local 10.65.132.187
link set t1 up
"""


class FakeManager:
    """The service manager's end of $NOTIFY_SOCKET: every datagram, with its arrival time."""

    def __init__(self):
        self.path = os.path.join(lib.TMP, f"notify-{time.monotonic_ns()}.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.1)
        self.messages = []   # (monotonic time, {NAME: value})

    def poll(self, gw=None):
        while True:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return
            fields = dict(line.split("=", 1) for line in data.decode().split("\n") if "=" in line)
            stdout = gw.stdout() if gw is not None else ""
            self.messages.append((time.monotonic(), fields, stdout))

    def wait(self, name, timeout, gw=None):
        def got():
            self.poll(gw)
            return [m for m in self.messages if name in m[1]]
        return wait_for(got, timeout, f"{name} on $NOTIFY_SOCKET")

    def with_field(self, name):
        return [m for m in self.messages if name in m[1]]

    def close(self):
        self.sock.close()
        os.unlink(self.path)


@test("READY=1 after 'forwarding', with STATUS; STOPPING=1 on SIGTERM; no pings without WATCHDOG_USEC")
def t_ready_stopping():
    mgr = FakeManager()
    try:
        gw = Gatewayd("ready", config=CONFIG, env={"NOTIFY_SOCKET": mgr.path})
        gw.start(wait=False)
        ready = mgr.wait("READY", lib.STARTUP_TIMEOUT, gw)
        _, fields, stdout_then = ready[0]
        check_eq(fields.get("READY"), "1", "READY")
        check("forwarding\n" in stdout_then,
              f"READY=1 arrived before gatewayd printed 'forwarding'; stdout then:\n{stdout_then}")
        status = fields.get("STATUS", "")
        check(status.startswith("2 ports (2 up), 2 tunnels, rx ") and status.endswith(" pps"),
              f"STATUS with READY: {status!r}")
        check_eq(len(events(gw.stderr(), "systemd_ready")), 1, "systemd_ready log lines")
        # READY means configured: the config's tunnels are there.
        names = [l.split(":")[0] for l in gw.ok("tunnel", "show").splitlines()]
        check_eq(names, ["t1", "t2"], "tunnels at READY")
        time.sleep(3)   # a watchdog would have pinged several times by now
        mgr.poll(gw)
        check_eq(mgr.with_field("WATCHDOG"), [], "WATCHDOG messages without $WATCHDOG_USEC")
        gw.signal()
        stopping = mgr.wait("STOPPING", lib.EXIT_TIMEOUT, gw)
        check_eq(stopping[0][1].get("STOPPING"), "1", "STOPPING")
        gw.wait_exit()
        check_eq(len(events(gw.stderr(), "stopping")), 1, "stopping log lines")
        check_eq(len(mgr.with_field("READY")), 1, "READY messages")
    finally:
        mgr.close()


@test("WATCHDOG=1 every half WATCHDOG_USEC while the worker loops; none once it stalls")
def t_watchdog_stall():
    mgr = FakeManager()
    usec = 1_000_000          # pings every 0.5 s
    stall_ms = 6000           # worker 0 stops 6 s after it starts
    try:
        gw = Gatewayd("watchdog", config=CONFIG,
                      flags=[f"--test_only_stall_worker_ms={stall_ms}"],
                      env={"NOTIFY_SOCKET": mgr.path, "WATCHDOG_USEC": str(usec)})
        gw.start(wait=False)
        ready = mgr.wait("READY", lib.STARTUP_TIMEOUT, gw)
        t_ready = ready[0][0]
        ready_log = events(gw.stderr(), "systemd_ready")
        check(ready_log and ready_log[0]["watchdog_usec"] == str(usec), f"systemd_ready: {ready_log}")
        # Healthy: pings at about 2 per second until the stall.
        mgr.wait("WATCHDOG", 10, gw)
        time.sleep(2)
        mgr.poll(gw)
        pings = [t for t, f, _ in mgr.with_field("WATCHDOG")]
        check(all(f["WATCHDOG"] == "1" for _, f, _ in mgr.with_field("WATCHDOG")), "WATCHDOG != 1")
        check(len(pings) >= 3, f"only {len(pings)} WATCHDOG=1 in the first {time.monotonic() - t_ready:.1f} s")
        # The stall: the log names the lcore, and the pings stop for good.
        stalled = wait_for(lambda: events(gw.stderr(), "worker_stalled"), stall_ms / 1000 + 30,
                           "event=worker_stalled in the log")
        check_eq(stalled[0].get("lcore"), "1", "the stalled lcore")
        mgr.poll(gw)
        n_at_stall = len(mgr.with_field("WATCHDOG"))
        time.sleep(4)   # eight ping periods
        mgr.poll(gw)
        later = mgr.with_field("WATCHDOG")[n_at_stall:]
        check_eq(later, [], "WATCHDOG=1 after the worker stalled")
        # STATUS= is refreshed every 5 s, READY or not.
        updates = [f["STATUS"] for _, f, _ in mgr.with_field("STATUS") if "READY" not in f]
        check(updates and all(u.startswith("2 ports (2 up), 2 tunnels, rx ") for u in updates),
              f"STATUS updates: {updates}")
        check(gw.alive(), "gatewayd died instead of merely stopping its pings")
        # The control thread still answers (the stalled worker is offline for RCU).
        out = gw.ok("tunnel", "show", "t1")
        check(out.startswith("t1: ip/ip remote 10.65.132.188 local 10.65.132.187"), f"tunnel show: {out!r}")
        gw.signal()
        mgr.wait("STOPPING", lib.EXIT_TIMEOUT, gw)
        gw.wait_exit()
    finally:
        mgr.close()


@test("without NOTIFY_SOCKET: no notify, no systemd_ready line, a clean run")
def t_no_systemd():
    gw = Gatewayd("plain", config=CONFIG, env={"WATCHDOG_USEC": "1000000"}).start()
    time.sleep(1)
    check_eq(gw.ok("tunnel", "show", "t2").split(":")[0], "t2", "tunnel show t2")
    gw.stop()
    check_eq(events(gw.stderr(), "systemd_ready"), [], "systemd_ready without $NOTIFY_SOCKET")


if __name__ == "__main__":
    sys.exit(main(__doc__))
