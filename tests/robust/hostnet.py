#!/usr/bin/python3
"""The hosts' programs of the tap tests, run inside a network namespace (standard library only):

    hostnet.py send DST PORT COUNT PPS       COUNT UDP datagrams to DST:PORT, PPS a second, each
                                             carrying its sequence number; prints {"sent": N}
    hostnet.py recv PORT READY IDLE_S        counts datagrams on PORT until IDLE_S without one
                                             (after the first); creates READY once bound; prints
                                             {"received": N, "seqs": [...]}
    hostnet.py flood NET16 SECONDS           UDP to every address of NET16 (e.g. 10.30) in turn, as
                                             fast as it can, for SECONDS; prints {"sent": N}
"""
import json
import socket
import struct
import sys
import time


def send(dst, port, count, pps):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t0 = time.monotonic()
    sent = 0
    for seq in range(count):
        due = t0 + seq / pps
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            s.sendto(struct.pack("!I", seq) + b"p" * 60, (dst, port))
            sent += 1
        except OSError:
            pass
    print(json.dumps({"sent": sent}), flush=True)


def recv(port, ready, idle):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("0.0.0.0", port))
    open(ready, "w").close()
    seqs = []
    s.settimeout(120.0)         # the first datagram may take a while
    try:
        while True:
            data = s.recv(2048)
            seqs.append(struct.unpack("!I", data[:4])[0])
            s.settimeout(idle)
    except socket.timeout:
        pass
    print(json.dumps({"received": len(seqs), "seqs": seqs}), flush=True)


def flood(net16, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    end = time.monotonic() + seconds
    sent = i = 0
    payload = b"f" * 32
    while time.monotonic() < end:
        for _ in range(256):
            i = (i + 1) & 0xffff
            try:
                s.sendto(payload, (f"{net16}.{i >> 8}.{i & 0xff}", 9))
                sent += 1
            except OSError:
                pass
    print(json.dumps({"sent": sent}), flush=True)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "send":
        send(args[0], int(args[1]), int(args[2]), float(args[3]))
    elif cmd == "recv":
        recv(int(args[0]), args[1], float(args[2]))
    elif cmd == "flood":
        flood(args[0], float(args[1]))
    else:
        sys.exit(f"unknown command {cmd}")
