#!/usr/bin/python3
"""Run one gatewayd pcap case end to end.

    /usr/bin/python3 tests/pcap/harness.py --gatewayd build/gatewayd tests/pcap/cases/NAME.py

A case module defines CONFIG, PORTS (default 2), send(), expect(), DROPS and optionally
EVENTS, EXTRA_ARGS, WAIT_S, LCORES, TX_QUEUES, UNORDERED_PORTS, CUSTOM_PORTS, live_check(),
check() (with a third parameter: each TX queue's frames apart), IGNORE_OUTER_ID,
EXPECT_CONFIG_ERROR, or send_later() and between(); see README.md. Exit status 0 = pass.

Steps: write inN.pcap per port and gw.conf into a temp dir, start gatewayd with one net_pcap
port per inN.pcap, poll the telemetry command /gateway/stats until every sent packet has been
processed, then until WAIT_S has passed and the counters (tx, drops, events) have been still for
STABLE_S (frames the control thread sends later: ARP/ND, held packets, retransmissions), run the
case's live_check (gwctl), SIGTERM, then check: exit status 0, "mempool: in_use=0", each port's
tx pcap equals the expected packets byte for byte and in order (gateway-chosen IPv4 ids of
frames wrapped in GenId taken from the actual frame), drop counters equal DROPS exactly, the
EVENTS named, the per-port rx/tx counters agree with what was sent and written, and the books
balance (docs/reliability.md 3), live and in the exit report.
"""
import argparse
import difflib
import importlib.util
import inspect
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True   # no __pycache__ in the source tree

from scapy.all import NoPayload, Padding, PcapWriter, Raw, RawPcapReader, conf  # noqa: E402
from scapy.layers.inet import IP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

from lib import GenId, take_gen_ids  # noqa: E402

conf.verb = 0

# Every drop reason gatewayd reports (telemetry lists all of them, zeros included).
DROP_REASONS = [
    "bad_ethertype", "not_for_us", "truncated", "bad_version", "bad_ihl", "bad_length",
    "bad_checksum", "ttl_exceeded", "no_route", "no_neighbour", "mtu_exceeded", "unknown_peer",
    "mode_mismatch", "ecn_drop", "nested_tunnel", "link_down", "no_headroom",
    "local_unsupported", "fragment", "tx_full", "bad_arp", "bad_ndisc", "bad_icmp",
    "slowpath_full", "frag_failed", "icmp_refused", "icmp_handled", "spread_full",
]

STARTUP_TIMEOUT = 60.0   # s for gatewayd to answer /gateway/stats at all (EAL init on a busy box)
PROCESS_TIMEOUT = 30.0   # s without progress of `processed` before giving up
EXIT_TIMEOUT = 30.0      # s to wait for gatewayd to exit after SIGTERM / on a bad config
POLL = 0.05
SETTLE = 0.2             # default WAIT_S: s from "all processed" to the snapshot that is checked
STABLE_S = 0.3           # ... and the counters must have been still this long before it
MAX_DIFF_PACKETS = 8     # detailed diffs shown per port
MAX_LINES_PER_PACKET = 40


class CaseError(Exception):
    pass


# --------------------------------------------------------------------------- case loading

def load_case(path):
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location("case_" + name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return name, mod


def to_bytes(p):
    return p if isinstance(p, (bytes, bytearray)) else bytes(p)


def case_inputs(mod):
    ports = getattr(mod, "PORTS", 2)
    sends = [(int(port), to_bytes(pkt)) for port, pkt in (mod.send() if hasattr(mod, "send") else [])]
    for port, _ in sends:
        if not 0 <= port < ports:
            raise CaseError(f"send(): port {port} out of range (PORTS={ports})")
    return ports, sends


def case_expected(mod, ports):
    """{port: [(frame bytes, offsets of IPv4 headers whose id the gateway chooses)]}."""
    exp = {p: [] for p in range(ports)}
    got = mod.expect() if hasattr(mod, "expect") else {}
    for port, pkts in got.items():
        if not 0 <= int(port) < ports:
            raise CaseError(f"expect(): port {port} out of range (PORTS={ports})")
        exp[int(port)] = [(bytes(p), p.offsets()) if isinstance(p, GenId) else (to_bytes(p), ())
                          for p in pkts]
    return exp


def case_later(mod, ports, sends):
    """send_later(): frames sent once send()'s are processed and between() passed. All input
    must then come in on one port, whose rx_pcap is a FIFO (Later)."""
    if not hasattr(mod, "send_later"):
        return None, []
    later = [(int(port), to_bytes(pkt)) for port, pkt in mod.send_later()]
    used = {port for port, _ in sends + later}
    if len(used) != 1:
        raise CaseError(f"send_later(): all input on one port, not on {sorted(used)}")
    port = used.pop()
    if not 0 <= port < ports:
        raise CaseError(f"send_later(): port {port} out of range (PORTS={ports})")
    return port, later


class Later:
    """A port whose rx_pcap is a FIFO the harness writes in two goes: send()'s frames at start,
    send_later()'s once between() has passed, then end of file. net_pcap reads it with blocking
    reads (libpcap over stdio), so the worker waits inside that port's rx burst for the second
    go: hence one input port, and --burst=1 (a burst returns only once it is full)."""

    PIPE_SIZE = 1 << 20

    def __init__(self, path, frames):
        os.mkfifo(path)
        # O_RDWR: opens at once without a reader, and the FIFO never reads as ended while open.
        self.fd = os.open(path, os.O_RDWR)
        try:
            import fcntl
            fcntl.fcntl(self.fd, 1031, self.PIPE_SIZE)   # F_SETPIPE_SZ
        except OSError:
            pass
        self.write(struct.pack("=IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1), frames)

    def write(self, head, frames):
        data = head + b"".join(struct.pack("=IIII", 0, 0, len(f), len(f)) + f for f in frames)
        if len(data) > self.PIPE_SIZE // 2:
            raise CaseError(f"{len(data)} bytes of frames in one go: more than the FIFO holds")
        os.write(self.fd, data)

    def finish(self, frames):
        self.write(b"", frames)
        self.close()

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def write_pcap(path, frames):
    # DLT_EN10MB. close() writes the 24-byte file header even when there is no frame, so a port
    # with no input still gets a valid (empty) pcap, which net_pcap needs to open.
    w = PcapWriter(path, linktype=1, sync=True)
    for f in frames:
        w.write(f)
    w.close()


def read_pcap(path):
    return [bytes(data) for data, _meta in RawPcapReader(path)]


# --------------------------------------------------------------------------- telemetry

def runtime_dir(prefix):
    if os.geteuid() == 0:
        base = "/var/run/dpdk"
    else:
        base = os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, prefix)


class Telemetry:
    def __init__(self, path):
        self.path = path
        self.sock = None

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def query(self, cmd):
        """Return the command's value, or None when the socket is not (yet) usable."""
        try:
            if self.sock is None:
                if not os.path.exists(self.path):
                    return None
                s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                s.settimeout(2.0)
                s.connect(self.path)
                s.recv(65536)           # greeting: {"version": ..., "pid": ..., "max_output_len": ...}
                self.sock = s
            self.sock.send(cmd.encode())
            data = self.sock.recv(65536)
            if not data:
                raise OSError("telemetry socket closed")
            return json.loads(data.decode()).get(cmd)
        except (OSError, ValueError):
            self.close()
            return None


# --------------------------------------------------------------------------- diffs

def _layers_path(layer):
    names = []
    while layer is not None and not isinstance(layer, NoPayload):
        names.append(layer.__class__.__name__)
        layer = layer.underlayer
    return "/".join(reversed(names))


def _hexspan(b, off, n=16):
    return b[off:off + n].hex(" ") + (" ..." if len(b) > off + n else "")


def field_diff(exp_b, act_b):
    """Field-by-field differences between two frames, using scapy's dissection."""
    lines = []
    if len(exp_b) != len(act_b):
        lines.append(f"frame length: expected {len(exp_b)} actual {len(act_b)}")
    e, a = Ether(exp_b), Ether(act_b)
    le, la = e, a
    while True:
        e_end, a_end = isinstance(le, NoPayload), isinstance(la, NoPayload)
        if e_end and a_end:
            break
        if e_end or a_end or type(le) is not type(la):
            en = "nothing" if e_end else le.__class__.__name__
            an = "nothing" if a_end else la.__class__.__name__
            where = _layers_path(la.underlayer if not a_end else le.underlayer) if (le.underlayer or la.underlayer) else ""
            lines.append(f"after {where or 'start'}: expected layer {en}, actual layer {an}")
            if not e_end:
                lines.append(f"  expected rest: {bytes(le)[:48].hex(' ')}")
            if not a_end:
                lines.append(f"  actual rest:   {bytes(la)[:48].hex(' ')}")
            break
        path = _layers_path(le)
        if isinstance(le, (Raw, Padding)):
            eb, ab = bytes(le.load), bytes(la.load)
            if eb != ab:
                off = next((i for i in range(min(len(eb), len(ab))) if eb[i] != ab[i]), min(len(eb), len(ab)))
                lines.append(f"{path}: {len(eb)} vs {len(ab)} bytes, first difference at offset {off}: "
                             f"expected [{_hexspan(eb, off)}] actual [{_hexspan(ab, off)}]")
        else:
            for f in le.fields_desc:
                ve, va = le.getfieldval(f.name), la.getfieldval(f.name)
                if ve != va:
                    try:
                        re_, ra = f.i2repr(le, ve), f.i2repr(la, va)
                    except Exception:
                        re_, ra = repr(ve), repr(va)
                    lines.append(f"{path}.{f.name}: expected {re_} actual {ra}")
        le, la = le.payload, la.payload
    if not lines and exp_b != act_b:
        off = next((i for i in range(min(len(exp_b), len(act_b))) if exp_b[i] != act_b[i]), 0)
        lines.append(f"bytes differ at offset {off}: expected [{_hexspan(exp_b, off)}] actual [{_hexspan(act_b, off)}]")
    if len(lines) > MAX_LINES_PER_PACKET:
        lines = lines[:MAX_LINES_PER_PACKET] + [f"... {len(lines) - MAX_LINES_PER_PACKET} more"]
    return lines


def summary(b):
    try:
        return Ether(b).summary()
    except Exception:
        return b[:32].hex(" ")


def adjust_outer_ids(exp, act):
    """IGNORE_OUTER_ID: for expected tunnel packets (outer proto 4/41) whose outer DF bit is clear,
    copy the actual outer id (a per-worker counter) and rebuild the outer checksum."""
    out = list(exp)
    for i in range(min(len(exp), len(act))):
        e = Ether(exp[i])
        if IP not in e or e[IP].proto not in (4, 41) or (int(e[IP].flags) & 0x2):
            continue
        a = Ether(act[i])
        if IP not in a:
            continue
        e[IP].id = a[IP].id
        del e[IP].chksum
        out[i] = bytes(e)
    return out


def compare_port_unordered(port, exp, act):
    """UNORDERED_PORTS: the same frames in any order. exp is [(bytes, gen-id offsets)]."""
    pool = list(act)
    resolved, pending = [], []
    for e, offs in exp:          # frames with gateway-chosen ids: find an actual frame they match
        if not offs:
            resolved.append(e)
            continue
        for j, a in enumerate(pool):
            if take_gen_ids(e, offs, a) == a:
                resolved.append(a)
                del pool[j]
                break
        else:
            pending.append(e)
    missing, extra = [], list(act)
    for e in resolved:
        if e in extra:
            extra.remove(e)
        else:
            missing.append(e)
    missing += pending
    if not missing and not extra:
        return []
    lines = [f"port{port}: tx pcap differs from expected, compared in any order "
             f"({len(exp)} expected, {len(act)} sent; {len(missing)} missing, {len(extra)} unexpected)"]
    return lines + compare_port(port, missing, extra)[1:]


def compare_port(port, exp, act):
    """Return a list of failure lines (empty when the port's output is exactly as expected)."""
    if exp == act:
        return []
    lines = [f"port{port}: tx pcap differs from expected ({len(exp)} expected, {len(act)} sent)"]
    if sorted(exp) == sorted(act):
        lines.append("  the same packets were sent, in a different order")
    shown = 0
    sm = difflib.SequenceMatcher(None, exp, act, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        pairs = []
        if tag == "replace":
            n = min(i2 - i1, j2 - j1)
            pairs = [(i1 + k, j1 + k) for k in range(n)]
            pairs += [(i, None) for i in range(i1 + n, i2)] + [(None, j) for j in range(j1 + n, j2)]
        elif tag == "delete":
            pairs = [(i, None) for i in range(i1, i2)]
        elif tag == "insert":
            pairs = [(None, j) for j in range(j1, j2)]
        for i, j in pairs:
            shown += 1
            if shown > MAX_DIFF_PACKETS:
                continue
            if i is not None and j is not None:
                lines.append(f"  expected #{i} / actual #{j}:")
                lines.append(f"    expected: {summary(exp[i])}")
                lines.append(f"    actual:   {summary(act[j])}")
                lines += ["    " + ln for ln in field_diff(exp[i], act[j])]
            elif i is not None:
                lines.append(f"  MISSING expected #{i}: {summary(exp[i])}")
            else:
                lines.append(f"  UNEXPECTED actual #{j}: {summary(act[j])}")
    if shown > MAX_DIFF_PACKETS:
        lines.append(f"  ... {shown - MAX_DIFF_PACKETS} more differing packets not shown")
    return lines


# --------------------------------------------------------------------------- running gatewayd

def out_paths(tmp, p, tx_queues):
    """Port p's tx pcaps, one per TX queue: outP.pcap, then outP.q1.pcap, ..."""
    return [os.path.join(tmp, f"out{p}.pcap")] + [os.path.join(tmp, f"out{p}.q{q}.pcap")
                                                   for q in range(1, tx_queues)]


def gatewayd_cmd(gatewayd, tmp, ports, prefix, extra=(), lcores=None, tx_queues=1):
    """lcores: EAL --lcores for the case (LCORES), else -l 0,1 (one worker); tx_queues: TX queues
    per port (each worker needs its own), each written to its own pcap."""
    cores = ["--lcores", lcores] if lcores else ["-l", "0,1"]
    # (each worker has its own TX buffers, reassembly table and inbound ring, and the mbuf pool
    # grows with them)
    mem = "1024" if lcores else "512"
    cmd = [gatewayd, *cores, "--no-huge", "--no-pci", "-m", mem,
           "--file-prefix", prefix, "--log-level=*:notice"]
    for p in range(ports):
        txs = "".join(f",tx_pcap={path}" for path in out_paths(tmp, p, tx_queues))
        cmd.append(f"--vdev=net_pcap{p},rx_pcap={tmp}/in{p}.pcap{txs}")
    cmd += ["--", f"--config={tmp}/gw.conf", "--idle_sleep_us=50", f"--socket={tmp}/gw.sock"]
    cmd += list(extra)
    return cmd


def gwctl_runner(args, tmp):
    """A function running `gwctl --socket=<the case's socket> ARGS...` -> (rc, stdout, stderr)."""
    path = args.gwctl or os.path.join(os.path.dirname(args.gatewayd), "gwctl")

    def run(*cmd):
        if not os.path.exists(path):
            return 127, "", f"no gwctl at {path} (give --gwctl)"
        r = subprocess.run([path, f"--socket={tmp}/gw.sock", *cmd], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout, r.stderr
    return run


def tail(path, n=60):
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return "(none)"
    if len(lines) > n:
        lines = [f"... ({len(lines) - n} earlier lines)"] + lines[-n:]
    return "\n".join(lines)


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def stop(proc, sig=signal.SIGTERM, timeout=EXIT_TIMEOUT):
    """Signal our own child and wait; SIGKILL it if it does not exit. Returns (rc, clean)."""
    if proc.poll() is not None:
        return proc.returncode, True
    proc.send_signal(sig)
    try:
        return proc.wait(timeout=timeout), True
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(), False


def run_case(args, name, mod, tmp):
    failures = []
    ports, sends = case_inputs(mod)
    config_error = getattr(mod, "EXPECT_CONFIG_ERROR", None)
    expected = case_expected(mod, ports) if config_error is None else {p: [] for p in range(ports)}
    drops_exp = dict(getattr(mod, "DROPS", {}))
    for r in drops_exp:
        if r not in DROP_REASONS:
            raise CaseError(f"DROPS names unknown reason {r!r}")
    for ev, want in getattr(mod, "EVENTS", {}).items():
        if not isinstance(want, (int, tuple)) or (isinstance(want, tuple) and len(want) != 2):
            raise CaseError(f"EVENTS[{ev!r}] must be a count or a (low, high) range")

    later_port, later = case_later(mod, ports, sends) if config_error is None else (None, [])
    for p in range(ports):
        if p != later_port:
            write_pcap(os.path.join(tmp, f"in{p}.pcap"), [f for port, f in sends if port == p])
    for p in range(ports):   # for a human diffing with tcpdump: the expected output, as built
        write_pcap(os.path.join(tmp, f"expected{p}.pcap"), [e for e, _ in expected[p]])
    with open(os.path.join(tmp, "gw.conf"), "w") as f:
        f.write(mod.CONFIG)

    if args.dry_run:
        print(f"{name}: {len(sends)} packets to send, "
              f"{sum(len(v) for v in expected.values())} expected, drops {drops_exp}")
        return []

    prefix = f"gwt_{os.getpid()}_{name}"[:64]
    extra = list(getattr(mod, "EXTRA_ARGS", ()))
    fifo = None
    if later_port is not None:
        fifo = Later(os.path.join(tmp, f"in{later_port}.pcap"),
                     [f for _, f in sends])
        extra.append("--burst=1")
    cmd = gatewayd_cmd(args.gatewayd, tmp, ports, prefix, extra,
                       getattr(mod, "LCORES", None), getattr(mod, "TX_QUEUES", 1))
    with open(os.path.join(tmp, "cmdline"), "w") as f:
        f.write(" ".join(cmd) + "\n")
    out_path, err_path = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
    rtdir = runtime_dir(prefix)
    tel = Telemetry(os.path.join(rtdir, "dpdk_telemetry.v2"))
    with open(out_path, "w") as fo, open(err_path, "w") as fe:
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe)
        except OSError as e:   # e.g. the binary is being relinked
            return [f"cannot start {args.gatewayd}: {e}"]
    try:
        if config_error is not None:
            failures += check_config_error(proc, config_error, tmp, ports, out_path, err_path)
        else:
            failures += check_run(proc, tel, mod, tmp, ports, sends, expected, drops_exp, out_path, err_path,
                                  gwctl_runner(args, tmp), fifo, later)
    finally:
        if fifo is not None:
            fifo.close()   # (end of file: a worker waiting in its read goes on)
        tel.close()
        if proc.poll() is None:
            stop(proc, signal.SIGKILL, 10)
        # The runtime dir is ours (unique prefix); gatewayd has exited.
        if os.path.isdir(rtdir) and os.path.basename(rtdir) == prefix:
            shutil.rmtree(rtdir, ignore_errors=True)
    return failures


def check_config_error(proc, regex, tmp, ports, out_path, err_path):
    failures = []
    try:
        rc = proc.wait(timeout=EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        stop(proc)
        return [f"gatewayd accepted the config (still running after {EXIT_TIMEOUT:.0f} s); "
                f"expected a config error matching /{regex}/",
                "stderr:\n" + tail(err_path)]
    err = read_text(err_path)
    if rc == 0:
        failures.append("gatewayd exited 0; expected a non-zero exit for a config error")
    if rc < 0:
        failures.append(f"gatewayd died from signal {-rc} instead of exiting with an error")
    if not re.search(regex, err, re.M):
        failures.append(f"stderr does not match /{regex}/")
        if re.search(regex, read_text(out_path), re.M):
            failures.append("  (it matches stdout: the message went to the wrong stream)")
        failures.append("stderr:\n" + tail(err_path))
        failures.append("stdout:\n" + tail(out_path, 20))
    for p in range(ports):
        path = os.path.join(tmp, f"out{p}.pcap")
        if os.path.exists(path) and os.path.getsize(path) > 0:
            try:
                n = len(read_pcap(path))
            except Exception:
                n = 0
            if n:
                failures.append(f"port{p} sent {n} packets although the config was refused")
    return failures


def settle(proc, tel, total, wait_s, stable_s):
    """After every frame was processed: wait at least wait_s, and until processed, the per-port tx
    counters, the drops and the events have not changed for stable_s (the control thread sends
    ARP/ND frames and held packets, and drops them, after the workers are done).
    Returns (snapshot, failures)."""
    start = time.monotonic()
    sig, since, snap = None, start, None
    while True:
        if proc.poll() is not None:
            return snap, [f"gatewayd exited with status {proc.returncode} while settling"]
        st = tel.query("/gateway/stats")
        now = time.monotonic()
        if isinstance(st, dict):
            snap = st
            s = json.dumps([st.get("processed"), st.get("drops"), st.get("events"),
                            {k: v.get("tx_packets") for k, v in (st.get("ports") or {}).items()
                             if isinstance(v, dict)}], sort_keys=True)
            if s != sig:
                sig, since = s, now
            elif now - start >= wait_s and now - since >= stable_s:
                break
        if now - start > wait_s + PROCESS_TIMEOUT:
            return snap, [f"counters still changing {wait_s + PROCESS_TIMEOUT:.0f} s after all input "
                          f"was processed; last /gateway/stats: {json.dumps(snap)}"]
        time.sleep(POLL)
    if snap.get("processed") != total:
        return snap, [f"processed went from {total} to {snap.get('processed')} with no new input"]
    return snap, []


def wait_processed(proc, tel, total, out_path, err_path):
    """Polls /gateway/stats until `processed` is `total`. Returns (last snapshot, failures)."""
    failures = []
    # Give up after PROCESS_TIMEOUT seconds without progress (a loaded machine may be slow, but a
    # stuck gatewayd stops counting); meson's own timeout bounds the whole case.
    deadline = time.monotonic() + STARTUP_TIMEOUT
    snap, last = None, None
    while True:
        if proc.poll() is not None:
            return snap, [f"gatewayd exited early with status {proc.returncode} before processing "
                          f"{total} packets", "stderr:\n" + tail(err_path), "stdout:\n" + tail(out_path, 20)]
        st = tel.query("/gateway/stats")
        if isinstance(st, dict):
            snap = st
            if st.get("processed") == total:
                break
            if st.get("processed") != last:
                last = st.get("processed")
                deadline = time.monotonic() + PROCESS_TIMEOUT
        if time.monotonic() > deadline:
            if snap is None:
                failures.append(f"timeout: /gateway/stats never answered within {STARTUP_TIMEOUT:.0f} s "
                                f"(socket {tel.path})")
            else:
                failures.append(f"timeout: processed != {total} after {PROCESS_TIMEOUT:.0f} s without "
                                f"progress; last /gateway/stats: {json.dumps(snap)}")
            break
        time.sleep(POLL)
    return snap, failures


def first_phase(proc, tel, mod, sends, out_path, err_path, gwctl, fifo, later):
    """send()'s frames processed and settled, between(gwctl) passed: send_later()'s go in."""
    snap, failures = wait_processed(proc, tel, len(sends), out_path, err_path)
    if not failures:
        _, failures = settle(proc, tel, len(sends), SETTLE, STABLE_S)
    if not failures and hasattr(mod, "between"):
        failures += list(mod.between(gwctl) or [])
    if failures:
        return ["before send_later():"] + failures
    fifo.finish([f for _, f in later])
    return []


def check_run(proc, tel, mod, tmp, ports, sends, expected, drops_exp, out_path, err_path, gwctl,
              fifo=None, later=()):
    failures = []
    if fifo is not None:
        failures = first_phase(proc, tel, mod, sends, out_path, err_path, gwctl, fifo, later)
        if failures:
            return failures
        sends = sends + list(later)
    total = len(sends)
    snap, failures = wait_processed(proc, tel, total, out_path, err_path)
    if failures and failures[0].startswith("gatewayd exited early"):
        return failures

    if not failures:
        st, more = settle(proc, tel, total, float(getattr(mod, "WAIT_S", SETTLE)),
                          float(getattr(mod, "STABLE_S", STABLE_S)))
        failures += more
        if isinstance(st, dict):
            snap = st
        else:
            failures.append("/gateway/stats did not answer after processing completed")
    tel.close()
    if not failures and hasattr(mod, "live_check"):   # gwctl reads, while gatewayd runs
        failures += list(mod.live_check(gwctl) or [])

    rc, clean = stop(proc)
    if not clean:
        failures.append(f"gatewayd did not exit within {EXIT_TIMEOUT:.0f} s of SIGTERM (killed)")
    elif rc != 0:
        failures.append(f"gatewayd exited with status {rc} after SIGTERM (expected 0)")
    text = read_text(out_path) + "\n" + read_text(err_path)
    m = re.findall(r"mempool: in_use=(\d+) total=(\d+)", text)
    if not m:
        failures.append("no 'mempool: in_use=N total=N' line in gatewayd's output")
    elif int(m[-1][0]) != 0:
        failures.append(f"mbuf leak: mempool in_use={m[-1][0]} total={m[-1][1]}")

    # Output pcaps: per port, queue after queue (`queues`: each TX queue's frames apart).
    actual, queues = {}, {}
    for p in range(ports):
        actual[p], queues[p] = [], []
        for path in out_paths(tmp, p, getattr(mod, "TX_QUEUES", 1)):
            try:
                frames = read_pcap(path)
            except Exception as e:  # missing or truncated pcap: unclean port close
                failures.append(f"port{p}: cannot read tx pcap {path}: {e}")
                frames = []
            queues[p].append(frames)
            actual[p] += frames
    unordered = set(getattr(mod, "UNORDERED_PORTS", ()))
    custom = set(getattr(mod, "CUSTOM_PORTS", ()))
    for p in range(ports):
        if p in custom:       # the case's check() judges this port's output
            continue
        exp = expected[p]
        if getattr(mod, "IGNORE_OUTER_ID", False):
            frames = adjust_outer_ids([e for e, _ in exp], actual[p])
            exp = [(f, offs) for f, (_, offs) in zip(frames, exp)]
        if p in unordered:
            failures += compare_port_unordered(p, exp, actual[p])
            continue
        act = actual[p]
        exp = [take_gen_ids(e, offs, act[i] if i < len(act) else None) for i, (e, offs) in enumerate(exp)]
        failures += compare_port(p, exp, act)

    # Counters.
    if isinstance(snap, dict):
        drops = snap.get("drops")
        if not isinstance(drops, dict):
            failures.append(f"/gateway/stats has no 'drops' object: {json.dumps(snap)}")
        else:
            missing = [r for r in DROP_REASONS if r not in drops]
            if missing:
                failures.append(f"drop reasons missing from telemetry: {', '.join(missing)}")
            bad = []
            for r in sorted(set(drops) | set(drops_exp)):
                want, got = drops_exp.get(r, 0), drops.get(r, 0)
                if want != got:
                    bad.append(f"  {r}: expected {want} actual {got}")
            if bad:
                failures.append("drop counters differ:")
                failures += bad
        events_exp = getattr(mod, "EVENTS", {})
        if events_exp:
            events = snap.get("events")
            if not isinstance(events, dict):
                failures.append(f"/gateway/stats has no 'events' object: {json.dumps(snap)}")
            else:
                bad = []
                for name, want in sorted(events_exp.items()):
                    got = events.get(name)
                    ok = (got is not None and (got == want if isinstance(want, int)
                                               else want[0] <= got <= want[1]))
                    if not ok:
                        w = want if isinstance(want, int) else f"{want[0]}..{want[1]}"
                        bad.append(f"  {name}: expected {w} actual {got}")
                if bad:
                    failures.append("event counters differ:")
                    failures += bad
        pstats = snap.get("ports", {})
        for p in range(ports):
            ps = pstats.get(f"port{p}")
            if not isinstance(ps, dict):
                failures.append(f"/gateway/stats has no ports.port{p}")
                continue
            rx = [f for port, f in sends if port == p]
            checks = [("rx_packets", len(rx)), ("rx_bytes", sum(map(len, rx))),
                      ("tx_packets", len(actual[p])), ("tx_bytes", sum(map(len, actual[p])))]
            for key, want in checks:
                if ps.get(key) != want:
                    what = "frames sent to it" if key.startswith("rx") else "frames in its tx pcap"
                    failures.append(f"port{p}.{key} = {ps.get(key)}, but {what}: {want}")
        failures += books_check(snap, ports, actual)
    if "books: balanced" not in text:
        failures.append("the exit report does not say 'books: balanced':\n" +
                        "\n".join(ln for ln in text.splitlines() if ln.startswith(("books", "  "))))
    if hasattr(mod, "check"):
        args = [actual, snap if isinstance(snap, dict) else {}]
        if check_wants_queues(mod.check):   # check(actual, stats, queues)
            args.append(queues)
        failures += list(mod.check(*args) or [])
    return failures


def check_wants_queues(fn):
    """A case's check() with a third parameter also gets the frames of each TX queue apart:
    {port: [[queue 0's frames], [queue 1's], ...]} (TX_QUEUES > 1: worker i sends on queue i)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return sum(1 for q in params if q.kind in (q.POSITIONAL_ONLY, q.POSITIONAL_OR_KEYWORD)) >= 3


def books_check(snap, ports, actual):
    """The accounting invariant (docs/reliability.md 3): every packet a worker received is sent,
    dropped under a reason or handed off, and what was handed off is where it went; the frames
    the workers queued for TX, less those the queue refused, are the frames in the tx pcaps."""
    b = snap.get("books")
    if not isinstance(b, dict):
        return [f"/gateway/stats has no 'books' object: {json.dumps(snap)}"]
    failures = []
    if b.get("balanced") != 1 or b.get("off") != 0:
        failures.append(f"books do not balance (off by {b.get('off')}): {json.dumps(b, sort_keys=True)}")
    if b.get("received") != snap.get("processed"):
        failures.append(f"books: received {b.get('received')} != processed {snap.get('processed')}")
    wire = sum(len(actual[p]) for p in range(ports))
    if b.get("tx_queued", 0) - b.get("tx_full", 0) != wire:
        failures.append(f"books: queued for TX {b.get('tx_queued')} - refused {b.get('tx_full')} "
                        f"!= {wire} frames in the tx pcaps")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gatewayd", help="path to the gatewayd binary")
    ap.add_argument("--gwctl", help="path to gwctl (default: next to gatewayd), for live_check")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir even on success")
    ap.add_argument("--dry-run", action="store_true", help="only build the case's packets and files")
    ap.add_argument("case", help="tests/pcap/cases/NAME.py")
    args = ap.parse_args()
    if not args.dry_run and not args.gatewayd:
        ap.error("--gatewayd is required (unless --dry-run)")
    if args.gatewayd:
        args.gatewayd = os.path.abspath(args.gatewayd)
    if args.gwctl:
        args.gwctl = os.path.abspath(args.gwctl)

    name, mod = load_case(args.case)
    tmp = tempfile.mkdtemp(prefix=f"gwpcap_{name}_")
    try:
        failures = run_case(args, name, mod, tmp)
    except CaseError as e:
        failures = [f"bad case file: {e}"]
    if failures:
        print(f"FAIL {name}")
        for ln in failures:
            print(ln)
        print(f"files kept in {tmp}")
        return 1
    print(f"PASS {name}" if not args.dry_run else f"BUILT {name}")
    if args.keep:
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
