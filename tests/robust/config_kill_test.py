#!/usr/bin/python3
"""SIGKILL at random moments of `gwctl config save`: the --config file on disk is always the whole
old configuration or the whole new one, never a mix or a cut (WriteFileAtomically: a temporary
file beside it, fsync, rename, fsync of the directory), and it always loads.

Each round: gatewayd starts from the file (which must load), one route is added (so the running
configuration differs from the file), `gwctl config save` is started and gatewayd is SIGKILLed
after a random delay spread over twice the time a save takes. The file is then compared byte for byte
with the two candidates. GW_ROBUST_KILLS sets the number of rounds (default 200).

    /usr/bin/python3 tests/robust/config_kill_test.py --build build [-k SUBSTRING] [--keep] [--list]
"""
import glob
import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import robustlib  # noqa: E402
from robustlib import check, check_eq, gwlib  # noqa: E402
from gwlib import test  # noqa: E402
from robustlib import small as Gatewayd  # noqa: E402

ROUNDS = int(os.environ.get("GW_ROBUST_KILLS", "200"))
CHAINS = 2
# Small tables: a restart per round, so startup time is the test's time.
FLAGS = ["--routes=65536", "--routes6=64", "--tbl8s=256", "--tbl8s6=16", "--tunnels=64",
         "--nexthops=64", "--neighbours=64"]


def base_config(n_routes):
    lines = ["addr add 10.65.132.187/24 dev port0", "addr add 10.10.100.1/24 dev port1",
             "tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187",
             "link set tun1 up"]
    lines += [f"route add 172.{16 + i // 65536}.{i // 256 % 256}.{i % 256}/32 dev tun1"
              for i in range(n_routes)]
    return "\n".join(lines) + "\n"


def read(path):
    with open(path, "rb") as f:
        return f.read()


_create = threading.Lock()   # (gwlib.Gatewayd numbers its instances: one at a time)


def chain(c, path, rounds, save_s, rnd, results):
    """`rounds` rounds on `path`: start from it, change, save, SIGKILL, compare. Puts a dict of
    counts, or the exception, in results[c]."""
    try:
        outcome = {"old": 0, "new": 0, "leftovers": 0}
        for i in range(rounds):
            old = read(path)
            with _create:
                gw = Gatewayd(f"kill{c}_{i:03d}", config=path, flags=FLAGS)
            gw.start()
            # The file loaded; the running config is what it says (config show is the canonical form).
            check_eq(gw.ok("config", "show").encode(), old, f"chain {c} round {i}: running config after loading the file")
            gw.ok("route", "add", f"10.{99 + c}.{i // 256}.{i % 256}/32", "dev", "tun1")
            new = gw.ok("config", "show").encode()
            check(new != old, "the change altered the running config")
            saver = subprocess.Popen([gwlib.GWCTL, f"--socket={gw.sock}", "config", "save"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rnd.uniform(0, 2.0 * save_s))
            gw.proc.send_signal(signal.SIGKILL)
            gw.proc.wait()
            gw.kill()               # (forgets it, removes its runtime dir)
            saver.wait(timeout=60)
            now = read(path)
            if now == old:
                outcome["old"] += 1
            elif now == new:
                outcome["new"] += 1
            else:
                raise robustlib.Failure(
                    f"chain {c} round {i}: the config file is neither the old ({len(old)} bytes) nor "
                    f"the new ({len(new)} bytes) config: {len(now)} bytes, ending {now[-120:]!r}")
            # A kill between the temporary file's creation and the rename leaves it behind.
            for tmp in glob.glob(path + ".tmp.*"):
                outcome["leftovers"] += 1
                os.unlink(tmp)
            if os.path.exists(gw.sock):
                os.unlink(gw.sock)  # (SIGKILL: the daemon could not remove it; the next one would)
        results[c] = outcome
    except BaseException as e:      # noqa: BLE001 -- re-raised by the test
        results[c] = e


@test("config save: SIGKILL at random moments, the file is always the old or the new config whole")
def t_kill_during_save():
    rnd = random.Random(int(os.environ.get("GW_ROBUST_SEED", str(time.time_ns()))))
    d = os.path.join(gwlib.TMP, "kill")
    os.makedirs(d, mode=0o755)
    path = os.path.join(d, "gw.conf")
    with open(path, "w") as f:
        f.write(base_config(5000))

    # How long a save takes here (the daemon builds ~700 KB of text, writes, fsyncs, renames).
    gw = Gatewayd("kill_calibrate", config=path, flags=FLAGS).start()
    try:
        times = []
        for _ in range(5):
            t0 = time.monotonic()
            gw.ok("config", "save")
            times.append(time.monotonic() - t0)
        canonical = read(path)
    finally:
        gw.stop()
    save_s = sorted(times)[len(times) // 2]
    print(f"    (config save of {len(canonical)} bytes: median {save_s * 1000:.1f} ms, "
          f"min {min(times) * 1000:.1f} ms)")

    # Two chains of rounds side by side (a round is mostly a gatewayd starting: ~1 s here), each
    # with its own file; every round is independent of the other chain's.
    paths = [path]
    for c in range(1, CHAINS):
        p = os.path.join(d, f"gw{c}.conf")
        with open(p, "wb") as f:
            f.write(canonical)
        paths.append(p)
    results = [None] * CHAINS
    t_start = time.monotonic()
    threads = [threading.Thread(target=chain, args=(c, paths[c], ROUNDS // CHAINS + (c < ROUNDS % CHAINS),
                                                    save_s, random.Random(rnd.random()), results))
               for c in range(CHAINS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.monotonic() - t_start
    for r in results:
        if isinstance(r, BaseException):
            raise r
    outcome = {k: sum(r[k] for r in results) for k in ("old", "new", "leftovers")}
    print(f"    ({ROUNDS} kills in {dt:.0f} s: file was the old config {outcome['old']} times, the new "
          f"{outcome['new']} times, never partial; {outcome['leftovers']} kill(s) left a temporary file)")
    check_eq(outcome["old"] + outcome["new"], ROUNDS, "rounds")
    check(outcome["old"] > 0 and outcome["new"] > 0,
          f"the kills never landed on one side of the rename: {outcome}")
    # The last file loads, and a clean daemon exits with nothing leaked.
    gw = Gatewayd("kill_final", config=path, flags=FLAGS).start()
    check_eq(gw.ok("config", "show").encode(), read(path), "running config after the last round")
    gw.stop()


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
