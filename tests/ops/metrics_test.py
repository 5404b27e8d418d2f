#!/usr/bin/python3
"""Prometheus metrics (--metrics, /metrics; gwctl stats --prometheus) and /gateway/tunnels in DPDK
telemetry, after known traffic.

    /usr/bin/python3 tests/ops/metrics_test.py [--gatewayd build/gatewayd] [--gwctl build/gwctl]

The traffic is built here with scapy (tests/pcap/lib.py's topology): net_pcap ports replay it once
at start, under a config with two tunnels. /metrics is fetched with curl and parsed with
python3-prometheus-client's text parser; every counter must equal both the value the traffic
implies and `gwctl -j stats`. Error paths: bad --metrics values and a port already in use are one
clear line on stderr and exit 1.
"""
import json
import os
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from lib import (Failure, Gatewayd, check, check_eq, events, free_tcp_port, main, run,  # noqa: E402
                 test, wait_for)
import lib  # noqa: E402

# tests/pcap/lib.py is also called "lib": load it under another name.
import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location("pcaplib", os.path.join(os.path.dirname(HERE), "pcap", "lib.py"))
pcap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pcap)

from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from scapy.all import wrpcap  # noqa: E402

CONFIG = f"""\
addr add {pcap.GW}/24 dev port0
addr add {pcap.GW_LAN}/24 dev port1
neigh add {pcap.PEER} lladdr {pcap.PEER_MAC} dev port0
neigh add {pcap.HOST} lladdr {pcap.HOST_MAC} dev port1
tunnel add tun1 mode ipip remote {pcap.PEER} local {pcap.GW}
tunnel add tun2 mode ipip remote {pcap.PEER2} local {pcap.GW}
link set tun1 up
link set tun2 up
route add 10.10.200.0/24 dev tun1
"""

ENCAP = [pcap.udp4(pcap.HOST, f"10.10.200.{10 + i}", ttl=30, id=0x100 + i, size=100 + 10 * i, seq=i)
         for i in range(7)]
# Frames for another MAC: dropped (not_for_us) without an answer, unlike no_route (ICMP).
OTHER_MAC = "52:54:00:99:99:99"
NOTFORUS = [pcap.udp4(pcap.HOST, f"10.10.200.{50 + i}", ttl=30, id=0x200 + i, seq=i) for i in range(3)]
DECAP = [pcap.udp4(pcap.REMOTE, pcap.HOST, ttl=20, id=0x300 + i, size=200 + i, seq=i) for i in range(4)]
STRANGE = [pcap.udp4(pcap.REMOTE, pcap.HOST, ttl=20, id=0x400 + i, seq=i) for i in range(2)]

IN1 = ([pcap.to_gw(1, pcap.HOST_MAC, p) for p in ENCAP]
       + [pcap.eth(pcap.HOST_MAC, OTHER_MAC, p) for p in NOTFORUS])
IN0 = ([pcap.to_gw(0, pcap.PEER_MAC, pcap.ipip(p, pcap.PEER, pcap.GW, ttl=64)) for p in DECAP]
       + [pcap.to_gw(0, pcap.STRANGER_MAC, pcap.ipip(p, pcap.STRANGER, pcap.GW, ttl=64)) for p in STRANGE])

EXPECT_PORTS = {
    "port0": {"rx_packets": len(IN0), "rx_bytes": sum(len(f) for f in IN0),
              "tx_packets": len(ENCAP), "tx_bytes": sum(len(p) + 14 + 20 for p in ENCAP)},
    "port1": {"rx_packets": len(IN1), "rx_bytes": sum(len(f) for f in IN1),
              "tx_packets": len(DECAP), "tx_bytes": sum(len(p) + 14 for p in DECAP)},
}
EXPECT_TUNNELS = {
    "tun1": {"encap_packets": len(ENCAP), "encap_bytes": sum(len(p) for p in ENCAP),
             "decap_packets": len(DECAP), "decap_bytes": sum(len(p) for p in DECAP)},
    "tun2": {"encap_packets": 0, "encap_bytes": 0, "decap_packets": 0, "decap_bytes": 0},
}
EXPECT_DROPS = {"not_for_us": len(NOTFORUS), "unknown_peer": len(STRANGE)}
TOTAL = len(IN0) + len(IN1)


def pcap_gatewayd(label, flags):
    d = os.path.join(lib.TMP, f"pcap_{label}")
    os.makedirs(d)
    wrpcap(os.path.join(d, "in0.pcap"), IN0)
    wrpcap(os.path.join(d, "in1.pcap"), IN1)
    eal = ["-l", "0,1", "--no-huge", "--no-pci", "-m", "512"]
    for p in (0, 1):
        eal.append(f"--vdev=net_pcap{p},rx_pcap={d}/in{p}.pcap,tx_pcap={d}/out{p}.pcap")
    return Gatewayd(label, eal=eal, config=CONFIG, flags=flags)


def scrape(url):
    r = run(["curl", "-sS", "--max-time", "30", "-D", "-", url])
    check(r.rc == 0, f"curl {url}: {r}")
    head, _, body = r.out.partition("\r\n\r\n")
    return head, body


def samples(text):
    """{(name, frozenset(labels)): value} and {family: (type, help)} of an exposition."""
    vals, fams = {}, {}
    for fam in text_string_to_metric_families(text):
        fams[fam.name] = (fam.type, fam.documentation)
        for s in fam.samples:
            key = (s.name, frozenset(s.labels.items()))
            check(key not in vals, f"sample {key} twice")
            vals[key] = s.value
    return vals, fams


def val(vals, name, **labels):
    key = (name, frozenset(labels.items()))
    check(key in vals, f"no sample {name}{labels} in the exposition")
    return int(vals[key])


def stats_json(gw):
    return json.loads(gw.ok("-j", "stats"))


def check_against(vals, st, what):
    """Every counter of `gwctl -j stats` equals its sample."""
    for p in st["ports"]:
        for k in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_missed"):
            check_eq(val(vals, f"gatewayd_port_{k}_total", port=p["name"]), p[k], f"{what}: {p['name']} {k}")
    for t in st["tunnels"]:
        for k in ("encap_packets", "encap_bytes", "decap_packets", "decap_bytes"):
            check_eq(val(vals, f"gatewayd_tunnel_{k}_total", tunnel=t["name"]), t[k], f"{what}: {t['name']} {k}")
    tunnel_labels = {dict(l)["tunnel"] for (n, l) in vals if n == "gatewayd_tunnel_encap_packets_total"}
    check_eq(tunnel_labels, {t["name"] for t in st["tunnels"]}, f"{what}: tunnels")
    check_eq(val(vals, "gatewayd_tunnels"), len(st["tunnels"]), f"{what}: gatewayd_tunnels")
    for reason, n in st["drops"].items():
        check_eq(val(vals, "gatewayd_drops_total", reason=reason), n, f"{what}: drops {reason}")
    for ev, n in st["events"].items():
        check_eq(val(vals, "gatewayd_events_total", event=ev), n, f"{what}: events {ev}")
    check_eq(val(vals, "gatewayd_packets_processed_total"), st["processed"], f"{what}: processed")
    for l in st["lcores"]:
        check_eq(val(vals, "gatewayd_lcore_packets_total", lcore=str(l["lcore"])), l["packets"], f"{what}: lcore packets")
        check_eq(val(vals, "gatewayd_lcore_busy_cycles_total", lcore=str(l["lcore"])), l["busy_cycles"],
                 f"{what}: lcore busy cycles")


def telemetry(prefix, cmd):
    r = run(["dpdk-telemetry.py", "-f", prefix], input=(cmd + "\n").encode(), timeout=60)
    check(r.rc == 0, f"dpdk-telemetry.py {cmd}: {r}")
    key = cmd.split(",")[0]   # the reply is keyed by the command without its parameters
    for line in r.out.splitlines():
        line = line.strip().lstrip("-->").strip()
        if line.startswith("{") and f'"{key}"' in line:
            return json.loads(line)[key]
    raise Failure(f"dpdk-telemetry.py printed no reply to {cmd}: {r.out!r}")


@test("after known traffic, /metrics = gwctl -j stats = what was sent; HELP/TYPE; telemetry /gateway/tunnels")
def t_metrics_match():
    port = free_tcp_port()
    gw = pcap_gatewayd("traffic", [f"--metrics=127.0.0.1:{port}", "--idle_sleep_us=50"]).start()
    listening = events(gw.stderr(), "metrics_listening")
    check_eq([e.get("url") for e in listening], [f"http://127.0.0.1:{port}/metrics"], "metrics_listening")
    wait_for(lambda: stats_json(gw)["processed"] == TOTAL, 60, f"{TOTAL} packets processed")
    # The TX counters of net_pcap move as the TX buffers flush: wait for them too.
    wait_for(lambda: sum(p["tx_packets"] for p in stats_json(gw)["ports"]) == len(ENCAP) + len(DECAP), 60,
             "every forwarded packet sent")
    st = stats_json(gw)

    head, body = scrape(f"http://127.0.0.1:{port}/metrics")
    check(head.startswith("HTTP/1.1 200"), f"status line: {head.splitlines()[0]!r}")
    ctype = [l for l in head.split("\r\n") if l.lower().startswith("content-type:")]
    check_eq(ctype, ["Content-Type: text/plain; version=0.0.4; charset=utf-8"], "Content-Type")
    vals, fams = samples(body)

    # The traffic's own numbers.
    for name, want in EXPECT_PORTS.items():
        for k, n in want.items():
            check_eq(val(vals, f"gatewayd_port_{k}_total", port=name), n, f"{name} {k}")
        check_eq(val(vals, "gatewayd_port_up", port=name), 1, f"{name} up")
    for name, want in EXPECT_TUNNELS.items():
        for k, n in want.items():
            check_eq(val(vals, f"gatewayd_tunnel_{k}_total", tunnel=name), n, f"{name} {k}")
    drops = {dict(l)["reason"]: int(v) for (n, l), v in vals.items() if n == "gatewayd_drops_total"}
    check_eq({r: n for r, n in drops.items() if n}, EXPECT_DROPS, "non-zero drops")
    check_eq(sorted(drops), sorted(st["drops"]), "every drop reason exposed, zeros too")
    check_eq(val(vals, "gatewayd_packets_processed_total"), TOTAL, "processed")
    check(val(vals, "gatewayd_lcore_loops_total", lcore="1") > 0, "lcore1 loops")
    # ... and gwctl's.
    check_against(vals, st, "/metrics vs gwctl -j stats")

    # HELP and TYPE for every family; counters end in _total.
    for fam, (typ, doc) in fams.items():
        check(doc, f"{fam}: no HELP text")
    for name in ("gatewayd_port_rx_packets", "gatewayd_drops", "gatewayd_events", "gatewayd_tunnel_encap_bytes",
                 "gatewayd_lcore_busy_cycles", "gatewayd_packets_processed"):
        check_eq(fams.get(name, (None,))[0], "counter", f"TYPE of {name}_total")
    check_eq(fams.get("gatewayd_tunnels", (None,))[0], "gauge", "TYPE of gatewayd_tunnels")
    for line in body.splitlines():
        if line.startswith("# TYPE ") and line.endswith(" counter"):
            check(line.split()[2].endswith("_total"), f"counter without _total: {line}")

    # gwctl stats --prometheus: the same formatter (loops move between the two reads).
    prom = gw.ok("stats", "--prometheus")
    pvals, pfams = samples(prom)
    strip = lambda v: {k: x for k, x in v.items() if k[0] != "gatewayd_lcore_loops_total"}  # noqa: E731
    check_eq(strip(pvals), strip(vals), "gwctl stats --prometheus vs /metrics")
    check_eq(pfams, fams, "families of gwctl stats --prometheus vs /metrics")
    r = gw.gwctl("stats", "--bogus")
    check(r.rc == 1 and r.err == 'gwctl: unknown word "--bogus" after stats\n', f"stats --bogus: {r}")

    # Other paths.
    r = run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", f"http://127.0.0.1:{port}/nope"])
    check_eq(r.out, "404", "GET /nope")

    # DPDK telemetry, with DPDK's own client.
    tel = telemetry(gw.prefix, "/gateway/tunnels")
    check_eq(tel, {"count": 2, "shown": 2, "tunnels": EXPECT_TUNNELS}, "/gateway/tunnels")
    check_eq(telemetry(gw.prefix, "/gateway/tunnels,tun1"), EXPECT_TUNNELS["tun1"], "/gateway/tunnels,tun1")
    check_eq(telemetry(gw.prefix, "/gateway/tunnels,nope"), None, "/gateway/tunnels,nope")

    # The tunnel list follows live changes (republished by the control thread).
    gw.ok("tunnel", "add", "tun3", "mode", "sit", "remote", pcap.PEER3, "local", pcap.GW)
    gw.ok("tunnel", "del", "tun2")

    def republished():
        v, _ = samples(scrape(f"http://127.0.0.1:{port}/metrics")[1])
        names = {dict(l)["tunnel"] for (n, l) in v if n == "gatewayd_tunnel_decap_packets_total"}
        return names == {"tun1", "tun3"} and v
    vals2 = wait_for(republished, 10, "/metrics to list tun1 and tun3 only", interval=0.1)
    check_eq(val(vals2, "gatewayd_tunnel_encap_packets_total", tunnel="tun3"), 0, "tun3 encap")
    check_eq(val(vals2, "gatewayd_tunnels"), 2, "gatewayd_tunnels after the change")
    check_against(vals2, stats_json(gw), "after the change")
    tel = telemetry(gw.prefix, "/gateway/tunnels")
    check_eq(sorted(tel["tunnels"]), ["tun1", "tun3"], "/gateway/tunnels after the change")
    gw.stop()


@test("--metrics off by default: no HTTP thread, no metrics_listening line; gwctl stats --prometheus works")
def t_metrics_off():
    gw = Gatewayd("off").start()
    check_eq(events(gw.stderr(), "metrics_listening"), [], "metrics_listening without --metrics")
    vals, _ = samples(gw.ok("stats", "--prometheus"))
    check_eq(val(vals, "gatewayd_tunnels"), 0, "gatewayd_tunnels")
    check_eq(val(vals, "gatewayd_port_rx_packets_total", port="port1"), 0, "port1 rx")
    gw.stop()


BAD = [
    ("nonsense", 'no ":PORT"'),
    ("127.0.0.1", 'no ":PORT"'),
    ("127.0.0.1:", "port must be 1..65535"),
    ("127.0.0.1:0", "port must be 1..65535"),
    ("127.0.0.1:65536", "port must be 1..65535"),
    ("127.0.0.1:80x", "port must be 1..65535"),
    ("127.0.0.1:-1", "port must be 1..65535"),
    ("300.1.1.1:9100", "bad IPv4 address"),
    ("localhost:9100", "bad IPv4 address"),
    ("::1:9100", "an IPv6 address needs brackets"),
    ("[::1]9100", 'no "]:PORT" after the IPv6 address'),
    ("[::zz]:9100", "bad IPv6 address"),
]


@test("a bad --metrics value: exit 1, one line naming the value, before any port starts")
def t_bad_values():
    for value, why in BAD:
        rc, err = Gatewayd("bad", flags=[f"--metrics={value}"]).run_to_exit()
        lines = [l for l in err.splitlines() if l.startswith("gatewayd:")]
        want = (f"gatewayd: --metrics={value}: {why} (want ADDR:PORT with an IPv4 or [IPv6] address, "
                f"e.g. 127.0.0.1:9478 or [::1]:9478)")
        check_eq((rc, lines), (1, [want]), f"--metrics={value}")
        check("port_up" not in err, f"--metrics={value}: ports were started first:\n{err}")


@test("--metrics on a port in use (also with SO_REUSEPORT): exit 1, 'Address already in use', nothing forwarded")
def t_port_in_use():
    for reuseport in (False, True):
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if reuseport:   # cpp-httplib's default option would have shared the port
            holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        try:
            gw = Gatewayd("inuse", flags=[f"--metrics=127.0.0.1:{port}"])
            rc, err = gw.run_to_exit()
            lines = [l for l in err.splitlines() if l.startswith("gatewayd:")]
            check_eq((rc, lines), (1, [f"gatewayd: --metrics=127.0.0.1:{port}: cannot listen: Address already in use"]),
                     f"port in use (SO_REUSEPORT={reuseport})")
            check("forwarding" not in gw.stdout(), "gatewayd said forwarding although it failed")
            check(not os.path.exists(gw.sock), "the control socket was left behind")
        finally:
            holder.close()


def cpu_set(text):
    """"0-2,5" -> {0, 1, 2, 5}"""
    out = set()
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out |= set(range(int(lo), int(hi or lo) + 1))
    return out


def threads(pid):
    """{thread name: [CPU affinity lists]} of a process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                cpus = re.search(r"^Cpus_allowed_list:\s*(\S+)", f.read(), re.M).group(1)
        except FileNotFoundError:
            continue
        out.setdefault(name, []).append(cpus)
    return out


@test("the HTTP threads are DPDK control threads, never on the worker lcore's CPU")
def t_threads():
    port = free_tcp_port()
    gw = Gatewayd("threads", flags=[f"--metrics=127.0.0.1:{port}"]).start()
    for _ in range(3):   # keep-alive off: each scrape may wake another pool thread
        scrape(f"http://127.0.0.1:{port}/metrics")
    t = threads(gw.proc.pid)
    check(t.get("gw-metrics"), f"no gw-metrics thread: {t}")
    check_eq(t.get("rte-worker-1"), ["1"], "the worker lcore's CPU (-l 0,1)")
    # -l 0,1 leaves no CPU outside the lcores on this machine, so DPDK's control threads (and the
    # HTTP pool threads they start) share the main lcore's; on a bigger box they get the CPUs no
    # lcore uses. Only the worker may run on CPU 1.
    for name, cpu_lists in t.items():
        for cpus in cpu_lists:
            check(name.startswith("rte-worker-") or 1 not in cpu_set(cpus),
                  f"thread {name} may run on the worker's CPU 1: {cpus} ({t})")
    gw.stop()


@test("--metrics on IPv6 loopback")
def t_ipv6():
    port = free_tcp_port()
    gw = Gatewayd("v6", flags=[f"--metrics=[::1]:{port}"]).start()
    check_eq([e.get("url") for e in events(gw.stderr(), "metrics_listening")],
             [f"http://[::1]:{port}/metrics"], "metrics_listening")
    _, body = scrape(f"http://[::1]:{port}/metrics")
    vals, _ = samples(body)
    check_eq(val(vals, "gatewayd_port_up", port="port0"), 1, "port0 up")
    gw.stop()


if __name__ == "__main__":
    sys.exit(main(__doc__))
