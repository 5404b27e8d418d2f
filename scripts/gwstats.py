#!/usr/bin/python3
"""Reads gatewayd's counters over DPDK telemetry.

  gwstats.py FILE_PREFIX              print /gateway/stats as JSON
  gwstats.py FILE_PREFIX --wait N     wait until N packets have been processed (timeout 30 s)
"""
import json
import os
import socket
import sys
import time


def query(prefix, cmd="/gateway/stats"):
    path = os.path.join("/var/run/dpdk", prefix, "dpdk_telemetry.v2")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
        s.recv(65536)  # greeting
        s.send(cmd.encode())
        return json.loads(s.recv(1 << 20).decode())[cmd]
    finally:
        s.close()


def wait_processed(prefix, n, timeout=30.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = query(prefix)
            if last is not None and last["processed"] >= n:
                return last
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    raise TimeoutError(f"gatewayd processed {last and last['processed']} of {n} packets")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--wait":
        print(json.dumps(wait_processed(sys.argv[1], int(sys.argv[3])), indent=1))
    elif len(sys.argv) == 2:
        print(json.dumps(query(sys.argv[1]), indent=1))
    else:
        sys.exit(__doc__)
