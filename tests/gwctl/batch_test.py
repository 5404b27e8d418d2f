#!/usr/bin/python3
"""gwctl --batch and the protocol's @batch: 2000 commands over one connection; a failure on line
7 names FILE:7, leaves lines 1-6 applied and the rest not; a line that does not parse stops the
batch before anything is sent; on a plain connection a failure does not stop the next requests.

    /usr/bin/python3 tests/gwctl/batch_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import json
import sys
import time

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import check, check_eq, route_json, shared, test


# =========================================================================== 6. gwctl --batch

@test("batch: 2000 commands over one connection", shared=True)
def t_batch_2000():
    gw = shared()
    lines = ["# 500 tunnels, each up with two routes", ""]
    for i in range(500):
        lines.append(f"tunnel add b{i} mode ipip remote 100.64.{i // 256}.{i % 256} local 10.0.0.1")
        lines.append(f"link set b{i} up")
        lines.append(f"route add 172.16.{i // 256}.{i % 256}/32 dev b{i}   # trailing comment")
        lines.append(f"route add 2001:db8:{i:x}::/48 dev b{i}")
    text = "\n".join(lines) + "\n"
    check(sum(1 for ln in lines if ln.split("#")[0].strip()) == 2000, "the batch has 2000 commands")
    t0 = time.monotonic()
    gw.batch_ok(text)
    dt = time.monotonic() - t0
    try:
        tuns = gw.js("tunnel", "show")
        check_eq(len(tuns), 500, "tunnels after the batch")
        check(all(t["up"] for t in tuns), "every tunnel is up")
        check_eq(sorted(t["name"] for t in tuns), sorted(f"b{i}" for i in range(500)), "tunnel names")
        check_eq([x["name"] for x in gw.js("link", "show")[2:]], [t["name"] for t in tuns],
                 "link show lists the tunnels in tunnel show's order")
        routes = gw.js("route", "show")
        check_eq(len(routes), 1000, "routes after the batch")
        check_eq(sum(1 for r in routes if r["prefix"] == "172.16.1.243/32" and r["dev"] == "b499"), 1,
                 "the last IPv4 route")
        check_eq(len(gw.js("link", "show")), 502, "links after the batch")
        print(f"    (2000 commands in {dt:.2f} s)")
    finally:
        gw.batch_ok("".join(f"tunnel del b{i}\n" for i in range(500)))
    check_eq(gw.js("route", "show"), [], "routes after deleting the tunnels")


@test("batch: line 7 fails -> exit 1, FILE:7: named, lines 1-6 applied, 8+ not", shared=True)
def t_batch_line7():
    gw = shared()
    text = """\
tunnel add k1 local 10.0.0.1
tunnel add k2 local 10.0.0.2
# line 3 is a comment and line 5 is blank: numbers are file lines
link set k1 up

route add 10.8.0.0/16 dev k1
route add 10.8.1.0/24 dev k1/24
tunnel add k3 local 10.0.0.3
route add 10.9.0.0/16 dev k2
link set k2 up
"""
    # line 7 has a bad device name; the error below is the daemon's, for line 7.
    path, r = gw.batch(text, "line7.conf")
    try:
        check(r.rc == 1, f"exit status {r.rc}, expected 1: {r}")
        check_eq(r.out, "", "stdout of the failed batch")
        lines = r.err.split("\n")
        check(len(lines) == 2 and lines[1] == "", f"stderr is not one line: {r.err!r}")
        check(lines[0].startswith(f"gwctl: {path}:7: "), f"stderr does not name {path}:7: {lines[0]!r}")
        check("k1/24" in lines[0], f"stderr does not name the problem: {lines[0]!r}")
        check("4 command(s) before it applied" in lines[0], f"stderr: {lines[0]!r}")
        check_eq(sorted((t["name"], t["up"]) for t in gw.js("tunnel", "show")), [("k1", True), ("k2", False)],
                 "tunnels: lines 1, 2, 4 applied; 8 and 10 not")
        check_eq(gw.js("route", "show"), [route_json("10.8.0.0/16", "k1")], "routes: line 6 applied; 9 not")
    finally:
        gw.wipe()


@test("protocol: @batch skips after the first failure; a plain connection goes on", shared=True)
def t_protocol_batch_mode():
    gw = shared()
    try:
        c = gw.conn()
        c.send("@batch\ntunnel add p1 local 10.0.0.1\ntunnel add p1 local 10.0.0.2\n"
               "tunnel add p2 local 10.0.0.3\nlink show\n")
        check_eq(c.reply(), ("ok", b""), "reply to @batch")
        check_eq(c.reply(), ("ok", b""), "reply to the first add")
        k, body = c.reply()
        check(k == "error" and body == b'tunnel "p1" already exists\n', f"reply to the duplicate: {k} {body!r}")
        for what in ("tunnel add p2", "link show"):
            k, body = c.reply()
            check(k == "error" and b"skipped" in body, f"reply to {what} after the failure: {k} {body!r}")
        c.close()
        check_eq([t["name"] for t in gw.js("tunnel", "show")], ["p1"], "tunnels after the @batch connection")
        c = gw.conn()
        c.send("tunnel add p1 local 10.0.0.9\ntunnel add p3 local 10.0.0.3\n-j tunnel show p3\n")
        k, _ = c.reply()
        check(k == "error", "duplicate add on a plain connection fails")
        check_eq(c.reply(), ("ok", b""), "the next request on a plain connection is applied")
        k, body = c.reply()
        check(k == "ok" and json.loads(body)[0]["name"] == "p3", f"-j tunnel show p3: {k} {body!r}")
        c.close()
    finally:
        gw.wipe()


@test("batch: line 5 does not parse -> exit 1, FILE:5: named, nothing applied (checked before sending)", shared=True)
def t_batch_syntax():
    gw = shared()
    text = """\
tunnel add s1 local 10.0.0.1
link set s1 up
route add 10.8.0.0/16 dev s1
# line 5 has a bad prefix length
route add 10.9.0.0/33 dev s1
tunnel add s2 local 10.0.0.2
"""
    path, r = gw.batch(text, "syntax5.conf")
    try:
        check_eq((r.rc, r.out), (1, ""), f"exit status and stdout: {r}")
        check_eq(r.err, f'gwctl: {path}:5: bad prefix length in "10.9.0.0/33" (IPv4 takes 0..32) '
                        f'(nothing applied: every line is checked before the first is sent)\n',
                 "gwctl's error")
        check_eq(gw.js("tunnel", "show"), [], "tunnels: nothing applied")
        check_eq(gw.js("route", "show"), [], "routes: nothing applied")
    finally:
        gw.wipe()


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
