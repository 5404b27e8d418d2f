#!/usr/bin/python3
"""gatewayd's log (gatewayd(8), LOGGING): rte_log under the type "gatewayd", one logfmt line per
control event, levels from the EAL's --log-level=gatewayd:LEVEL, and the journal's <level> prefix
under systemd.

    /usr/bin/python3 tests/ops/log_test.py [--gatewayd build/gatewayd] [--gwctl build/gwctl]
"""
import importlib.util
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lib import Gatewayd, check, check_eq, events, main, parse_logfmt, test, wait_for  # noqa: E402
import lib  # noqa: E402

_spec = importlib.util.spec_from_file_location("pcaplib", os.path.join(os.path.dirname(HERE), "pcap", "lib.py"))
pcap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pcap)
from scapy.all import wrpcap  # noqa: E402

CONFIG = """\
# two lines of comment and a blank one do not count

addr add 10.65.132.187/24 dev port0
tunnel add t1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set t1 up
"""


def gw_lines(text):
    return [l for l in text.splitlines() if "GATEWAYD:" in l]


@test("info: ports, config loaded, socket commands applied and refused, config saved, stopping")
def t_info_events():
    gw = Gatewayd("info", config=CONFIG).start()
    gw.ok("tunnel", "add", "t9", "mode", "ipip", "remote", "10.0.0.9", "local", "10.65.132.187")
    r = gw.gwctl("route", "add", "10.99.0.0/16", "dev", "nosuch")
    check_eq((r.rc, r.err), (1, 'gwctl: unknown device "nosuch"\n'), "the refused command")
    saved = gw.ok("config", "save")
    check_eq(saved, f"saved to {gw.config_path}\n", "config save")
    gw.stop()
    err = gw.stderr()
    for line in gw_lines(err):   # every line of ours parses, and is one event
        e = parse_logfmt(line)
        check(line.startswith("GATEWAYD: event=") and e and "event" in e, f"not one logfmt event: {line!r}")
    ports = events(err, "port_up")
    check_eq([(e["dev"], e["driver"], e["mtu"], e["rxq"], e["txq"]) for e in ports],
             [("port0", "net_null", "1500", "1", "1"), ("port1", "net_null", "1500", "1", "1")], "port_up")
    check(all(re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", e["mac"]) for e in ports), f"port_up macs: {ports}")
    check_eq(events(err, "config_loaded"), [{"event": "config_loaded", "file": gw.config_path, "commands": "3"}],
             "config_loaded")
    check_eq(events(err, "command_applied"),
             [{"event": "command_applied", "source": "socket",
               "command": "tunnel add t9 mode ipip remote 10.0.0.9 local 10.65.132.187"}],
             "command_applied (the file's at debug only)")
    check_eq(events(err, "command_refused"),
             [{"event": "command_refused", "source": "socket", "command": "route add 10.99.0.0/16 dev nosuch",
               "error": 'unknown device "nosuch"'}], "command_refused")
    size = os.path.getsize(gw.config_path)
    check_eq(events(err, "config_saved"), [{"event": "config_saved", "file": gw.config_path, "bytes": str(size)}],
             "config_saved")
    check_eq(len(events(err, "stopping")), 1, "stopping")
    # Order: the ports come up before the config is read, the changes after.
    order = [e["event"] for e in events(err)]
    check(order.index("port_up") < order.index("config_loaded") < order.index("command_applied")
          < order.index("config_saved") < order.index("stopping"), f"event order: {order}")


@test("gwctl --batch: one batch_done line at info, each change at debug; a failing batch says so")
def t_batch():
    for level in ("info", "debug"):
        gw = Gatewayd(f"batch_{level}", config=CONFIG,
                      eal=["-l", "0,1", "--no-huge", "--no-pci", "-m", "512", "--vdev=net_null0,no-rx=1",
                           f"--log-level=gatewayd:{level}"]).start()
        good = os.path.join(gw.dir, "good.batch")
        with open(good, "w") as f:
            f.write("tunnel add b1 remote 10.0.0.2 local 10.65.132.187\nlink set b1 up\n"
                    "route add 10.50.0.0/16 dev b1\n")
        bad = os.path.join(gw.dir, "bad.batch")
        with open(bad, "w") as f:
            f.write("route del 10.50.0.0/16\nroute del 10.50.0.0/16\nlink set b1 down\n")
        r = gw.gwctl(f"--batch={good}")
        check_eq((r.rc, r.err), (0, f"gwctl: 3 command(s) applied from {good}\n"), "the good batch")
        r = gw.gwctl(f"--batch={bad}")
        check_eq(r.rc, 1, f"the bad batch: {r}")
        wait_for(lambda: len(events(gw.stderr(), "batch_done")) == 2, 30, "two batch_done lines")
        gw.stop()
        err = gw.stderr()
        check_eq([(e["succeeded"], e["failed"]) for e in events(err, "batch_done")], [("3", "no"), ("1", "yes")],
                 f"batch_done at {level}")
        check_eq([(e["source"], e["command"]) for e in events(err, "command_refused")],
                 [("batch", "route del 10.50.0.0/16")], f"command_refused at {level}")
        applied = [(e["source"], e["command"]) for e in events(err, "command_applied") if e["source"] == "batch"]
        want = [("batch", "tunnel add b1 remote 10.0.0.2 local 10.65.132.187"), ("batch", "link set b1 up"),
                ("batch", "route add 10.50.0.0/16 dev b1"), ("batch", "route del 10.50.0.0/16")]
        check_eq(applied, want if level == "debug" else [], f"the batch's command_applied at {level}")


@test("--log-level=gatewayd:debug adds each config line; gatewayd:warning keeps info out")
def t_levels():
    gw = Gatewayd("debug", config=CONFIG, eal=["-l", "0,1", "--no-huge", "--no-pci", "-m", "512",
                                                "--vdev=net_null0,no-rx=1", "--log-level=gatewayd:debug"]).start()
    gw.stop()
    applied = events(gw.stderr(), "command_applied")
    check_eq([(e["source"], e["command"]) for e in applied],
             [(f"{gw.config_path}:3", "addr add 10.65.132.187/24 dev port0"),
              (f"{gw.config_path}:4", "tunnel add t1 mode ipip remote 10.65.132.188 local 10.65.132.187"),
              (f"{gw.config_path}:5", "link set t1 up")], "debug: the file's lines")

    gw = Gatewayd("warning", config=CONFIG, eal=["-l", "0,1", "--no-huge", "--no-pci", "-m", "512",
                                                  "--vdev=net_null0,no-rx=1", "--log-level=gatewayd:warning"]).start()
    gw.ok("link", "set", "t1", "down")
    gw.stop()
    check_eq(gw_lines(gw.stderr()), [], "GATEWAYD lines at warning (none of the events is a warning here)")


@test("neighbour learned (ARP request from a host) and failed (no answer): one line each")
def t_neigh():
    d = os.path.join(lib.TMP, "neigh")
    os.makedirs(d)
    # port1 (LAN): the host asks for the gateway (the gateway learns it), then sends a packet whose
    # next hop 10.65.132.50 on port0 never answers.
    frames1 = [pcap.arp_request(pcap.HOST_MAC, pcap.HOST, pcap.GW_LAN),
               pcap.to_gw(1, pcap.HOST_MAC, pcap.udp4(pcap.HOST, "10.65.132.50", ttl=30, seq=1))]
    wrpcap(os.path.join(d, "in1.pcap"), frames1)
    wrpcap(os.path.join(d, "in0.pcap"), [], linktype=1)
    eal = ["-l", "0,1", "--no-huge", "--no-pci", "-m", "512"]
    for p in (0, 1):
        eal.append(f"--vdev=net_pcap{p},rx_pcap={d}/in{p}.pcap,tx_pcap={d}/out{p}.pcap")
    config = f"addr add {pcap.GW}/24 dev port0\naddr add {pcap.GW_LAN}/24 dev port1\n"
    gw = Gatewayd("neigh", eal=eal, config=config,
                  flags=["--neigh_retrans_ms=200", "--neigh_probes=1", "--idle_sleep_us=50"]).start()
    failed = wait_for(lambda: events(gw.stderr(), "neigh_failed"), 30, "event=neigh_failed")
    gw.stop()
    err = gw.stderr()
    check_eq(events(err, "neigh_learned"),
             [{"event": "neigh_learned", "dev": "port1", "addr": pcap.HOST, "lladdr": pcap.HOST_MAC}],
             "neigh_learned")
    check_eq(failed, [{"event": "neigh_failed", "dev": "port0", "addr": "10.65.132.50", "probes": "1",
                       "state": "INCOMPLETE"}], "neigh_failed")


@test("under systemd ($JOURNAL_STREAM): every log line once on stderr with its <level>")
def t_journal():
    gw = Gatewayd("journal", config=CONFIG, env={"JOURNAL_STREAM": "8:12345"},
                  flags=["--test_only_stall_worker_ms=500"]).start()
    time.sleep(1)
    gw.ok("link", "set", "t1", "down")
    gw.stop()
    lines = [l for l in gw.stderr().splitlines() if l]
    check(lines, "nothing on stderr")
    bare = [l for l in lines if not re.match(r"<[0-7]>", l)]
    check_eq(bare, [], "stderr lines without a <level> prefix")
    check(any(l.startswith("<6>EAL: ") for l in lines), "no EAL line at info (<6>)")
    ours = {parse_logfmt(l)["event"]: l[:3] for l in lines if "GATEWAYD:" in l}
    check_eq((ours.get("port_up"), ours.get("command_applied"), ours.get("stopping")), ("<6>", "<6>", "<6>"),
             "info events' prefix")
    # Without NOTIFY_SOCKET there is no watchdog to notice the stall: no warning either.
    check("worker_stalled" not in ours, "worker_stalled without a watchdog")


if __name__ == "__main__":
    sys.exit(main(__doc__))
