#!/usr/bin/python3
"""Error paths: each refused gwctl command (ERROR_CASES) exits 1 (2 for gwctl's own usage errors
and an unreachable daemon) with one stderr line "gwctl: ..." that names the problem, prints
nothing on stdout, and leaves config show and every -j show as they were.

    /usr/bin/python3 tests/gwctl/errors_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import os
import re
import sys

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import check, run_gwctl, shared, test


# =========================================================================== 2. error paths

ERROR_FIXTURE = """\
addr add 192.0.2.1/24 dev port0
tunnel add t1 mode ipip remote 10.0.0.2 local 10.0.0.1
tunnel add t2 mode sit remote 10.0.0.3 local 10.0.0.1 ttl 64
link set t1 up
route add 198.51.100.0/24 dev t1
route add 2001:db8:2::/64 dev t2
neigh add 192.0.2.10 lladdr 52:54:00:12:34:56 dev port0
"""
ERROR_FIXTURE_UNDO = """\
neigh del 192.0.2.10 dev port0
tunnel del t1
tunnel del t2
addr del 192.0.2.1/24 dev port0
"""

# (gwctl arguments, exit status, regex the one stderr line must match after "gwctl: ")
ERROR_CASES = [
    # unknown tunnel
    (["tunnel", "change", "nosuch", "ttl", "5"], 1, r'^unknown tunnel "nosuch"$'),
    (["tunnel", "del", "nosuch"], 1, r'^unknown tunnel "nosuch"$'),
    (["tunnel", "show", "nosuch"], 1, r'^unknown tunnel "nosuch"$'),
    (["-j", "tunnel", "show", "nosuch"], 1, r'^unknown tunnel "nosuch"$'),
    # duplicate name
    (["tunnel", "add", "t1", "local", "10.0.0.50"], 1, r'^tunnel "t1" already exists$'),
    (["tunnel", "add", "port0", "local", "10.0.0.50"], 1, r'^name "port0" is a port$'),
    # duplicate (remote, local)
    (["tunnel", "add", "t9", "remote", "10.0.0.2", "local", "10.0.0.1"], 1,
     r'^tunnel "t1" already has remote 10\.0\.0\.2 local 10\.0\.0\.1$'),
    (["tunnel", "add", "t9", "mode", "sit", "remote", "10.0.0.3", "local", "10.0.0.1"], 1,
     r'^tunnel "t2" already has remote 10\.0\.0\.3 local 10\.0\.0\.1$'),
    (["tunnel", "change", "t2", "remote", "10.0.0.2"], 1,
     r'^tunnel "t1" already has remote 10\.0\.0\.2 local 10\.0\.0\.1$'),
    # bad prefixes
    (["route", "add", "10.0.0.300/24", "dev", "port0"], 1, r'^bad prefix "10\.0\.0\.300/24"$'),
    (["route", "add", "banana", "dev", "port0"], 1, r'^bad prefix "banana"$'),
    (["route", "add", "10.9.0.0/33", "dev", "port0"], 1,
     r'^bad prefix length in "10\.9\.0\.0/33" \(IPv4 takes 0\.\.32\)$'),
    (["route", "add", "2001:db8:9::/129", "dev", "port0"], 1,
     r'^bad prefix length in "2001:db8:9::/129" \(IPv6 takes 0\.\.128\)$'),
    (["addr", "add", "10.9.9.9/33", "dev", "port0"], 1, r'^bad prefix length in "10\.9\.9\.9/33"'),
    (["route", "add", "10.9.0.1/24", "dev", "port0"], 1,
     r'^prefix "10\.9\.0\.1/24" has host bits set \(did you mean 10\.9\.0\.0/24\?\)$'),
    (["route", "del", "198.51.100.1/24"], 1, r'^prefix "198\.51\.100\.1/24" has host bits set'),
    # address family mismatch
    (["route", "add", "2001:db8:9::/64", "via", "192.0.2.254", "dev", "port0"], 1,
     r'^address family mismatch: via "192\.0\.2\.254" for prefix 2001:db8:9::/64$'),
    (["route", "add", "10.9.0.0/16", "via", "2001:db8::1", "dev", "port0", "onlink"], 1,
     r'^address family mismatch: via "2001:db8::1" for prefix 10\.9\.0\.0/16$'),
    (["addr", "add", "10.9.9.9/24", "peer", "2001:db8::1", "dev", "port0"], 1,
     r'^address family mismatch: peer "2001:db8::1/128" for local "10\.9\.9\.9"$'),
    (["route", "add", "2001:db8:9::/64", "via", "2001:db8::1", "dev", "t1"], 1,
     r'^via "2001:db8::1" through a tunnel must be an IPv4 outer address$'),
    # unknown device
    (["route", "add", "10.9.0.0/16", "dev", "port7"], 1, r'^unknown device "port7"$'),
    (["addr", "add", "10.9.9.9/24", "dev", "nosuch"], 1, r'^unknown device "nosuch"$'),
    (["link", "set", "nosuch", "up"], 1, r'^unknown device "nosuch"$'),
    (["neigh", "add", "10.0.0.5", "lladdr", "52:54:00:00:00:01", "dev", "port9"], 1, r'^unknown device "port9"$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "dev", "port9"], 1, r'^unknown device "port9"$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "dev", "t1"], 1, r'^tunnel dev needs a port, "t1" is a tunnel$'),
    # neighbour on a tunnel
    (["neigh", "add", "10.0.0.5", "lladdr", "52:54:00:00:00:01", "dev", "t1"], 1,
     r'^neigh needs a port, "t1" is a tunnel$'),
    (["neigh", "del", "10.0.0.5", "dev", "t1"], 1, r'^neigh needs a port, "t1" is a tunnel$'),
    # nopmtudisc with a fixed ttl
    (["tunnel", "add", "t9", "local", "10.0.0.60", "ttl", "64", "nopmtudisc"], 1,
     r'^"nopmtudisc" needs "ttl inherit" \(as in Linux\)$'),
    (["tunnel", "change", "t2", "nopmtudisc"], 1, r'^"nopmtudisc" needs "ttl inherit"'),
    # unknown words
    (["frobnicate"], 1, r'^unknown command "frobnicate" \(link, addr, tunnel, route, neigh, stats, config\)$'),
    (["frobnicate", "add", "x"], 1, r'^unknown command "frobnicate" \(link, addr, tunnel, route, neigh\)$'),
    (["route", "add", "10.9.0.0/16", "dev", "port0", "metric", "5"], 1, r'^unknown word "metric" in route$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "key", "5"], 1, r'^unknown word "key" in tunnel add$'),
    (["tunnel", "del", "t1", "mode", "sit"], 1, r'^unknown word "mode" in tunnel del$'),
    (["route", "flush", "all"], 1, r'^unknown word "flush" in route \(add, replace, del\)$'),
    (["route", "re", "10.9.0.0/16", "dev", "port0"], 1, r'^unknown word "re" in route'),
    (["neigh", "add", "10.0.0.5", "lladdr", "52:54:00:00:00:01", "dev", "port0", "nud", "reachable"], 1,
     r'^unknown word "nud" in neigh$'),
    (["link", "show", "extra"], 1, r'^unknown word "extra" after link show$'),
    (["stats", "now"], 1, r'^unknown word "now" after stats$'),
    (["config"], 1, r'^config: expected show, save \[FILE\] or reload \[FILE\]$'),
    (["config", "frob"], 1, r'^config: expected show, save \[FILE\] or reload'),
    (["config", "reload"], 1, r'^config reload: gatewayd was started without --config; name a FILE$'),
    (["config", "reload", "a", "b"], 1, r'^unknown word "b" after config reload FILE$'),
    (["config", "show", "x"], 1, r'^unknown word "x" after config show$'),
    (["ip"], 1, r'^empty command$'),
    # missing values
    (["tunnel", "add", "t9", "local"], 1, r'^"local" needs a value$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "ttl"], 1, r'^"ttl" needs a value$'),
    (["link", "set", "port0", "mtu"], 1, r'^"mtu" needs a value$'),
    (["route", "add", "10.9.0.0/16", "via"], 1, r'^"via" needs a value$'),
    (["addr", "add", "10.9.9.9/24", "dev"], 1, r'^"dev" needs a value$'),
    (["neigh", "add", "10.0.0.5", "lladdr"], 1, r'^"lladdr" needs a value$'),
    (["route", "add"], 1, r'^route: expected a prefix$'),
    (["route", "add", "10.9.0.0/16"], 1, r'^route: expected "dev IFACE" or "via ADDRESS"$'),
    (["tunnel", "add"], 1, r'^tunnel: expected a tunnel name$'),
    (["tunnel", "add", "t9"], 1, r'^tunnel needs "local ADDRESS" \(IPv4\)$'),
    (["link", "set", "port0"], 1, r'^link set: expected up, down or mtu N$'),
    (["link", "set"], 1, r'^link set: expected an interface name$'),
    (["addr", "add", "dev", "port0"], 1, r'^addr: expected an address$'),
    (["addr", "add", "10.9.9.9/24"], 1, r'^addr: expected "dev IFACE"$'),
    (["neigh", "add", "10.0.0.5", "dev", "port0"], 1, r'^neigh: expected "lladdr MAC"$'),
    (["neigh", "add", "10.0.0.5", "lladdr", "52:54:00:00:00:01"], 1, r'^neigh: expected "dev portN"$'),
    # bad values
    (["tunnel", "add", "t9", "mode", "gre", "local", "10.0.0.60"], 1, r'^bad tunnel mode "gre" \(ipip, sit, any; over IPv6: ip6ip6, ipip6, any\)$'),
    (["tunnel", "add", "t9", "local", "any"], 1, r'^"local any" is not supported'),
    (["tunnel", "add", "t9", "mode", "sit", "local", "2001:db8::1"], 1,
     r'^local "2001:db8::1" is IPv6: mode sit is over IPv4 \(over IPv6: mode ip6ip6, ipip6, any\)$'),
    (["tunnel", "add", "t9", "local", "2001:db8::1"], 1,
     r'^"remote any" is not supported for mode ip6ip6 \(IPv6 underlay\): give the remote address$'),
    (["tunnel", "add", "t9", "mode", "ip6ip6", "remote", "10.0.0.1", "local", "2001:db8::1"], 1,
     r'^remote "10\.0\.0\.1" is IPv4: mode ip6ip6 is over IPv6 \(over IPv4: ipip, sit, any\)$'),
    (["tunnel", "add", "t9", "mode", "ip6ip6", "remote", "2001:db8::2", "local", "2001:db8::1",
      "encaplimit", "300"], 1, r'^bad encaplimit "300" \(0\.\.255, or none\)$'),
    (["tunnel", "add", "t9", "remote", "10.0.0.256", "local", "10.0.0.60"], 1, r'^bad IP address "10\.0\.0\.256"$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "ttl", "256"], 1, r'^bad ttl "256" \(0\.\.255\)$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "ttl", "1000"], 1, r'^bad ttl "1000" \(0\.\.255\)$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "tos", "zz"], 1, r'^bad tos "zz" \(hex 00\.\.ff, or inherit\)$'),
    (["tunnel", "add", "t9", "local", "10.0.0.60", "tos", "100"], 1, r'^bad tos "100"'),
    (["tunnel", "add", "this_name_is_too_long", "local", "10.0.0.60"], 1,
     r'^bad interface name "this_name_is_too_long" \(1\.\.15 characters\)$'),
    (["tunnel", "add", "t/9", "local", "10.0.0.60"], 1, r'^bad interface name "t/9"$'),
    (["link", "set", "t1", "mtu", "65530"], 1, r'^bad mtu "65530" for a tunnel \(68\.\.65515\)$'),
    (["link", "set", "port0", "mtu", "67"], 1, r'^bad mtu "67" \(68\.\.65535\)$'),
    (["link", "set", "port0", "mtu", "65536"], 1, r'^bad mtu "65536" \(68\.\.65535\)$'),
    (["neigh", "add", "10.0.0.5", "lladdr", "01:00:5e:00:00:01", "dev", "port0"], 1,
     r'^lladdr "01:00:5e:00:00:01" is not a unicast MAC address$'),
    (["neigh", "add", "10.0.0.5", "lladdr", "00:00:00:00:00:00", "dev", "port0"], 1, r'is not a unicast MAC'),
    (["neigh", "add", "10.0.0.5", "lladdr", "52:54:00:00:00", "dev", "port0"], 1, r'^bad MAC address "52:54:00:00:00"$'),
    (["neigh", "add", "10.0.0.500", "lladdr", "52:54:00:00:00:01", "dev", "port0"], 1, r'^bad IP address "10\.0\.0\.500"$'),
    (["addr", "add", "default", "dev", "port0"], 1, r'^bad address "default"$'),
    # conflicts with the present state
    (["route", "add", "198.51.100.0/24", "dev", "port1"], 1, r'^route to 198\.51\.100\.0/24 already exists$'),
    (["route", "add", "192.0.2.0/24", "dev", "port1"], 1, r'^route to 192\.0\.2\.0/24 already exists$'),
    (["route", "del", "203.0.113.0/24"], 1, r'^no route to 203\.0\.113\.0/24$'),
    (["route", "del", "198.51.100.0/24", "dev", "port0"], 1, r'^no route to 198\.51\.100\.0/24 dev port0$'),
    (["route", "del", "198.51.100.0/24", "via", "10.0.0.9"], 1, r'^no route to 198\.51\.100\.0/24 via 10\.0\.0\.9$'),
    (["route", "add", "10.9.0.0/16", "via", "192.0.3.1", "dev", "port0"], 1,
     r'^gateway "192\.0\.3\.1" is not on a connected network of port0 \(add "onlink" if it is\)$'),
    (["route", "add", "10.9.0.0/16", "via", "192.0.3.1"], 1,
     r'^gateway "192\.0\.3\.1" is on no connected network: give "dev IFACE"$'),
    (["addr", "add", "192.0.2.1/24", "dev", "port1"], 1, r'^address 192\.0\.2\.1 is already assigned to port0$'),
    (["addr", "del", "192.0.2.1/24", "dev", "port1"], 1, r'^address 192\.0\.2\.1 is not on port1$'),
    (["neigh", "add", "192.0.2.10", "lladdr", "52:54:00:12:34:57", "dev", "port0"], 1,
     r'^neighbour 192\.0\.2\.10 dev port0 already exists \(use replace\)$'),
    (["neigh", "del", "192.0.2.99", "dev", "port0"], 1, r'^no neighbour 192\.0\.2\.99 dev port0$'),
    # config save: the shared gatewayd has no --config; an unwritable FILE
    (["config", "save"], 1, r'^config save: gatewayd was started without --config; name a FILE$'),
    (["config", "save", "/nonexistent/dir/gw.conf"], 1,
     r'^config save: cannot create a file beside /nonexistent/dir/gw\.conf: No such file or directory$'),
    (["config", "save", "a", "b"], 1, r'^unknown word "b" after config save FILE$'),
    # gwctl's own usage errors and an unreachable daemon (exit 2)
    ([], 2, r'^no command'),
    (["-j"], 2, r'^no command'),
    (["--socket=/nonexistent/gw.sock", "link", "show"], 2,
     r'^cannot reach gatewayd at /nonexistent/gw\.sock: No such file or directory$'),
    (["--socket=@NOTSOCK@", "link", "show"], 2, r'^cannot reach gatewayd at .*: Connection refused$'),
    (["--socket=/" + "x" * 120, "link", "show"], 2, r'^socket path too long'),
    (["--batch=/nonexistent/batch.conf"], 2, r'^/nonexistent/batch\.conf: cannot open'),
    (["--batch=@NOTSOCK@", "link", "show"], 2, r'^--batch takes no command words$'),
    (["--no-such-flag", "link", "show"], 2, r'no-such-flag'),
    # one invocation is one command: a newline inside an argument must not smuggle in a second one
    (["tunnel", "show", "nosuch\ntunnel add tinj local 10.0.0.99"], None, r'newline|control char|line break'),
    (["link", "show\ntunnel add tinj2 local 10.0.0.98"], None, r'newline|control char|line break'),
]


def error_case(args, rc_want, regex):
    def fn():
        gw = shared()
        notsock = os.path.join(gw.dir, "not-a-socket")
        with open(notsock, "w"):
            pass
        args_ = [a.replace("@NOTSOCK@", notsock) for a in args]
        gw.batch_ok(ERROR_FIXTURE)
        try:
            before = gw.config()
            before_j = {o: gw.js(o, "show") for o in ("link", "tunnel", "addr", "route", "neigh")}
            if any(a.startswith("--socket=") for a in args_):
                r = run_gwctl(args_)
            else:
                r = gw.gwctl(*args_)
            problems = []
            if rc_want is None:
                if r.rc == 0:
                    problems.append("exit status 0, expected a refusal")
            elif r.rc != rc_want:
                problems.append(f"exit status {r.rc}, expected {rc_want}")
            if r.out != "":
                problems.append(f"stdout not empty: {r.out[:300]!r}")
            lines = r.err.split("\n")
            if not (len(lines) == 2 and lines[1] == "" and lines[0].startswith("gwctl: ")):
                problems.append(f"stderr is not exactly one line starting 'gwctl: ': {r.err[:500]!r}")
            elif not re.search(regex, lines[0][len("gwctl: "):]):
                problems.append(f"stderr {lines[0]!r} does not match /{regex}/")
            after = gw.config()
            if after != before:
                problems.append(f"config show changed:\n--- before\n{before}--- after\n{after}")
            for o, v in before_j.items():
                if gw.js(o, "show") != v:
                    problems.append(f"-j {o} show changed")
            check(not problems, "\n".join(problems))
        finally:
            gw.batch_ok(ERROR_FIXTURE_UNDO)
    return fn


for _args, _rc, _re in ERROR_CASES:
    test("error: gwctl " + " ".join(a.replace("\n", "\\n") for a in _args), shared=True)(
        error_case(_args, _rc, _re))


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
