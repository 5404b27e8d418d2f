#!/usr/bin/python3
"""Control-plane churn for scripts/perf.sh: pipelines `tunnel change tN ttl K` requests over
gatewayd's control socket (protocol: docs/configuration.md, section 7.1), paced to RATE per
second, until SIGTERM or SIGINT; then prints one JSON line: requests sent, replies ok / error,
seconds, the achieved rate of applied changes, and the largest number of requests in flight.

  churn.py SOCKET [--rate 10000] [--tunnels 1024] [--max-inflight 4000]

Requests go out in slices every 10 ms; replies ("ok LEN\\n" + LEN bytes, or "error LEN\\n" + ...)
are read as they come. When the daemon falls behind by more than --max-inflight requests the
client waits instead of piling up, so the achieved rate shows what the control thread sustained.
"""
import argparse
import json
import selectors
import signal
import socket
import sys
import time

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("--rate", type=float, default=10000)
    ap.add_argument("--tunnels", type=int, default=1024)
    ap.add_argument("--max-inflight", type=int, default=4000)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.socket)
    s.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(s, selectors.EVENT_READ)

    sent = ok = errors = 0
    max_inflight = 0
    first_error = None
    buf = b""
    out = b""
    start = time.monotonic()
    tick = 0.01
    next_tick = start
    while not stop:
        now = time.monotonic()
        if now >= next_tick:
            # Requests due by now, minus those already sent: pacing does not drift.
            due = int((now - start) * a.rate) - sent
            room = a.max_inflight - (sent - ok - errors)
            n = max(0, min(due, room))
            lines = []
            for i in range(sent, sent + n):
                lines.append("tunnel change t%d ttl %d\n" % (i % a.tunnels, 1 + (i // a.tunnels) % 255))
            out += "".join(lines).encode()
            sent += n
            next_tick += tick
        if out:
            try:
                k = s.send(out)
                out = out[k:]
            except BlockingIOError:
                pass
        for _ in sel.select(timeout=max(0.0, min(next_tick - time.monotonic(), tick))):
            try:
                data = s.recv(1 << 20)
            except BlockingIOError:
                continue
            if not data:
                print(json.dumps({"error": "connection closed by gatewayd"}))
                return 1
            buf += data
            # Parse complete replies: "ok LEN\n" or "error LEN\n" followed by LEN bytes.
            while True:
                nl = buf.find(b"\n")
                if nl < 0:
                    break
                head = buf[:nl].split()
                length = int(head[1])
                if len(buf) < nl + 1 + length:
                    break
                if head[0] == b"ok":
                    ok += 1
                else:
                    errors += 1
                    if first_error is None:
                        first_error = buf[nl + 1:nl + 1 + length].decode(errors="replace")
                buf = buf[nl + 1 + length:]
        max_inflight = max(max_inflight, sent - ok - errors)
    elapsed = time.monotonic() - start
    s.close()
    print(json.dumps({"sent": sent, "ok": ok, "errors": errors, "first_error": first_error,
                      "seconds": round(elapsed, 3), "rate": round(ok / elapsed, 1),
                      "max_inflight": max_inflight}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
