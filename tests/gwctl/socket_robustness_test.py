#!/usr/bin/python3
"""The control socket's robustness: file mode 0660; garbage and over-long lines get error replies
and the daemon stays up; 150 clients at once; big replies to clients that leave, half-close or do
not read; the idle timeout; --max_clients; a client pipelining requests it does not read; a
second gatewayd on a live socket.

    /usr/bin/python3 tests/gwctl/socket_robustness_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import json
import os
import select
import socket
import stat
import sys
import threading
import time

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import BASE_CONFIG, Failure, Gatewayd, check, check_eq, shared, still_serving, test


# =========================================================================== 7. socket robustness

@test("socket: file mode 0660", shared=True)
def t_socket_mode():
    gw = shared()
    st = os.stat(gw.sock)
    check(stat.S_ISSOCK(st.st_mode), f"{gw.sock} is not a socket")
    check_eq(oct(stat.S_IMODE(st.st_mode)), oct(0o660), "socket mode")


@test("socket: garbage (NUL, 0xff, control bytes, empty lines) -> error replies, daemon alive", shared=True)
def t_garbage():
    gw = shared()
    c = gw.conn()
    link_show = gw.ok("link", "show").encode()
    for data, want in [
        (b"\x00\x01\x02\xff\n", b"request holds control characters\n"),
        (b"link\x00show\n", b"request holds control characters\n"),
        (b"\x1b[2Jlink show\n", b"request holds control characters\n"),
        (b"\xff\xfe\xfd\n", None),
        (b"\xc3\x28 route add\n", None),
        (b"\n", b"empty command\n"),
        (b" \t  \n", b"empty command\n"),
        (b"# only a comment\n", b"empty command\n"),
        (b"-j\n", b"empty command\n"),
    ]:
        c.send(data)
        r = c.reply()
        check(r is not None and r[0] == "error", f"reply to {data!r}: {r}")
        if want is not None:
            check_eq(r[1], want, f"error for {data!r}")
        # the connection is still usable
        check_eq(c.request("link show"), ("ok", link_show), f"link show after {data!r}")
    # CRLF line endings are fine
    check_eq(c.request("link show\r"), ("ok", link_show), "link show with CRLF")
    c.close()
    # random binary, no newline, then EOF: the daemon answers or closes, and survives
    c = gw.conn()
    c.send(bytes(range(256)) * 4)
    c.s.shutdown(socket.SHUT_WR)
    while c.reply() is not None:
        pass
    c.close()
    still_serving(gw)
    check_eq(gw.config(), BASE_CONFIG, "config after garbage")


@test("socket: a 100 KB line without newline -> error reply and close, daemon alive", shared=True)
def t_long_line():
    gw = shared()
    for data in [b"x" * 100_000, b"link show " + b" " * 8200 + b"\n", b"tunnel add " + b"a" * 100_000]:
        c = gw.conn()
        sender = threading.Thread(target=lambda: _send_quietly(c.s, data))
        sender.start()
        r = c.reply()
        check(r is not None, f"no reply to a {len(data)}-byte line")
        check_eq(r, ("error", b"request longer than 8192 bytes\n"), f"reply to a {len(data)}-byte line")
        check(c.at_eof(), "connection not closed after an over-long line")
        sender.join(10)
        c.close()
        still_serving(gw)
    # just under the limit is a request like any other
    c = gw.conn()
    k, body = c.request("link show" + " " * 8000)
    check(k == "ok" and b"port0" in body, f"reply to an 8009-byte line: {k} {body[:100]!r}")
    c.close()


def _send_quietly(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass


@test("socket: 150 clients at once all get answers", shared=True)
def t_150_clients():
    gw = shared()
    want = gw.ok("link", "show").encode()
    conns = []
    try:
        for _ in range(150):
            conns.append(gw.conn(timeout=30))
        for c in conns:
            c.send("link show\n")
        for i, c in enumerate(conns):
            check_eq(c.reply(), ("ok", want), f"reply to client {i}")
        # and once more, all still connected
        for c in conns:
            c.send("-j link show\n")
        for i, c in enumerate(conns):
            k, body = c.reply()
            check(k == "ok" and len(json.loads(body)) == 2, f"second reply to client {i}: {k} {body!r}")
    finally:
        for c in conns:
            c.close()
    still_serving(gw)


@test("socket: route show of 20000 routes to a client that leaves or does not read", shared=True)
def t_big_reply():
    gw = shared()
    text = "tunnel add big local 10.0.0.1\n" + "".join(
        f"route add 172.16.{i // 256}.{i % 256}/32 dev big\n" for i in range(20000))
    gw.batch_ok(text)
    try:
        full = gw.ok("route", "show").encode()
        check_eq(len(full.splitlines()), 20000, "route show lines")
        # 1. ask and disconnect at once, many times, text and JSON
        for i in range(20):
            c = gw.conn()
            c.send("-j route show\n" if i % 2 else "route show\n")
            c.close()
        still_serving(gw)
        # 2. ask, read a little, hang up
        c = gw.conn()
        c.send("route show\nroute show\n")
        c.s.recv(100)
        c.close()
        still_serving(gw)
        # 3. a client that does not read does not block the others
        slow = gw.conn(timeout=30)
        slow.send("route show\n")
        time.sleep(0.3)
        t0 = time.monotonic()
        still_serving(gw)
        check(time.monotonic() - t0 < 5, "gwctl link show was slow while a client did not read its reply")
        check_eq(slow.reply(), ("ok", full), "the slow client's reply, read late")
        slow.close()
        # 4. half-close: the reply still comes
        c = gw.conn(timeout=30)
        c.send("route show\n")
        c.s.shutdown(socket.SHUT_WR)
        check_eq(c.reply(), ("ok", full), "reply after the client shut down its sending side")
        check(c.at_eof(), "connection not closed after the reply to a half-closed client")
        c.close()
    finally:
        gw.ok("tunnel", "del", "big")
    check_eq(gw.js("route", "show"), [], "routes after tunnel del big")
    still_serving(gw)


@test("socket: an idle client is closed after --client_timeout_ms=500; an active one stays")
def t_idle_timeout():
    gw = Gatewayd("idle", flags=["--client_timeout_ms=500"]).start()
    try:
        t0 = time.monotonic()
        idle = gw.conn(timeout=30)
        partial = gw.conn(timeout=30)
        partial.send("link sh")             # half a request, then silence
        active = gw.conn(timeout=30)
        waiting = {idle.s: "idle", partial.s: "partial"}
        closed = {}
        # The active client asks every 200 ms (never 500 ms quiet) for 2 s; meanwhile watch the
        # two silent ones.
        while time.monotonic() - t0 < 2.0 or (waiting and time.monotonic() - t0 < 10):
            k, _ = active.request("link show")
            check(k == "ok", "active client's request")
            ready, _, _ = select.select(list(waiting), [], [], 0.2)
            for s in ready:
                data = s.recv(100)
                check(data == b"", f"the {waiting[s]} client got {data!r} instead of being closed")
                closed[waiting.pop(s)] = time.monotonic() - t0
        check(not waiting, f"not closed after 10 s: {sorted(waiting.values())}")
        for name, dt in closed.items():
            check(0.45 <= dt <= 3.0, f"the {name} client was closed after {dt:.2f} s (timeout 500 ms)")
        print(f"    (idle clients closed after {', '.join(f'{k} {v:.2f} s' for k, v in sorted(closed.items()))})")
        k, _ = active.request("link show")
        check(k == "ok", "the active client is still served")
        for c in (active, idle, partial):
            c.close()
        still_serving(gw)
    finally:
        gw.stop()


def fill_max_clients(gw):
    """Connect 4 clients to a --max_clients=4 gatewayd, each answered once."""
    # The startup probes (gwctl link show) have hung up; give the daemon a poll round or two
    # to reap them (a hung-up client is counted until then).
    time.sleep(0.3)
    conns = []
    for i in range(4):
        conns.append(gw.conn())
        check(conns[-1].request("link show")[0] == "ok", f"client {i + 1} of 4")
    return conns


@test("socket: beyond --max_clients=4 the 5th client gets an error reply and is closed")
def t_max_clients():
    gw = Gatewayd("maxclients", flags=["--max_clients=4"]).start()
    try:
        conns = fill_max_clients(gw)
        fifth = gw.conn()
        r = fifth.reply()
        check_eq(r, ("error", b"too many clients (4), try again\n"), "reply to the 5th client")
        check(fifth.at_eof(), "the 5th client is not closed")
        fifth.close()
        for c in conns:
            check(c.request("link show")[0] == "ok", "the first 4 clients are still served")
        conns.pop().close()
        deadline = time.monotonic() + 5
        while gw.gwctl("link", "show").rc != 0:
            check(time.monotonic() < deadline, "gwctl still refused 5 s after a client left")
            time.sleep(0.05)
        for c in conns:
            c.close()
        still_serving(gw)
    finally:
        gw.stop()


@test("socket: gwctl beyond --max_clients=4 reports the daemon's 'too many clients' (exit 1)")
def t_max_clients_gwctl():
    gw = Gatewayd("maxclients_gwctl", flags=["--max_clients=4"]).start()
    try:
        conns = fill_max_clients(gw)
        r = gw.gwctl("link", "show")
        check(r.rc == 1 and r.err == "gwctl: too many clients (4), try again\n" and r.out == "",
              f"gwctl while 4 clients are connected: {r}")
        for c in conns:
            c.close()
        deadline = time.monotonic() + 5
        while gw.gwctl("link", "show").rc != 0:
            check(time.monotonic() < deadline, "gwctl still refused 5 s after the clients left")
            time.sleep(0.05)
    finally:
        gw.stop()


def vm_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for ln in f:
            if ln.startswith(key + ":"):
                return int(ln.split()[1])
    raise Failure(f"no {key} in /proc/{pid}/status")


@test("socket: a client pipelining 100 route shows (20000 routes) unread does not stall others", shared=True)
def t_pipeline_hog():
    gw = shared()
    gw.batch_ok("tunnel add big local 10.0.0.1\n" + "".join(
        f"route add 172.16.{i // 256}.{i % 256}/32 dev big\n" for i in range(20000)))
    try:
        peak0 = vm_kb(gw.proc.pid, "VmHWM")
        t_one = time.monotonic()
        one = len(gw.ok("route", "show"))
        t_one = time.monotonic() - t_one
        hog = gw.conn(timeout=60)
        hog.send("route show\n" * 100)        # 1.1 KB of requests, ~100 x 700 KB of replies
        time.sleep(0.2)
        t0 = time.monotonic()
        r = gw.gwctl("link", "show")
        dt = time.monotonic() - t0
        hog.close()
        peak1 = vm_kb(gw.proc.pid, "VmHWM")
        # Let the daemon get over it before the next test.
        deadline = time.monotonic() + 120
        while gw.gwctl("link", "show", timeout=200).rc != 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        print(f"    (one route show: {one} bytes in {t_one:.3f} s; gwctl link show behind the "
              f"pipelining client: {dt:.2f} s; peak RSS +{(peak1 - peak0) / 1024:.0f} MiB)")
        check(r.rc == 0, f"gwctl link show while a client pipelined 100 route shows: {r}")
        check(dt < 2.0, f"gwctl link show took {dt:.1f} s while another client had 100 route shows "
                        f"queued: one client monopolises the control thread")
        check(peak1 - peak0 < 32 * 1024, f"the daemon's peak RSS grew by {(peak1 - peak0) / 1024:.0f} MiB "
                                         f"buffering replies nobody reads")
    finally:
        gw.ok("tunnel", "del", "big")
    still_serving(gw)


@test("socket: a second gatewayd on a live socket refuses to start; the first keeps it", shared=True)
def t_second_daemon():
    gw = shared()
    other = Gatewayd("second")
    other.cmd = [a if not a.startswith("--socket=") else f"--socket={gw.sock}" for a in other.cmd]
    rc, err = other.run_to_exit()
    check(rc != 0, f"the second gatewayd exited {rc}")
    check(f"control socket {gw.sock} is served by a running gatewayd" in err, f"its stderr: {err!r}")
    still_serving(gw)


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
