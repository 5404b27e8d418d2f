#!/usr/bin/python3
"""A port that stops accepting: gatewayd A forwards a net_pcap flood (infinite_rx) out of a net_memif
port. With no peer connected the port takes nothing; with a peer (gatewayd B, the memif client)
it takes everything B reads; with B stopped (SIGSTOP) its ring fills and takes nothing more; B
continued, it drains again; B gone, nothing again. Whatever the port refuses is counted tx_full
and freed: at exit A's processed = tx_full + what B received (+ what was left in the ring when B
went, at most its 1024 slots), and mempool in_use=0 in both daemons.

    /usr/bin/python3 tests/robust/tx_full_test.py --build build [-k SUBSTRING] [--keep] [--list]
"""
import os
import re
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import robustlib  # noqa: E402
from robustlib import check, check_eq, gwlib, wait_for  # noqa: E402
from gwlib import test  # noqa: E402

PHASE_S = 1.5


def report_counters(out):
    """processed, port1's tx_packets and the tx_full drops from an exit report."""
    processed = int(re.search(r"^processed (\d+) packets$", out, re.M).group(1))
    tx1 = int(re.search(r"^port1 +\d+ +\d+ +(\d+) ", out, re.M).group(1))
    m = re.search(r"^  tx_full +(\d+) ", out, re.M)
    other = [ln for ln in re.findall(r"^  (\w+) +\d+ +\(", out, re.M)]
    return processed, tx1, int(m.group(1)) if m else 0, other


@test("tx ring full: a memif port without a peer, with a stopped peer, and with a live one")
def t_tx_full():
    from scapy.all import IP, UDP, Ether, Raw
    d = os.path.join(gwlib.TMP, "txfull")
    os.makedirs(d, mode=0o755)
    pcap = os.path.join(d, "in.pcap")
    robustlib.write_pcap(pcap, [
        Ether(dst="02:70:63:61:70:00", src="52:54:00:00:00:88") /
        IP(src="10.65.132.188", dst="10.10.100.2", ttl=64) / UDP(sport=2000 + i, dport=9) /
        Raw(b"m" * 64) for i in range(32)])
    conf = os.path.join(d, "a.conf")
    with open(conf, "w") as f:
        f.write("addr add 10.10.100.1/24 dev port1\n"
                "neigh add 10.10.100.2 lladdr 52:54:00:00:01:02 dev port1\n")
    memif = os.path.join(d, "memif.sock")
    a = robustlib.gatewayd("txfull_a", [f"net_pcap0,rx_pcap={pcap},infinite_rx=1",
                                        f"net_memif0,role=server,socket={memif},id=0"],
                           config=conf)
    b = robustlib.gatewayd("txfull_b", [f"net_memif1,role=client,socket={memif},id=0", "net_null1,no-rx=1"],
                           )
    a.start()
    tel = robustlib.Telemetry(a.prefix)
    phases = []

    def phase(name):
        s0 = tel.stats()
        time.sleep(PHASE_S)
        s1 = tel.stats()
        delta = {"tx": s1["ports"]["port1"]["tx_packets"] - s0["ports"]["port1"]["tx_packets"],
                 "tx_full": s1["drops"]["tx_full"] - s0["drops"]["tx_full"],
                 "processed": s1["processed"] - s0["processed"]}
        phases.append((name, delta))
        return delta

    try:
        wait_for(lambda: tel.stats()["processed"] > 0, 30, "the flood to start")
        p = phase("no peer")
        check(p["tx"] == 0 and p["tx_full"] > 0, f"without a peer: {p}")
        b.start()
        wait_for(lambda: tel.stats()["ports"]["port1"]["tx_packets"] > 0, 30, "the memif peer to connect")
        p = phase("peer reading")
        check(p["tx"] > 0, f"with a peer reading: {p}")
        b.proc.send_signal(signal.SIGSTOP)
        try:
            time.sleep(0.5)         # its ring fills
            p = phase("peer stopped")
            check(p["tx"] == 0 and p["tx_full"] > 0, f"with the peer stopped: {p}")
        finally:
            b.proc.send_signal(signal.SIGCONT)
        wait_for(lambda: phase("peer continued")["tx"] > 0, 30, "the peer to read again")
        check(a.alive(), "gatewayd A died")
        b.stop()                    # B: exit 0, in_use=0
        time.sleep(0.5)
        p = phase("peer gone")
        check(p["tx"] == 0 and p["tx_full"] > 0, f"with the peer gone: {p}")
    finally:
        tel.close()
        if b.alive():
            b.kill()
        a.stop()                    # A: exit 0, in_use=0
    processed, _, tx_full, reasons = report_counters(a.stdout())
    b_processed, _, _, _ = report_counters(b.stdout())
    check_eq(reasons, ["tx_full"], "A's drop reasons")
    # net_memif zeroes its counters when the peer goes, so port1's tx_packets at exit says nothing:
    # what A sent is what B received, plus what was still in the ring (1024 slots) when B left.
    in_ring = processed - tx_full - b_processed
    check(0 <= in_ring <= 1024, f"A processed {processed} = tx_full {tx_full} + B received "
                                f"{b_processed} + {in_ring} left in the memif ring (0..1024)")
    print("    (" + "; ".join(f"{n}: +{p['tx']} sent, +{p['tx_full']} tx_full in {PHASE_S} s"
                            for n, p in phases) + f"; at exit: A processed {processed} = "
          f"{tx_full} tx_full + {b_processed} received by B + {in_ring} left in the ring)")

if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
