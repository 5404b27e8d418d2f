#!/usr/bin/python3
"""Faults on real Linux hosts: gatewayd between two net_tap ports whose kernel sides are moved into
network namespaces the test creates (hostA 10.10.100.2 behind port0, hostB 10.10.200.2 behind
port1) and removes, whatever happens.

  - mempool exhaustion: a tiny --mbufs pool, drained by a flood toward a next hop that never
    answers (its packets are held while it is resolved). The taps cannot refill their RX rings:
    the frames lost are counted as the ports' rx_nombuf (what net_tap counts; a NIC would count
    its own drops as rx_missed / imissed). gatewayd keeps running, every held packet ends as
    no_neighbour, traffic is forwarded again once the flood stops, mempool in_use=0 at exit.
  - link down/up under traffic: the kernel side of port1 goes down (net_tap's writes fail: the
    packets are tx_full) and up again; then `link set port1 down/up` (link_down). Every packet
    hostA sent is received by hostB or counted under one of those reasons.
  - a neighbour that stops answering: hostB's learned entry is re-probed (PROBE) after
    --neigh_reachable_ms, forwarding goes on meanwhile, then it is deleted; later packets are held
    and dropped no_neighbour; every packet is received or counted; hostB answering again
    brings it back.

    /usr/bin/python3 tests/robust/tap_faults_test.py --build build [-k SUBSTRING] [--keep] [--list]
"""
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import robustlib  # noqa: E402
from robustlib import Failure, Netns, check, check_eq, gwlib, wait_for  # noqa: E402
from gwlib import test  # noqa: E402

HOSTNET = os.path.join(HERE, "hostnet.py")
PY = "/usr/bin/python3"

MAC_P0 = "02:0a:00:00:00:01"    # gatewayd port0 (DPDK side)
MAC_A = "02:0a:00:00:00:02"     # hostA (kernel side of port0)
MAC_P1 = "02:0b:00:00:00:01"
MAC_B = "02:0b:00:00:00:02"


class Rig:
    """gatewayd on two taps, hostA and hostB in their namespaces."""

    def __init__(self, label, config, flags):
        self.dir = os.path.join(gwlib.TMP, label)
        os.makedirs(self.dir, mode=0o755)
        conf = os.path.join(self.dir, "gw.conf")
        with open(conf, "w") as f:
            f.write("addr add 10.10.100.1/24 dev port0\naddr add 10.10.200.1/24 dev port1\n" + config)
        self.tap_a, self.tap_b = robustlib.tap_name("a"), robustlib.tap_name("b")
        self.a = self.b = None
        self.gw = robustlib.gatewayd(
            label, [f"net_tap0,iface={self.tap_a},mac={MAC_P0}", f"net_tap1,iface={self.tap_b},mac={MAC_P1}"],
            config=conf, flags=flags)

    def start(self):
        try:
            self.gw.start()
            self.a, self.b = Netns("hostA"), Netns("hostB")
            self.a.adopt(self.tap_a, "10.10.100.2/24", MAC_A)
            self.b.adopt(self.tap_b, "10.10.200.2/24", MAC_B)
            self.a.ip("route", "add", "default", "via", "10.10.100.1")
            self.a.ip("neigh", "replace", "10.10.100.1", "lladdr", MAC_P0, "dev", self.tap_a, "nud", "permanent")
            self.b.ip("route", "add", "default", "via", "10.10.200.1")
            self.b.ip("neigh", "replace", "10.10.200.1", "lladdr", MAC_P1, "dev", self.tap_b, "nud", "permanent")
            self.tel = robustlib.Telemetry(self.gw.prefix)
        except BaseException:
            self.close(stop=False)
            raise
        return self

    def close(self, stop=True):
        for ns in (self.a, self.b):
            if ns is not None:
                ns.close()
        if stop:
            self.gw.stop()
        else:
            self.gw.kill()

    def receiver(self, port, idle=1.5):
        ready = os.path.join(self.dir, f"ready{port}")
        p = self.b.popen(PY, HOSTNET, "recv", str(port), ready, str(idle), stdout=subprocess.PIPE)
        wait_for(lambda: os.path.exists(ready), 30, "the receiver in hostB")
        return p

    def send(self, port, count, pps, background=False):
        args = [PY, HOSTNET, "send", "10.10.200.2", str(port), str(count), str(pps)]
        if background:
            return self.a.popen(*args, stdout=subprocess.PIPE)
        return json.loads(self.a.run(*args, timeout=count / pps + 120))

    @staticmethod
    def result(p, timeout=180):
        out, _ = p.communicate(timeout=timeout)
        return json.loads(out)

    def stats(self):
        return self.tel.stats()


def accounted(s):
    """Every frame received was handled: processed equals what the ports received."""
    rx = sum(p["rx_packets"] for p in s["ports"].values())
    check_eq(s["processed"], rx, "processed vs the ports' rx_packets")


# =========================================================================== mempool exhaustion

@test("mempool exhaustion: --mbufs=1024 drained by held packets; rx_nombuf counts; recovers; in_use=0")
def t_mempool():
    # 10.30.0.0/16 goes through 10.10.200.99, which nobody answers for: everything sent there is
    # held (no per-neighbour limit) until the resolution gives up, 3 x 300 ms later.
    rig = Rig("mempool", "route add 10.30.0.0/16 via 10.10.200.99 dev port1\n"
                         "neigh add 10.10.200.2 lladdr 02:0b:00:00:00:02 dev port1\n",
              ["--mbufs=1024", "--mbuf_cache=32", "--rxd=128", "--txd=128", "--neigh_hold=100000",
               "--neigh_held_max=100000", "--neigh_retrans_ms=300", "--neigh_probes=3"]).start()
    try:
        # 1. before: 300 datagrams, all through.
        r = rig.receiver(5001)
        sent = rig.send(5001, 300, 1000)["sent"]
        got = rig.result(r)["received"]
        check_eq((sent, got), (300, 300), "datagrams sent and received before the flood")
        s0 = rig.stats()
        check_eq(s0["ports"]["port0"]["rx_nombuf"], 0, "rx_nombuf before the flood")
        # 2. the flood, with 400 datagrams of the good flow during it.
        r = rig.receiver(5002, idle=3.0)
        flood = rig.a.popen(PY, HOSTNET, "flood", "10.30", "4", stdout=subprocess.PIPE)
        time.sleep(0.5)
        good = rig.send(5002, 400, 200, background=True)
        peak_held = 0
        while flood.poll() is None:
            st = rig.stats()
            peak_held = max(peak_held, st["events"]["neigh_held"] - st["drops"]["no_neighbour"])
            time.sleep(0.2)
        flooded = rig.result(flood)["sent"]
        good_sent = rig.result(good)["sent"]
        good_got = rig.result(r)["received"]
        s1 = rig.stats()
        check(rig.gw.alive(), "gatewayd died under the flood")
        nombuf = s1["ports"]["port0"]["rx_nombuf"]
        check(nombuf > 0, f"the pool never ran dry: rx_nombuf 0 (peak held {peak_held}, flood {flooded})")
        # 3. after: every held packet is given up (no_neighbour), the pool refills, traffic flows.
        def drained():
            st = rig.stats()
            return st if (st["events"]["neigh_held"] - st["events"]["neigh_released"] ==
                          st["drops"]["no_neighbour"] and
                          not any(n["dst"] == "10.10.200.99" for n in rig.gw.js("neigh", "show"))) else None
        s2 = wait_for(drained, 30, "the held packets to be dropped and the entry to go")
        r = rig.receiver(5003)
        sent = rig.send(5003, 300, 1000)["sent"]
        got = rig.result(r)["received"]
        check_eq((sent, got), (300, 300), "datagrams sent and received after the flood")
        s3 = rig.stats()
        accounted(s3)
        check_eq(s3["drops"]["no_neighbour"], s3["events"]["neigh_held"] - s3["events"]["neigh_released"],
                 "no_neighbour = held - released")
        # (not_for_us: the hosts' own multicast chatter when their links come up)
        check_eq({k: v for k, v in s3["drops"].items() if v and k not in ("no_neighbour", "not_for_us")},
                 {}, "other drops")
        check(s3["events"]["neigh_failed"] >= 1, "resolutions given up")
        print(f"    (flood: {flooded} datagrams sent by hostA in 4 s; gatewayd received "
              f"{s1['ports']['port0']['rx_packets'] - s0['ports']['port0']['rx_packets']}, lost "
              f"{nombuf} for want of mbufs (port0 rx_nombuf); peak held {peak_held}; held and "
              f"dropped no_neighbour {s2['drops']['no_neighbour']}; ARP requests not built "
              f"{s3['events']['no_mbuf']}; good flow during the flood {good_got}/{good_sent}, "
              f"after it 300/300)")
    finally:
        rig.close()


# =========================================================================== link down / up

@test("link down/up under traffic: kernel side down (tx_full), link set down (link_down), all accounted")
def t_link_flap():
    rig = Rig("linkflap", "neigh add 10.10.200.2 lladdr 02:0b:00:00:00:02 dev port1\n", []).start()
    try:
        s0 = rig.stats()
        r = rig.receiver(5001, idle=3.0)
        n, pps = 3000, 500
        sender = rig.send(5001, n, pps, background=True)
        time.sleep(1.0)
        rig.b.ip("link", "set", "dev", rig.tap_b, "down")    # the kernel side goes away
        time.sleep(1.0)
        rig.b.ip("link", "set", "dev", rig.tap_b, "up")
        time.sleep(1.0)
        rig.gw.ok("link", "set", "port1", "down")            # the operator takes it down
        time.sleep(1.0)
        rig.gw.ok("link", "set", "port1", "up")
        sent = rig.result(sender)["sent"]
        got = rig.result(r)
        s1 = rig.stats()
        check_eq(sent, n, "datagrams hostA sent")
        accounted(s1)
        d = {k: s1["drops"][k] - s0["drops"][k] for k in s1["drops"]}
        lost = {k: v for k, v in d.items() if v}
        forwarded = s1["ports"]["port1"]["tx_packets"] - s0["ports"]["port1"]["tx_packets"]
        check(d["tx_full"] > 0, f"no tx_full while the kernel side was down: {lost}")
        check(d["link_down"] > 0, f"no link_down while port1 was down: {lost}")
        check_eq(set(lost) - {"tx_full", "link_down"}, set(), "drop reasons other than tx_full and link_down")
        check_eq(got["received"] + d["tx_full"] + d["link_down"], n,
                 f"received {got['received']} + tx_full {d['tx_full']} + link_down {d['link_down']}")
        check_eq(forwarded, got["received"], "port1 tx_packets vs datagrams hostB received")
        seqs = got["seqs"]
        check_eq(seqs[-500:], list(range(n - 500, n)), "the last second of traffic, after both flaps")
        print(f"    ({n} sent; received {got['received']}; tx_full {d['tx_full']} (kernel side down), "
              f"link_down {d['link_down']} (link set port1 down))")
    finally:
        rig.close()


# =========================================================================== neighbour goes silent

@test("a neighbour that stops answering: PROBE, deleted, held then no_neighbour; every packet accounted")
def t_neighbour_silent():
    rig = Rig("neighsilent", "", ["--neigh_reachable_ms=1000", "--neigh_retrans_ms=200",
                                  "--neigh_probes=3", "--neigh_hold=100000"]).start()
    try:
        s0 = rig.stats()
        # 1. hostB answers ARP: learned, everything arrives (the first ones after being held).
        r = rig.receiver(5001)
        check_eq(rig.send(5001, 100, 100)["sent"], 100, "sent while hostB answers")
        check_eq(rig.result(r)["received"], 100, "received while hostB answers")
        ns = [n for n in rig.gw.js("neigh", "show") if n["dst"] == "10.10.200.2"]
        check(len(ns) == 1 and ns[0].get("lladdr") == MAC_B and ns[0]["state"] in ("REACHABLE", "PROBE"),
              f"hostB learned: {ns}")
        # 2. hostB goes silent (no ARP at all) while traffic goes on for 5 s.
        rig.b.ip("link", "set", "dev", rig.tap_b, "arp", "off")
        s1 = rig.stats()
        r = rig.receiver(5002, idle=3.0)
        sender = rig.send(5002, 500, 100, background=True)
        states = []
        while sender.poll() is None:
            ns = [n["state"] for n in rig.gw.js("neigh", "show") if n["dst"] == "10.10.200.2"]
            st = ns[0] if ns else "none"
            if not states or states[-1] != st:
                states.append(st)
            time.sleep(0.05)
        sent = rig.result(sender)["sent"]
        got = rig.result(r)["received"]
        # What is still held is given up after the last retries: the entry gone, and nothing held
        # in the same snapshot as the counters (the entry can go just after a snapshot that still
        # had its last packet held).
        s2 = wait_for(lambda: (lambda st: st if st["books"]["held"] == 0 and
                               not rig.gw.js("neigh", "show") else None)(rig.stats()),
                      30, "the silent neighbour's entry to go and its packets to be given up")
        d = {k: s2["drops"][k] - s1["drops"][k] for k in s2["drops"]}
        e = {k: s2["events"][k] - s1["events"][k] for k in s2["events"]}
        check_eq(sent, 500, "sent while hostB is silent")
        accounted(s2)
        check("PROBE" in states, f"the entry was never re-probed (states seen: {states})")
        check("INCOMPLETE" in states, f"no new resolution was tried (states seen: {states})")
        check(e["neigh_failed"] >= 2, f"resolutions given up: {e['neigh_failed']} (states {states})")
        check_eq({k: v for k, v in d.items() if v and k != "no_neighbour"}, {}, "other drops")
        check_eq(d["no_neighbour"], e["neigh_held"] - e["neigh_released"],
                 "no_neighbour = held - released")
        check_eq(got + d["no_neighbour"], sent, f"received {got} + no_neighbour {d['no_neighbour']}")
        check(got > 0 and d["no_neighbour"] > 0, f"received {got}, dropped {d['no_neighbour']}")
        # 3. hostB answers again: the next packets are held, then released.
        rig.b.ip("link", "set", "dev", rig.tap_b, "arp", "on")
        r = rig.receiver(5003)
        check_eq(rig.send(5003, 100, 100)["sent"], 100, "sent after hostB answers again")
        check_eq(rig.result(r)["received"], 100, "received after hostB answers again")
        s3 = rig.stats()
        check(s3["events"]["neigh_released"] > s2["events"]["neigh_released"], "nothing held was released")
        print(f"    (states seen: {' -> '.join(states)}; while silent: {sent} sent, {got} received, "
              f"{d['no_neighbour']} no_neighbour, {e['neigh_failed']} resolutions given up; "
              f"learned from the start: {s3['events']['neigh_learned'] - s0['events']['neigh_learned']})")
    finally:
        rig.close()


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
