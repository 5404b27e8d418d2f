#!/usr/bin/python3
"""Live capture of a running gatewayd with DPDK's own dpdk-dumpcap (Debian package dpdk-dev).

    /usr/bin/python3 tests/ops/capture_test.py [--gatewayd build/gatewayd]

gatewayd runs as the service would (hugepages, DPDK's multi-process files) on a net_tap port whose
kernel side the test moves into a network namespace of its own; dpdk-dumpcap attaches with the
same --file-prefix (`-i 0 -c 10 -w out.pcapng`), the test sends 10 frames it built with scapy from
the namespace, and the pcapng must hold exactly those 10 frames, byte for byte (scapy), on
interface net_tap0 (tshark). CI has no hugepages: the test reserves some and mounts a private
hugetlbfs for its gatewayd, and gives them back. The EAL flags that break capture (--no-huge,
--in-memory) make gatewayd say so at start and leave forwarding alone.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import Gatewayd, Hugepages, check, check_eq, events, main, run, test, wait_for  # noqa: E402
import lib  # noqa: E402

from scapy.all import Ether, IP, UDP, Raw, rdpcap  # noqa: E402

N = 10
OTHER_MAC = "52:54:00:77:77:77"   # frames not for the gateway: dropped (not_for_us), nothing sent


def frames():
    # Addressed to another host on the wire: gatewayd receives (the capture sees RX) and drops
    # them without answering, so nothing it transmits can join the capture.
    return [Ether(src="52:54:00:12:34:%02x" % i, dst=OTHER_MAC) / IP(src="192.0.2.1", dst="192.0.2.2", id=i)
            / UDP(sport=40000 + i, dport=7777) / Raw(b"gatewayd capture test frame %02d" % i)
            for i in range(N)]


class Netns:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        r = run(["ip", "netns", "add", self.name])
        check(r.rc == 0, f"ip netns add {self.name}: {r}")
        return self

    def exec(self, *cmd, timeout=60):
        return run(["ip", "netns", "exec", self.name, *cmd], timeout=timeout)

    def __exit__(self, *exc):
        run(["ip", "netns", "del", self.name])


@test("dpdk-dumpcap -i 0 -c 10 captures exactly the 10 frames sent to a running gatewayd; not with --in-memory")
def t_dumpcap():
    tap = f"gwcap{os.getpid() % 100000}"
    ns_name = f"gwcapns{os.getpid()}"
    with Hugepages(256) as huge, Netns(ns_name) as ns:
        # The service's EAL options (conf/gatewayd.default), with a tap for the NIC.
        gw = Gatewayd("dumpcap", eal=["-l", "0,1", "--huge-dir", huge.mount, "--no-pci",
                                      f"--vdev=net_tap0,iface={tap}"],
                      flags=["--idle_sleep_us=100"])
        try:
            capture(gw, tap, ns, ns_name)
        finally:
            gw.kill()   # before the hugetlbfs it uses is unmounted (a no-op once it stopped)
        # On hugepages too, --in-memory (no runtime files) leaves dumpcap nothing to attach to.
        gw = Gatewayd("inmemory", eal=["-l", "0,1", "--in-memory", "--no-pci", "--vdev=net_null0,no-rx=1"])
        try:
            gw.start()
            ev = events(gw.stderr(), "capture_unavailable")
            check(len(ev) == 1 and ev[0]["reason"] in (
                "no shared config (--in-memory or --no-shconf): dpdk-dumpcap cannot attach")
                or ev[0]["reason"].startswith("rte_pdump_init: "), f"capture_unavailable with --in-memory: {ev}")
            r = run(["dpdk-dumpcap", "--file-prefix", gw.prefix, "-D"], timeout=120)
            check(r.rc != 0, f"dpdk-dumpcap attached to an --in-memory gatewayd: {r}")
            gw.stop()
        finally:
            gw.kill()


def capture(gw, tap, ns, ns_name):
    gw.start()
    check_eq(events(gw.stderr(), "capture_unavailable"), [], "capture_unavailable on hugepages")
    # The kernel side into the namespace, quiet: no IPv6 (no router solicitations), no address.
    r = run(["ip", "link", "set", tap, "netns", ns_name])
    check(r.rc == 0, f"moving {tap} into {ns_name}: {r}")
    for cmd in (["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"],
                ["sysctl", "-q", "-w", f"net.ipv6.conf.{tap}.disable_ipv6=1"],
                ["ip", "link", "set", tap, "up"]):
        r = ns.exec(*cmd)
        check(r.rc == 0, f"{' '.join(cmd)} in {ns_name}: {r}")

    listing = run(["dpdk-dumpcap", "--file-prefix", gw.prefix, "-D"], timeout=120)
    check(listing.rc == 0 and "0. net_tap0" in listing.out, f"dpdk-dumpcap -D: {listing}")

    out = os.path.join(gw.dir, "out.pcapng")
    log = open(os.path.join(gw.dir, "dumpcap.log"), "w")
    dumpcap = subprocess.Popen(["stdbuf", "-o0", "-e0", "dpdk-dumpcap", "--file-prefix", gw.prefix,
                                "-i", "0", "-c", str(N), "-w", out],
                               stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        def attached():
            check(dumpcap.poll() is None, f"dpdk-dumpcap exited {dumpcap.returncode}: "
                  + open(log.name).read())
            return "Capturing on 'net_tap0'" in open(log.name).read()
        wait_for(attached, 120, "dpdk-dumpcap to say 'Capturing on'")
        time.sleep(1)   # its callbacks are on the port once it says so; a margin all the same
        sent = frames()
        before = json.loads(gw.ok("-j", "stats"))
        script = ("import sys; from scapy.all import Ether, sendp, conf; conf.verb = 0\n"
                  f"frames = [Ether(bytes.fromhex(h)) for h in sys.argv[1:]]\n"
                  f"sendp(frames, iface={tap!r}, inter=0.05)\n")
        r = ns.exec("/usr/bin/python3", "-c", script, *[bytes(f).hex() for f in sent], timeout=120)
        check(r.rc == 0, f"sending the frames: {r}")
        try:
            rc = dumpcap.wait(timeout=120)
        except subprocess.TimeoutExpired:
            raise lib.Failure(f"dpdk-dumpcap did not stop after {N} packets:\n{open(log.name).read()}")
        check_eq(rc, 0, f"dpdk-dumpcap's exit status ({open(log.name).read()})")
    finally:
        if dumpcap.poll() is None:
            dumpcap.kill()
            dumpcap.wait()
        log.close()

    got = rdpcap(out)
    check_eq(len(got), N, "frames in the pcapng")
    for i, (g, s) in enumerate(zip(got, sent)):
        check_eq(bytes(g), bytes(s), f"frame {i}")
    r = run(["tshark", "-r", out, "-T", "fields", "-e", "frame.interface_name", "-e", "udp.dstport",
             "-e", "frame.len"])
    check(r.rc == 0, f"tshark: {r}")
    # (dumpcap names the interface "dpdk:PORT")
    check_eq(r.out.splitlines(), [f"dpdk:0\t7777\t{len(s)}" for s in sent], "tshark's view")
    after = json.loads(gw.ok("-j", "stats"))
    gw.stop()
    check_eq((after["ports"][0]["rx_packets"] - before["ports"][0]["rx_packets"],
              after["drops"]["not_for_us"] - before["drops"]["not_for_us"],
              after["ports"][0]["tx_packets"] - before["ports"][0]["tx_packets"]),
             (N, N, 0), "gatewayd's port0 rx, not_for_us drops, port0 tx while capturing")


@test("--no-huge: gatewayd says capture is unavailable, dpdk-dumpcap cannot attach, forwarding goes on")
def t_unavailable():
    gw = Gatewayd("nohuge").start()
    ev = events(gw.stderr(), "capture_unavailable")
    check_eq([e.get("reason") for e in ev], ["no hugepages (--no-huge): dpdk-dumpcap cannot attach"],
             "capture_unavailable with --no-huge")
    r = run(["dpdk-dumpcap", "--file-prefix", gw.prefix, "-D"], timeout=120)
    check(r.rc != 0, f"dpdk-dumpcap attached to a --no-huge gatewayd: {r}")
    gw.ok("tunnel", "add", "t1", "remote", "10.0.0.2", "local", "10.0.0.1")
    gw.stop()


if __name__ == "__main__":
    sys.exit(main(__doc__))
