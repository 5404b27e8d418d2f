#!/usr/bin/python3
"""The control socket under abuse while traffic flows: 500 concurrent clients, a client that sends
one byte a second, 10 MiB requests, invalid UTF-8 and NUL bytes, clients that hang up in the
middle of a 170 KB reply. Every well-formed client gets its exact answer, gatewayd keeps
forwarding, and the forwarding rate is measured (DPDK telemetry, which does not go through the
control socket) without and with the abuse. Only "it keeps forwarding" is asserted: the ratio
depends on what else this two-core machine runs, and is printed.

--max_clients=1200: 500 at once, and the previous round's 500 that the daemon may not have reaped
yet. Traffic: net_pcap with infinite_rx replays 64 UDP frames on port0 forever; they are routed to a
static neighbour on port1 (net_null, a sink).

    /usr/bin/python3 tests/robust/socket_abuse_test.py --build build [-k SUBSTRING] [--keep] [--list]
"""
import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import robustlib  # noqa: E402
from robustlib import Failure, check, check_eq, gwlib  # noqa: E402
from gwlib import test  # noqa: E402

WINDOW_S = 12.0      # the abuse lasts this long (the 1-byte-a-second client needs ~11 s)
N_ROUTES = 5000


def setup(label):
    from scapy.all import IP, UDP, Ether, Raw
    d = os.path.join(gwlib.TMP, label)
    os.makedirs(d, mode=0o755)
    pcap = os.path.join(d, "in.pcap")
    robustlib.write_pcap(pcap, [
        Ether(dst="02:70:63:61:70:00", src="52:54:00:00:00:88") /
        IP(src="10.65.132.188", dst="10.10.100.2", ttl=64) / UDP(sport=1000 + i, dport=9) /
        Raw(b"y" * 64) for i in range(64)])
    conf = os.path.join(d, "gw.conf")
    with open(conf, "w") as f:
        f.write("addr add 10.65.132.187/24 dev port0\naddr add 10.10.100.1/24 dev port1\n"
                "neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1\n"
                "tunnel add big local 10.65.132.187\n" +
                "".join(f"route add 172.16.{i // 256}.{i % 256}/32 dev big\n" for i in range(N_ROUTES)))
    return robustlib.gatewayd(
        label, [f"net_pcap0,rx_pcap={pcap},infinite_rx=1", "net_null1,no-rx=1"], config=conf,
        flags=["--max_clients=1200", "--routes=8192", "--tbl8s=256"], idle_sleep_us=0)


class Abuse:
    """Runs the abusers in threads; records every failure of a well-formed client."""

    def __init__(self, gw):
        self.gw = gw
        self.errors = []
        self.counts = {}
        self.lock = threading.Lock()
        self.link_show = gw.ok("link", "show").encode()
        self.route_show_len = len(gw.ok("route", "show").encode())

    def fail(self, what):
        with self.lock:
            self.errors.append(what)

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + n

    def guard(self, fn):
        def run():
            try:
                fn()
            except Exception as e:   # noqa: BLE001 -- reported by the test
                self.fail(f"{fn.__name__}: {type(e).__name__}: {e}")
        return threading.Thread(target=run, daemon=True)

    # 500 clients connected at once, each asking twice
    def many_clients(self):
        end = time.monotonic() + WINDOW_S
        while time.monotonic() < end:
            conns = [self.gw.conn(timeout=60) for _ in range(500)]
            try:
                for i, c in enumerate(conns):
                    try:
                        c.send("link show\n")
                    except OSError as e:    # closed by the daemon: it must have said why
                        self.fail(f"client {i} of 500: {e}; the daemon said {c.reply()!r}")
                        raise
                for i, c in enumerate(conns):
                    r = c.reply()
                    if r != ("ok", self.link_show):
                        self.fail(f"client {i} of 500: {r!r}")
                self.count("500-client rounds")
                self.count("well-formed requests answered", 500)
            finally:
                for c in conns:
                    c.close()

    # one byte a second, a whole request in the end
    def slow_client(self):
        c = self.gw.conn(timeout=60)
        for b in b"link show\n":
            c.send(bytes([b]))
            time.sleep(1.0)
        r = c.reply()
        if r != ("ok", self.link_show):
            self.fail(f"the 1-byte-a-second client: {r!r}")
        self.count("well-formed requests answered")
        c.close()

    # 10 MiB without a newline: an error reply, then the daemon closes
    def huge_requests(self):
        for _ in range(3):
            c = self.gw.conn(timeout=60)
            sender = threading.Thread(target=self._send_quietly, args=(c.s, b"z" * (10 << 20)))
            sender.start()
            r = c.reply()
            if r != ("error", b"request longer than 8192 bytes\n"):
                self.fail(f"reply to a 10 MiB request: {r!r}")
            sender.join(60)
            c.close()
            self.count("10 MiB requests refused")

    @staticmethod
    def _send_quietly(s, data):
        try:
            s.sendall(data)
        except OSError:
            pass

    # invalid UTF-8, NUL and control bytes: error replies, the connection still serves
    def garbage(self):
        end = time.monotonic() + WINDOW_S
        while time.monotonic() < end:
            c = self.gw.conn(timeout=60)
            for data in (b"\xff\xfe\xfd link show\n", b"link\x00show\n", b"\xc3\x28\x00\x01\n",
                         b"route add \xe2\x82 dev port0\n"):
                c.send(data)
                r = c.reply()
                if r is None or r[0] != "error":
                    self.fail(f"reply to {data!r}: {r!r}")
                self.count("garbage requests refused")
            r = c.request("link show")
            if r != ("ok", self.link_show):
                self.fail(f"link show after garbage: {r!r}")
            self.count("well-formed requests answered")
            c.close()
            time.sleep(0.1)

    # ask for a 170 KB reply, read a little, hang up
    def hang_ups(self):
        end = time.monotonic() + WINDOW_S
        while time.monotonic() < end:
            c = self.gw.conn(timeout=60)
            c.send("route show\n-j route show\n")
            c.s.recv(100)
            c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            c.close()               # (with SO_LINGER 0: a reset, not a polite close)
            self.count("hang-ups mid-reply")
            time.sleep(0.05)

    # a well-behaved operator: gwctl every 200 ms
    def operator(self):
        end = time.monotonic() + WINDOW_S
        while time.monotonic() < end:
            r = self.gw.gwctl("-j", "stats", timeout=60)
            if r.rc != 0 or not r.out.startswith("{"):
                self.fail(f"gwctl -j stats during the abuse: {r}")
            self.count("well-formed requests answered")
            time.sleep(0.2)


@test("socket abuse while forwarding: every well-formed client answered, forwarding goes on (rates)")
def t_abuse():
    gw = setup("abuse").start()
    tel = robustlib.Telemetry(gw.prefix)
    try:
        robustlib.wait_for(lambda: tel.stats()["processed"] > 0, 30, "traffic to flow")
        base = [tel.rate(3.0) for _ in range(2)]
        before = tel.stats()
        abuse = Abuse(gw)
        threads = [abuse.guard(f) for f in (abuse.many_clients, abuse.slow_client, abuse.huge_requests,
                                            abuse.garbage, abuse.hang_ups, abuse.operator)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(1.0)             # the abuse under way
        during = tel.rate(WINDOW_S - 2.0)
        for t in threads:
            t.join(120)
        check(not any(t.is_alive() for t in threads), "an abuser did not finish within 2 minutes")
        after = tel.stats()
        dt = time.monotonic() - t0
        check(not abuse.errors, "well-formed clients not answered right:\n  " + "\n  ".join(abuse.errors[:20]))
        check(gw.alive(), "gatewayd died under the abuse")
        gwlib.still_serving(gw)
        forwarded = after["ports"]["port1"]["tx_packets"] - before["ports"]["port1"]["tx_packets"]
        check(during > 0 and forwarded > 1000,
              f"forwarding stopped under the abuse: {during:.0f} packets/s, {forwarded} sent on port1")
        b = max(base)
        print(f"    (forwarding without abuse: {base[0] / 1e6:.2f} / {base[1] / 1e6:.2f} Mpps; "
              f"with: {during / 1e6:.2f} Mpps; ratio {during / b:.2f})")
        print(f"    (in {dt:.0f} s: " + ", ".join(f"{k} {v}" for k, v in sorted(abuse.counts.items())) + ")")
        check(abuse.counts.get("500-client rounds", 0) >= 1, "no round of 500 clients completed")
        check_eq(abuse.counts.get("10 MiB requests refused", 0), 3, "10 MiB requests refused")
    finally:
        tel.close()
        gw.stop()


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
