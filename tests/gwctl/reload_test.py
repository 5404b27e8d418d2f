#!/usr/bin/python3
"""gwctl config reload: a gatewayd started with --config, its file edited (a tunnel added, one
removed, a route moved, an address changed), `gwctl config reload` — then the exact `gwctl -j`
state, which must also be what a gatewayd started from the edited file has; only the objects that
changed are touched (the commands applied, from the debug log). A bad file (a bad word on line N,
an unknown device, a missing file) is one line naming FILE:LINE and the word, exit 1, and changes
nothing; a file the dataplane cannot hold (more routes than the table) fails half way and is
rolled back to the exact old state.

    /usr/bin/python3 tests/gwctl/reload_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import json
import os
import re
import sys

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import Failure, Gatewayd, check, check_eq, route_json, test, tunnel_json

SHOWS = ("link", "tunnel", "addr", "route", "neigh")

INITIAL = """\
# the file gatewayd starts with
link set port1 mtu 9000
tunnel add ta mode ipip remote 10.0.0.2 local 10.0.0.1
tunnel add tb mode sit remote 10.0.0.3 local 10.0.0.1 dev port1
link set ta up
link set tb up
addr add 10.0.0.1/24 dev port0
addr add 192.0.2.1/24 dev port1
addr add 10.1.1.1 peer 10.1.2.1 dev ta
route add 198.51.100.0/24 via 192.0.2.254 dev port1
route add 10.200.0.0/16 dev ta
route add 2001:db8:3::/48 dev tb
neigh add 192.0.2.254 lladdr 52:54:00:00:00:fe dev port1
"""

# tb removed (its route with it), tc added, 10.200.0.0/16 moved from ta to tc, port1's address
# 192.0.2.1 changed to 192.0.2.7; ta, port0's address, the other route and the neighbour stay.
EDITED = """\
# the file, edited
link set port1 mtu 9000
tunnel add ta mode ipip remote 10.0.0.2 local 10.0.0.1
tunnel add tc mode ipip remote 10.0.0.4 local 10.0.0.1 ttl 64
link set ta up
link set tc up
addr add 10.0.0.1/24 dev port0
addr add 192.0.2.7/24 dev port1
addr add 10.1.1.1 peer 10.1.2.1 dev ta
route add 198.51.100.0/24 via 192.0.2.254 dev port1
route add 10.200.0.0/16 dev tc
neigh add 192.0.2.254 lladdr 52:54:00:00:00:fe dev port1
"""


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def state(gw):
    """Every -j show and config show: what a reload may or may not change."""
    s = {obj: gw.js(obj, "show") for obj in SHOWS}
    s["config"] = gw.config()
    return s


def logging_gatewayd(label, config, flags=(), level="debug"):
    """A gatewayd whose own log (stderr) has its events at `level` (gwlib's quiets them)."""
    gw = Gatewayd(label, config=config, flags=flags)
    gw.cmd[gw.cmd.index("--log-level=*:warning")] = f"--log-level=gatewayd:{level}"
    return gw


def events(gw, name):
    out = []
    for line in gw.stderr().splitlines():
        m = re.search(r"GATEWAYD: (event=\S+.*)$", line)
        if not m:
            continue
        ev = dict((k, v.strip('"')) for k, v in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', m.group(1)))
        if ev.get("event") == name:
            out.append(ev)
    return out


def stop_all(*gws):
    errs = []
    for g in gws:
        if g is None:
            continue
        try:
            g.stop()
        except Failure as e:
            errs.append(str(e))
    check(not errs, "\n".join(errs))


@test("config reload: a tunnel added and one removed, a route moved, an address changed: exact state")
def t_reload_edited_file():
    conf = os.path.join(gwlib.TMP, "edited.conf")
    write(conf, INITIAL)
    gw = logging_gatewayd("edited", conf).start()
    fresh = None
    try:
        before = state(gw)
        check_eq([t["name"] for t in before["tunnel"]], ["ta", "tb"], "tunnels loaded from --config")
        loaded = len(events(gw, "command_applied"))   # the file's lines at startup (debug)
        write(conf, EDITED)
        r = gw.gwctl("config", "reload")
        check_eq((r.rc, r.err), (0, ""), f"gwctl config reload: {r}")
        m = re.fullmatch(rf"reloaded {re.escape(conf)}: (\d+) change\(s\) \((\d+) added, (\d+) changed, "
                         r"(\d+) removed\)\n", r.out)
        check(m, f"the reply of config reload: {r.out!r}")

        # The exact state the edited file describes.
        ports = {p["name"]: p for p in gw.ports}
        check_eq(gw.js("link", "show"), [
            dict(ports["port0"], mtu=1500, up=True), dict(ports["port1"], mtu=9000, up=True),
            {"name": "ta", "kind": "tunnel", "mac": None, "mtu": 1480, "up": True},
            {"name": "tc", "kind": "tunnel", "mac": None, "mtu": 1480, "up": True}], "-j link show")
        check_eq(gw.js("tunnel", "show"), [
            tunnel_json("ta", "10.0.0.1", remote="10.0.0.2", up=True),
            tunnel_json("tc", "10.0.0.1", remote="10.0.0.4", ttl=64, up=True)], "-j tunnel show")
        check_eq(gw.js("addr", "show"), [
            {"dev": "port0", "family": "inet", "local": "10.0.0.1", "prefixlen": 24, "peer": None},
            {"dev": "port1", "family": "inet", "local": "192.0.2.7", "prefixlen": 24, "peer": None},
            {"dev": "ta", "family": "inet", "local": "10.1.1.1", "prefixlen": 32, "peer": "10.1.2.1"}],
            "-j addr show")
        check_eq(gw.js("route", "show"), [
            route_json("10.0.0.0/24", "port0", proto="kernel"),
            route_json("10.1.2.1/32", "ta", proto="kernel"),
            route_json("10.200.0.0/16", "tc"),
            route_json("192.0.2.0/24", "port1", proto="kernel"),
            route_json("198.51.100.0/24", "port1", via="192.0.2.254")], "-j route show")
        check_eq(gw.js("neigh", "show"),
                 [{"dst": "192.0.2.254", "dev": "port1", "lladdr": "52:54:00:00:00:fe", "state": "PERMANENT"}],
                 "-j neigh show")

        # Only what changed was touched: the commands applied, as the debug log has them.
        applied = [(e["source"], e["command"]) for e in events(gw, "command_applied")[loaded:]]
        check(all(src.startswith(conf) for src, _ in applied), f"sources of the reload's commands: {applied}")
        commands = [c for _, c in applied]
        check(not any(re.search(r"\bta\b", c) and not c.startswith("addr") for c in commands),
              f"the unchanged tunnel ta was touched: {commands}")
        check(not any("198.51.100.0/24" in c or "neigh" in c or "10.0.0.1/24" in c for c in commands),
              f"an unchanged route, neighbour or address was touched: {commands}")
        for want in ("tunnel del tb", "tunnel add tc", "route replace 10.200.0.0/16 dev tc",
                     "addr del 192.0.2.1/24 dev port1", "addr add 192.0.2.7/24 dev port1"):
            check(any(c.startswith(want) for c in commands), f"no {want!r} among {commands}")
        n, added, changed, removed = (int(x) for x in m.groups())
        check_eq(n, len(commands), f"changes counted vs commands applied {commands}")
        check_eq(added + changed + removed, n, "added + changed + removed")
        check_eq(events(gw, "config_reloaded"),
                 [{"event": "config_reloaded", "file": conf, "added": str(added), "changed": str(changed),
                   "removed": str(removed)}], "the config_reloaded event")
        # Each command names the line of the file that asked for it.
        lines = EDITED.splitlines()
        for src, c in applied:
            no = int(src.rsplit(":", 1)[1]) if src != conf else 0
            if c.startswith("tunnel add tc"):
                check_eq(lines[no - 1].split()[:3], ["tunnel", "add", "tc"], f"the line of {c!r}")

        # A gatewayd started from the edited file is the same.
        fresh = Gatewayd("edited_fresh", config=conf).start()
        check_eq(gw.config(), fresh.config(), "config show: reloaded vs started from the file")
        for obj in SHOWS:
            a, b = gw.js(obj, "show"), fresh.js(obj, "show")
            if obj == "link":
                a = [dict(x, mac=None) for x in a]
                b = [dict(x, mac=None) for x in b]
            check_eq(a, b, f"-j {obj} show: reloaded vs started from the file")

        # Again: nothing to do; -j gives the counts.
        after = state(gw)
        r = gw.gwctl("config", "reload")
        check_eq((r.rc, r.out, r.err), (0, f"reloaded {conf}: no changes\n", ""), "a second reload")
        check_eq(gw.js("config", "reload"),
                 {"file": conf, "changes": 0, "added": 0, "changed": 0, "removed": 0}, "-j config reload")
        check_eq(state(gw), after, "the state after reloads with no changes")
        # Back to the first file, named on the command line; -j counts.
        other = os.path.join(gwlib.TMP, "initial.conf")
        write(other, INITIAL)
        j = gw.js("config", "reload", other)
        check(j["file"] == other and j["changes"] == j["added"] + j["changed"] + j["removed"] > 0,
              f"-j config reload FILE: {j}")
        back = state(gw)
        for obj in ("tunnel", "addr", "route", "neigh"):
            check_eq(back[obj], before[obj], f"-j {obj} show after reloading the first file")
    finally:
        stop_all(gw, fresh)


BAD_LINE = 6
BAD = EDITED.splitlines(keepends=True)
BAD.insert(BAD_LINE - 1, "tunnel add td mode ipip remote 10.0.0.300 local 10.0.0.1\n")
BAD = "".join(BAD)


@test("config reload: a bad word on line N, an unknown device, a missing file: one line, exit 1, nothing changes")
def t_reload_bad_file():
    conf = os.path.join(gwlib.TMP, "bad.conf")
    write(conf, INITIAL)
    gw = logging_gatewayd("bad", conf, level="info").start()
    try:
        before = state(gw)
        cases = [
            (BAD, f'{conf}:{BAD_LINE}: bad IP address "10.0.0.300"', BAD_LINE),
            # A line a fresh gatewayd would refuse: checked before anything is applied.
            (EDITED + "route add 10.9.0.0/16 dev nosuch\n",
             f'{conf}:{len(EDITED.splitlines()) + 1}: unknown device "nosuch"', len(EDITED.splitlines()) + 1),
            # The file is what a fresh gatewayd loads: its tunnel ta is not the running one.
            ("tunnel add ta local 10.0.0.1\ntunnel add ta local 10.0.0.9\n",
             f'{conf}:2: tunnel "ta" already exists', 2),
            ("tunnel del ta\n", f'{conf}:1: unknown tunnel "ta"', 1),
            (EDITED.replace("ttl 64", "ttl 64 frob"), None, 4),
            # What startup refuses (--max_line), reload refuses.
            (EDITED + "# " + "x" * 9000 + "\n", f"{conf}:{len(EDITED.splitlines()) + 1}: line longer than "
             "8192 bytes (--max_line)", len(EDITED.splitlines()) + 1),
        ]
        for text, want, line in cases:
            write(conf, text)
            r = gw.gwctl("config", "reload")
            check(r.rc == 1 and r.out == "" and r.err.endswith("\n") and r.err.count("\n") == 1,
                  f"config reload of a bad file: exit 1 and one line: {r}")
            if want is not None:
                check_eq(r.err, f"gwctl: {want}\n", "the error")
            else:
                check(r.err.startswith(f"gwctl: {conf}:{line}: ") and '"frob"' in r.err, f"the error: {r.err!r}")
            check_eq(state(gw), before, f"the state after a refused reload ({r.err.strip()})")
            js = gw.gwctl("-j", "config", "reload")
            check_eq((js.rc, js.out, js.err), (1, "", r.err), "-j config reload of the same file")
        # A file others could have written is refused, as at startup (CheckConfigFileSafe).
        write(conf, EDITED)
        os.chmod(conf, 0o666)
        r = gw.gwctl("config", "reload")
        check_eq((r.rc, r.out), (1, ""), f"config reload of a world-writable file: {r}")
        check(r.err.startswith(f"gwctl: {conf}: refused: the file is world-writable") and r.err.count("\n") == 1,
              f"the error: {r.err!r}")
        check_eq(state(gw), before, "the state after reloading a world-writable file")
        os.chmod(conf, 0o644)
        missing = os.path.join(gwlib.TMP, "no_such.conf")
        r = gw.gwctl("config", "reload", missing)
        check_eq((r.rc, r.out, r.err), (1, "", f"gwctl: {missing}: cannot open: No such file or directory\n"),
                 "config reload of a missing file")
        check_eq(state(gw), before, "the state after reloading a missing file")
        failed = events(gw, "config_reload_failed")
        check_eq([(e["file"], e["line"], e["rolled_back"]) for e in failed],
                 [(conf, str(line), "no") for _, _, line in cases for _ in (0, 1)] +
                 [(conf, "0", "no"), (missing, "0", "no")],
                 "config_reload_failed events")
        check_eq(events(gw, "config_reloaded"), [], "config_reloaded events")
        # Fixed, it applies (CRLF line ends too, as at startup).
        write(conf, EDITED.replace("\n", "\r\n"))
        check(gw.ok("config", "reload").startswith(f"reloaded {conf}: "), "the fixed file reloads")
        check_eq([t["name"] for t in gw.js("tunnel", "show")], ["ta", "tc"], "tunnels after the fixed reload")
    finally:
        stop_all(gw)


@test("config reload: a file larger than the route table fails half way and is rolled back exactly")
def t_reload_rolls_back():
    conf = os.path.join(gwlib.TMP, "big.conf")
    write(conf, INITIAL)
    # A table of 1024 IPv4 routes: the model of the file cannot know, the dataplane refuses.
    gw = logging_gatewayd("rollback", conf, flags=["--routes=1024", "--tbl8s=64"], level="info").start()
    try:
        before = state(gw)
        # Deletions and changes first (tb goes, 10.200.0.0/16 moves), then too many routes.
        big = EDITED + "".join(f"route add 10.{100 + i // 256}.{i % 256}.0/24 dev tc\n" for i in range(1100))
        write(conf, big)
        r = gw.gwctl("config", "reload")
        check(r.rc == 1 and r.out == "" and r.err.count("\n") == 1, f"config reload past the table's size: {r}")
        m = re.fullmatch(rf"gwctl: {re.escape(conf)}:(\d+): (.*)\n", r.err)
        check(m and "route" in m.group(2), f"the error names the line and the table: {r.err!r}")
        line = int(m.group(1))
        check(big.splitlines()[line - 1].startswith("route add 10."), f"line {line} is one of the added routes")
        check_eq(state(gw), before, "the state after the rollback")
        failed = events(gw, "config_reload_failed")
        check_eq([(e["file"], e["line"], e["rolled_back"]) for e in failed], [(conf, str(line), "yes")],
                 "the config_reload_failed event")
        # What the reload started with is still forwarding-ready: the old file reloads to no changes.
        write(conf, INITIAL)
        check_eq(gw.ok("config", "reload"), f"reloaded {conf}: no changes\n", "reloading the old file")
    finally:
        stop_all(gw)


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
