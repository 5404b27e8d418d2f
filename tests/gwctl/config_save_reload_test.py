#!/usr/bin/python3
"""config show / config save / --config reload: a rich state, saved atomically (by rename) and
loaded into a second gatewayd, gives the same config show and -j shows; reload cases for states
that are easy to save wrong (a deleted connected route or address, reused tunnel ids).

    /usr/bin/python3 tests/gwctl/config_save_reload_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import os
import stat
import sys
import time

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import BASE_CONFIG, Failure, Gatewayd, check, check_eq, shared, test


# =========================================================================== 5. config show / save / reload

RICH_INITIAL = """\
# loaded with --config at startup
tunnel add tinit mode ipip remote 10.0.0.40 local 10.0.0.1
link set tinit up
"""

RICH = """\
link set port1 mtu 9000
tunnel add ta mode ipip remote 10.0.0.2 local 10.0.0.1
tunnel add tb mode sit remote 10.0.0.3 local 10.0.0.1 ttl 64 tos 10 dev port1
tunnel add tc mode any remote any local 10.0.0.4 tos inherit nopmtudisc dev port0
tunnel add td local 10.0.0.5 ttl 200 tos 0x2c
tunnel add te local 10.0.0.6
tunnel del td
tunnel add tf remote 10.0.0.7 local 10.0.0.1
tunnel del tinit
link set ta up
link set tb up mtu 1400
link set tc up
tunnel change te ttl 9 mode sit tos 1
link set port0 mtu 1400
addr add 192.0.2.1/24 dev port0
addr add 192.0.2.2/24 dev port0
addr add 10.10.100.1/24 dev port1
addr add 10.1.1.1 peer 10.1.2.1 dev ta
addr add 10.1.1.5/32 peer 10.1.3.0/24 dev ta
addr add 2001:db8:1::1/64 dev port1
addr add 2001:db8:a::1 peer 2001:db8:b::/64 dev tc
addr add 2001:db8:9::1 dev port0
addr add 172.31.0.1/24 dev port1
route del 172.31.0.0/24
addr add 172.30.0.1/24 dev port1
route del 172.30.0.0/24
route add 172.30.0.0/24 dev port0
route replace 10.10.100.0/24 via 10.10.100.254 dev port1
route add 198.51.100.0/24 via 192.0.2.254 dev port0
route add 198.51.101.0/24 via 192.0.2.254
route add 203.0.113.0/24 via 10.9.9.9 dev port1 onlink
route add 10.20.30.40 dev port1
route add default via 192.0.2.254 dev port0
route add 10.244.5.0/24 via 10.65.132.190 dev tc onlink
route add 10.200.0.0/16 dev ta
route add 2001:db8:2::/64 via 2001:db8:1::fe dev port1
route add 2001:db8:3::/48 dev tb
route add 2001:db8:4::/64 via 10.0.0.7 dev tc
route add ::/0 via 2001:db8:1::fe dev port1
route replace 10.1.3.0/24 dev tb
route add 192.0.2.1/32 dev port1
neigh add 192.0.2.254 lladdr 52:54:00:00:00:fe dev port0
neigh add 10.10.100.254 lladdr 52:54:00:00:01:fe dev port1
neigh add 2001:db8:1::fe lladdr 52:54:00:00:02:fe dev port1
neigh add 192.0.2.254 lladdr 52:54:00:00:03:fe dev port1
neigh replace 192.0.2.254 lladdr 52:54:00:00:04:fe dev port0
link set port0 down
"""

SHOWS = ("link", "tunnel", "addr", "route", "neigh")


def compare_gateways(a, b, what):
    """config show and every -j show equal (MACs of net_null ports aside: they are per process)."""
    check_eq(b.config(), a.config(), f"config show of {what}")
    for obj in SHOWS:
        ja, jb = a.js(obj, "show"), b.js(obj, "show")
        if obj == "link":
            ja = [dict(x, mac=None) for x in ja]
            jb = [dict(x, mac=None) for x in jb]
        check_eq(jb, ja, f"-j {obj} show of {what}")
        if obj != "link":
            check_eq(b.ok(obj, "show"), a.ok(obj, "show"), f"text {obj} show of {what}")


@test("config save / --config reload: a rich state survives a restart exactly")
def t_config_roundtrip():
    d = os.path.join(gwlib.TMP, "config_roundtrip")
    os.makedirs(d)
    conf = os.path.join(d, "gw.conf")
    with open(conf, "w") as f:
        f.write(RICH_INITIAL)
    a = Gatewayd("config_a", config=conf).start()
    b = None
    try:
        check_eq([(t["name"], t["up"]) for t in a.js("tunnel", "show")], [("tinit", True)],
                 "tunnels loaded from --config")
        a.batch_ok(RICH)
        text = a.config()
        check(text.startswith(BASE_CONFIG), f"config show header: {text[:100]!r}")
        # sanity: the state is what the commands built (a few spot checks)
        check_eq([t["name"] for t in a.js("tunnel", "show")], ["ta", "tb", "tc", "tf", "te"],
                 "tunnels in id order (tf reuses a freed id)")
        for line in ["route del 172.31.0.0/24", "link set port0 down", "link set port1 mtu 9000",
                     "link set port0 mtu 1400"]:
            check(line + "\n" in text, f"config show lacks {line!r}:\n{text}")
        for line in text.splitlines()[1:]:
            check(not line.startswith("#") and line.strip(), f"config show: odd line {line!r}")

        # config save without FILE: the --config file, replaced by rename
        with open(conf) as old_f:
            ino = os.stat(conf).st_ino
            r = a.gwctl("config", "save")
            check(r.rc == 0 and r.out == f"saved to {conf}\n" and r.err == "", f"config save: {r}")
            check(os.stat(conf).st_ino != ino, "config save rewrote the file in place (same inode): not atomic")
            check_eq(old_f.read(), RICH_INITIAL, "the old file, still open, after config save")
        with open(conf) as f:
            check_eq(f.read(), text, "the saved --config file vs config show")
        leftovers = [n for n in os.listdir(d) if n != "gw.conf"]
        check_eq(leftovers, [], "files beside the config after config save (temporaries?)")
        check_eq(stat.S_IMODE(os.stat(conf).st_mode) & 0o022, 0, "saved config is not group/world writable")
        # config save FILE
        other = os.path.join(d, "other.conf")
        r = a.gwctl("config", "save", other)
        check(r.rc == 0 and r.out == f"saved to {other}\n", f"config save FILE: {r}")
        with open(other) as f:
            check_eq(f.read(), text, "config save FILE content")
        os.unlink(other)
        check_eq(sorted(os.listdir(d)), ["gw.conf"], "files beside the config after config save FILE")

        # a second gatewayd started from the saved file has the same state
        b = Gatewayd("config_b", config=conf).start()
        compare_gateways(a, b, "the gatewayd restarted from the saved config")
        # and saving it again gives the same file
        r = b.gwctl("config", "save")
        check(r.rc == 0, f"config save on the restarted gatewayd: {r}")
        with open(conf) as f:
            check_eq(f.read(), text, "config saved by the restarted gatewayd")
    finally:
        errs = []
        for g in (a, b):
            if g is None:
                continue
            try:
                g.stop()
            except Failure as e:
                errs.append(str(e))
        check(not errs, "\n".join(errs))


def reload_case(commands):
    """Apply `commands` on the shared gatewayd, save, start a new gatewayd from the file: same state."""
    def fn():
        gw = shared()
        try:
            gw.batch_ok(commands)
            path = os.path.join(gw.dir, f"reload_{time.monotonic_ns()}.conf")
            gw.ok("config", "save", path)
            b = Gatewayd("reload")
            b.cmd.append(f"--config={path}")
            try:
                b.start()
            except Failure as e:
                with open(path) as f:
                    saved = f.read()
                raise Failure(f"the saved config does not load:\n{saved}{e}")
            try:
                compare_gateways(gw, b, "the gatewayd started from the saved config")
            finally:
                b.stop()
        finally:
            gw.wipe()
    return fn


test("config reload: routes via a gateway whose connected route was deleted", shared=True)(reload_case("""\
addr add 192.0.2.1/24 dev port0
route add 198.51.100.0/24 via 192.0.2.254 dev port0
route del 192.0.2.0/24
"""))

test("config reload: routes via a gateway whose address was deleted", shared=True)(reload_case("""\
addr add 192.0.2.1/24 dev port0
route add 198.51.100.0/24 via 192.0.2.254
addr del 192.0.2.1/24 dev port0
"""))

test("config reload: tunnel ids reused out of order, explicit and derived mtus", shared=True)(reload_case("""\
tunnel add a local 10.0.0.1
tunnel add b local 10.0.0.2 dev port0
tunnel add c local 10.0.0.3
tunnel del a
tunnel del b
tunnel add d local 10.0.0.4 dev port0
tunnel add e local 10.0.0.5
link set port0 mtu 1400
link set e mtu 1480
link set c mtu 1000 up
tunnel add f local 10.0.0.6 dev port0
"""))

test("config reload: two addresses in one network, the first one deleted", shared=True)(reload_case("""\
addr add 192.0.2.1/24 dev port0
addr add 192.0.2.2/24 dev port0
addr del 192.0.2.1/24 dev port0
route add 198.51.100.0/24 via 192.0.2.254 dev port0 onlink
"""))


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
