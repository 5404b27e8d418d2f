#!/usr/bin/python3
"""The doors of gatewayd (docs/reliability.md, "Fault injection and the doors"): the control socket
(mode 0660, --socket_group, a path that is not a socket is refused and left alone), the config
file (refused when others could write or replace it, unless --config_insecure_ok), and the limits
(--max_line on config lines and socket requests, the table sizes, the neighbours being resolved):
each refusal is one line and changes nothing.

    /usr/bin/python3 tests/robust/doors_test.py --build build [-k SUBSTRING] [--keep] [--list]
"""
import grp
import os
import re
import socket
import stat
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import robustlib  # noqa: E402
from robustlib import Failure, check, check_eq, gwlib, stderr_line  # noqa: E402
from gwlib import BASE_CONFIG, test  # noqa: E402
from robustlib import small as Gatewayd  # noqa: E402  (small tables: quick startups)


def other_group():
    """A group other than root's that exists on every Debian: daemon (gid 1), else any."""
    try:
        return grp.getgrnam("daemon")
    except KeyError:
        for g in grp.getgrall():
            if g.gr_gid != 0:
                return g
    raise Failure("no group other than root's on this machine")


def start_fails(gw, want_line):
    rc, err = gw.run_to_exit()
    check(rc == 1, f"gatewayd exited {rc}, expected 1; stderr:\n{err}")
    check_eq(stderr_line(err), want_line, "gatewayd's error line")


# =========================================================================== the control socket

@test("socket: --socket_group=NAME and =GID give the socket that group, mode 0660")
def t_socket_group():
    g = other_group()
    for value in (g.gr_name, str(g.gr_gid)):
        gw = Gatewayd(f"group_{value}", flags=[f"--socket_group={value}"]).start()
        try:
            st = os.stat(gw.sock)
            check(stat.S_ISSOCK(st.st_mode), f"{gw.sock} is not a socket")
            check_eq(oct(stat.S_IMODE(st.st_mode)), oct(0o660), "socket mode")
            check_eq(st.st_gid, g.gr_gid, f"socket group with --socket_group={value}")
            check_eq(st.st_uid, os.geteuid(), "socket owner")
        finally:
            gw.stop()
    gw = Gatewayd("group_none").start()
    try:
        check_eq(os.stat(gw.sock).st_gid, os.getegid(), "socket group without --socket_group")
    finally:
        gw.stop()


@test("socket: --socket_group=unknown -> exit 1, one line naming it")
def t_socket_group_unknown():
    gw = Gatewayd("group_unknown", flags=["--socket_group=no_such_group_gw"])
    start_fails(gw, 'gatewayd: --socket_group: no group "no_such_group_gw"')
    check(not os.path.exists(gw.sock), "a socket was created anyway")


@test("socket: a path that is a file, a directory or a symlink is refused and left as it was")
def t_socket_not_a_socket():
    for kind in ("file", "directory", "symlink", "dangling symlink"):
        gw = Gatewayd(f"notsock_{kind.replace(' ', '_')}")
        target = os.path.join(gw.dir, "precious")
        with open(target, "w") as f:
            f.write("do not delete me\n")
        if kind == "file":
            with open(gw.sock, "w") as f:
                f.write("do not delete me\n")
        elif kind == "directory":
            os.mkdir(gw.sock)
        elif kind == "symlink":
            os.symlink(target, gw.sock)
        else:
            os.symlink(os.path.join(gw.dir, "nowhere"), gw.sock)
        start_fails(gw, f"gatewayd: control socket path {gw.sock} exists and is not a socket "
                        f"(remove it or choose another --socket)")
        st = os.lstat(gw.sock)
        if kind == "file":
            check(stat.S_ISREG(st.st_mode) and open(gw.sock).read() == "do not delete me\n",
                  "the file was changed")
        elif kind == "directory":
            check(stat.S_ISDIR(st.st_mode), "the directory was replaced")
        else:
            check(stat.S_ISLNK(st.st_mode), f"the {kind} was replaced")
        check_eq(open(target).read(), "do not delete me\n", "the symlink's target")


@test("socket: a stale socket file (no daemon behind it) is replaced")
def t_socket_stale():
    gw = Gatewayd("stale")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(gw.sock)
    s.close()                       # a socket file that nobody serves
    check(stat.S_ISSOCK(os.lstat(gw.sock).st_mode), "the stale socket file was not made")
    gw.start()
    gw.stop()


# =========================================================================== the config file

CONF = "tunnel add t1 local 10.0.0.1\nroute add 10.1.0.0/16 dev t1\n"


def conf_in(dirpath, name="gw.conf", mode=0o644, text=CONF):
    os.makedirs(dirpath, exist_ok=True)
    path = os.path.join(dirpath, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def refused(path, what):
    return (f"gatewayd: {path}: refused: {what} (anyone who can write it controls the gateway; "
            f"fix the modes, or --config_insecure_ok)")


@test("config: world-writable file refused; --config_insecure_ok loads it; group-writable loads")
def t_config_world_writable():
    d = os.path.join(gwlib.TMP, "conf_ww")
    os.makedirs(d, mode=0o755)
    path = conf_in(d, mode=0o666)
    gw = Gatewayd("conf_ww", config=path)
    start_fails(gw, refused(path, "the file is world-writable"))
    gw = Gatewayd("conf_ww_ok", config=path, flags=["--config_insecure_ok"]).start()
    try:
        check_eq([t["name"] for t in gw.js("tunnel", "show")], ["t1"], "tunnels loaded with --config_insecure_ok")
    finally:
        gw.stop()
    os.chmod(path, 0o664)
    gw = Gatewayd("conf_gw", config=path).start()
    try:
        check_eq([t["name"] for t in gw.js("tunnel", "show")], ["t1"], "tunnels of a group-writable config")
    finally:
        gw.stop()


@test("config: a world-writable directory on its path: refused without the sticky bit, fine with it")
def t_config_dir():
    base = os.path.join(gwlib.TMP, "conf_dir")
    os.makedirs(base, mode=0o755)
    d = os.path.join(base, "open")
    path = conf_in(d)
    os.chmod(d, 0o777)
    gw = Gatewayd("conf_dir", config=path)
    start_fails(gw, refused(path, f"directory {d} is world-writable without the sticky bit"))
    # Through a symlink: the real path's directories are the ones checked.
    link = os.path.join(base, "link.conf")
    os.symlink(path, link)
    gw = Gatewayd("conf_dir_link", config=link)
    start_fails(gw, refused(link, f"directory {d} is world-writable without the sticky bit"))
    os.chmod(d, 0o1777)             # as /tmp: others cannot rename or remove our file
    gw = Gatewayd("conf_dir_sticky", config=path).start()
    try:
        check_eq([t["name"] for t in gw.js("tunnel", "show")], ["t1"], "tunnels (sticky directory)")
    finally:
        gw.stop()


@test("config: a file or a directory owned by another user is refused")
def t_config_owner():
    base = os.path.join(gwlib.TMP, "conf_owner")
    os.makedirs(base, mode=0o755)
    path = conf_in(os.path.join(base, "f"))
    os.chown(path, 65534, 65534)    # nobody
    gw = Gatewayd("conf_owner_file", config=path)
    start_fails(gw, refused(path, "the file is owned by uid 65534, neither root nor the daemon's user"))
    d = os.path.join(base, "d")
    path = conf_in(d)
    os.chown(d, 65534, 65534)
    gw = Gatewayd("conf_owner_dir", config=path)
    start_fails(gw, refused(path, f"directory {d} is owned by uid 65534, neither root nor the daemon's user"))
    gw = Gatewayd("conf_owner_ok", config=path, flags=["--config_insecure_ok"]).start()
    gw.stop()


@test("config: not a regular file (a directory) is refused; a missing file is 'cannot open'")
def t_config_not_regular():
    d = os.path.join(gwlib.TMP, "conf_isdir")
    os.makedirs(d, mode=0o755)
    gw = Gatewayd("conf_isdir", config=d)
    start_fails(gw, refused(d, "not a regular file"))
    missing = os.path.join(gwlib.TMP, "no_such.conf")
    gw = Gatewayd("conf_missing", config=missing)
    start_fails(gw, f"gatewayd: {missing}: cannot open: No such file or directory")


# =========================================================================== limits

@test("limits: --max_line: a longer config line stops startup with FILE:LINE")
def t_max_line_config():
    d = os.path.join(gwlib.TMP, "maxline")
    os.makedirs(d, mode=0o755)
    long_line = "route add 10.2.0.0/16 dev t1" + " " * 80 + "# " + "x" * 10
    check(len(long_line) == 120, "the long line is 120 bytes")
    path = conf_in(d, text=CONF + long_line + "\n")
    gw = Gatewayd("maxline_conf", config=path, flags=["--max_line=119"])
    start_fails(gw, f"gatewayd: {path}:3: line longer than 119 bytes (--max_line)")
    gw = Gatewayd("maxline_conf_ok", config=path, flags=["--max_line=120"]).start()
    try:
        check_eq(len(gw.js("route", "show")), 2, "routes with --max_line=120")
    finally:
        gw.stop()
    for bad in ("63", "16777217"):
        gw = Gatewayd(f"maxline_bad{bad}", flags=[f"--max_line={bad}"])
        start_fails(gw, "gatewayd: --max_line must be 64..16777216")


@test("limits: --max_line=100: a 101-byte request is refused (gwctl exit 1, one line), nothing changed")
def t_max_line_socket():
    gw = Gatewayd("maxline_sock", flags=["--max_line=100"]).start()
    try:
        line = "tunnel add t1 local 10.0.0.1" + " " * 73
        check_eq(len(line), 101, "request length")
        r = gw.gwctl(*line.split(" "))   # gwctl joins words with single spaces: same bytes
        check(r.rc == 1 and r.out == "" and r.err == "gwctl: request longer than 100 bytes\n",
              f"gwctl with a 101-byte request: {r}")
        check_eq(gw.config(), BASE_CONFIG, "config after the refused request")
        c = gw.conn()
        check_eq(c.request(line[:100]), ("ok", b""), "a 100-byte request")
        c.close()
        check_eq([t["name"] for t in gw.js("tunnel", "show")], ["t1"], "tunnels after the 100-byte request")
        # --batch: the daemon refuses the line; gwctl names it
        path, r = gw.batch("tunnel add t2 local 10.0.0.2\n" + line.replace("t1", "t3") + "\n")
        check(r.rc == 1 and r.err == f"gwctl: {path}:2: request longer than 100 bytes "
                                      f"(1 command(s) before it applied, none after)\n",
              f"gwctl --batch with a 101-byte line 2: {r}")
        check_eq(sorted(t["name"] for t in gw.js("tunnel", "show")), ["t1", "t2"], "tunnels after the batch")
        gw.ok("tunnel", "del", "t1")
        gw.ok("tunnel", "del", "t2")
    finally:
        gw.stop()


def fill(gw, make, limit_msg, max_n=10000):
    """Applies make(i) for i = 0, 1, ... until the gateway refuses; returns how many it took."""
    for i in range(max_n):
        r = gw.gwctl(*make(i).split())
        if r.rc != 0:
            check(r.rc == 1 and r.out == "" and re.fullmatch(limit_msg, r.err.rstrip("\n"))
                  and r.err.count("\n") == 1, f"refusal #{i}: {r}")
            return i
    raise Failure(f"no refusal after {max_n} commands")


@test("limits: --tunnels, --routes, --neighbours, --nexthops: a full table is one line, nothing changed")
def t_table_limits():
    gw = Gatewayd("tables", flags=["--tunnels=8", "--routes=16", "--routes6=16", "--neighbours=8",
                                    "--nexthops=8"]).start()
    try:
        n = fill(gw, lambda i: f"tunnel add t{i} local 10.0.0.1 remote 10.9.0.{i + 1}",
                 r"gwctl: (tunnel|peer) table full \(\d+; raise --tunnels\)")
        check(1 <= n <= 8, f"{n} tunnels fitted in --tunnels=8")
        before = gw.config()
        r = gw.gwctl("tunnel", "add", "tx", "local", "10.0.0.1", "remote", "10.9.1.1")
        check(r.rc == 1, f"one more tunnel: {r}")
        check_eq(gw.config(), before, "config after the refused tunnel")
        gw.batch_ok("".join(f"tunnel del t{i}\n" for i in range(n)))

        n = fill(gw, lambda i: f"route add 10.{i}.0.0/16 dev port0",
                 r"gwctl: route table full \(raise --routes/--routes6 or the tbl8 flags\)")
        check(1 <= n <= 16, f"{n} routes fitted in --routes=16")
        before = gw.config()
        check(gw.gwctl("route", "add", "10.200.0.0/16", "dev", "port0").rc == 1, "one more route")
        check_eq(gw.config(), before, "config after the refused route")
        gw.batch_ok("".join(f"route del 10.{i}.0.0/16\n" for i in range(n)))

        n = fill(gw, lambda i: f"neigh add 10.3.0.{i + 1} lladdr 02:00:00:00:00:{i + 1:02x} dev port0",
                 r"gwctl: neighbour table full \(8; raise --neighbours\)")
        check(1 <= n <= 8, f"{n} neighbours fitted in --neighbours=8")
        gw.batch_ok("".join(f"neigh del 10.3.0.{i + 1} dev port0\n" for i in range(n)))

        n = fill(gw, lambda i: f"route add 10.{i}.0.0/16 via 10.3.0.{i + 1} dev port0 onlink",
                 r"gwctl: next-hop table full \(\d+; raise --nexthops\)")
        check(1 <= n <= 8, f"{n} next hops fitted in --nexthops=8")
        before = gw.config()
        check(gw.gwctl("route", "add", "10.201.0.0/16", "via", "10.3.1.1", "dev", "port0", "onlink").rc == 1,
              "one more next hop")
        check_eq(gw.config(), before, "config after the refused next hop")
        gw.batch_ok("".join(f"route del 10.{i}.0.0/16\n" for i in range(n)))
        check_eq(gw.config(), BASE_CONFIG, "config after the cleanup")
    finally:
        gw.stop()


@test("limits: --neigh_hold, --neigh_held_max and --neighbours bound what the resolver holds")
def t_resolver_limits():
    from scapy.all import IP, UDP, Ether, Raw
    d = os.path.join(gwlib.TMP, "resolver_limits")
    os.makedirs(d, mode=0o755)
    # 20 unresolved LAN hosts behind port1, 5 packets to each, in that order.
    frames = [Ether(dst="02:70:63:61:70:00", src="52:54:00:00:00:88") /
              IP(src="10.65.132.50", dst=f"10.10.100.{h}", ttl=64) / UDP(sport=1000 + i, dport=9) /
              Raw(b"x" * 18)
              for h in range(2, 22) for i in range(5)]
    pcap = os.path.join(d, "in.pcap")
    robustlib.write_pcap(pcap, frames)
    conf = conf_in(d, text="addr add 10.65.132.187/24 dev port0\naddr add 10.10.100.1/24 dev port1\n")
    gw = robustlib.gatewayd(
        "resolver_limits",
        [f"net_pcap0,rx_pcap={pcap},tx_pcap={os.path.join(d, 'out0.pcap')}", "net_null1,no-rx=1"],
        config=conf,
        flags=["--neighbours=8", "--neigh_hold=3", "--neigh_held_max=20", "--neigh_probes=1",
               "--neigh_retrans_ms=600000"]).start()
    try:
        def settled():
            s = gw.js("stats")
            return s if s["processed"] == 100 and \
                s["events"]["neigh_held"] + s["drops"]["no_neighbour"] == 100 else None
        s = robustlib.wait_for(settled, 60, "100 packets processed and held or dropped")
        # hosts 1-6: 3 held, 2 dropped (--neigh_hold=3); host 7: 2 held (--neigh_held_max=20),
        # 3 dropped; host 8: an entry (the 8th, --neighbours=8), 5 dropped; hosts 9-20: no entry.
        check_eq(s["events"]["neigh_held"], 20, "packets held")
        check_eq(s["drops"]["no_neighbour"], 80, "packets dropped no_neighbour")
        check_eq(s["events"]["arp_requests"], 8, "ARP requests (one per entry)")
        ns = gw.js("neigh", "show")
        check_eq([(n["dst"], n["dev"], n["state"]) for n in ns],
                 [(f"10.10.100.{h}", "port1", "INCOMPLETE") for h in range(2, 10)],
                 "neighbours being resolved (at most --neighbours=8)")
    finally:
        gw.stop()
    out = gw.stdout()
    check(re.search(r"^  no_neighbour +100 ", out, re.M), f"exit report: no_neighbour 100 (held ones "
                                                           f"dropped at shutdown):\n{out}")


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
