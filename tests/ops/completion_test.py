#!/usr/bin/python3
"""Bash completion for gwctl (conf/gwctl.bash): options, objects, verbs and keywords, and the tunnel
and port names of the running gateway, fetched with gwctl itself.

    /usr/bin/python3 tests/ops/completion_test.py [--gwctl build/gwctl] [--gatewayd build/gatewayd]

Each case runs the completion function the way bash does on TAB (COMP_WORDS, COMP_CWORD) in a
clean `bash --norc` and compares COMPREPLY, sorted, with what is expected.
"""
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lib import SRC, Gatewayd, check, check_eq, main, run, test  # noqa: E402
import lib  # noqa: E402

SCRIPT = os.path.join(SRC, "conf", "gwctl.bash")

CONFIG = """\
addr add 10.65.132.187/24 dev port0
tunnel add t1 mode ipip remote 10.65.132.188 local 10.65.132.187
tunnel add wan7 mode sit remote 10.65.132.189 local 10.65.132.187
"""


def complete(words, env=None):
    """COMPREPLY, sorted, for the command line `words` (the last one is being completed)."""
    arr = " ".join(shlex.quote(w) for w in words)
    script = (f"source {shlex.quote(SCRIPT)}\n"
              f"COMP_WORDS=({arr}); COMP_CWORD={len(words) - 1}; COMPREPLY=()\n"
              "_gwctl\n"
              "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    r = run(["bash", "--norc", "--noprofile", "-c", script], env=env)
    check(r.rc == 0 and r.err == "", f"completing {words}: {r}")
    return sorted(l for l in r.out.splitlines() if l)


@test("objects, options, verbs and keywords, without a gateway")
def t_static():
    g = lib.ARGS.gwctl
    cases = [
        ([g, ""], ["addr", "config", "help", "link", "neigh", "route", "stats", "tunnel"]),
        ([g, "t"], ["tunnel"]),
        ([g, "-j", "r"], ["route"]),
        ([g, "--so"], ["--socket="]),
        ([g, "-"], ["--batch=", "--help", "--socket=", "--timeout_ms=", "-j"]),
        ([g, "tunnel", ""], ["add", "change", "del", "show"]),
        ([g, "route", ""], ["add", "del", "replace", "show"]),
        ([g, "neigh", "add", "10.0.0.1", ""], ["dev", "lladdr", "nud"]),
        ([g, "neigh", "add", "10.0.0.1", "nud", ""], ["permanent"]),
        ([g, "tunnel", "add", "x", ""], ["dev", "encaplimit", "hoplimit", "local", "mode", "nopmtudisc",
                                         "pmtudisc", "remote", "tclass", "tos", "ttl"]),
        ([g, "tunnel", "add", "x", "mode", ""], ["any", "ip6ip6", "ipip", "ipip6", "sit"]),
        ([g, "tunnel", "add", "x", "encaplimit", ""], ["none"]),
        ([g, "tunnel", "add", "x", "hoplimit", ""], ["inherit"]),
        ([g, "tunnel", "add", "x", "ttl", ""], ["inherit"]),
        ([g, "route", "add", "10.0.0.0/8", ""], ["dev", "onlink", "via"]),
        ([g, "link", "set", "port0", ""], ["down", "mtu", "up"]),
        ([g, "stats", ""], ["--prometheus"]),
        ([g, "config", ""], ["reload", "save", "show"]),
        ([g, "help", "n"], ["neigh"]),
    ]
    for words, want in cases:
        check_eq(complete(words), want, f"completion of {words[1:]}")


@test("tunnel and port names come from the running gateway (--socket or $GATEWAYD_SOCKET)")
def t_names():
    gw = Gatewayd("names", config=CONFIG).start()
    g, s = lib.ARGS.gwctl, f"--socket={gw.sock}"
    cases = [
        ([g, s, "tunnel", "show", ""], ["t1", "wan7"]),
        ([g, s, "tunnel", "del", "w"], ["wan7"]),
        ([g, s, "tunnel", "change", ""], ["t1", "wan7"]),
        ([g, s, "tunnel", "add", ""], []),                       # a new name: nothing to offer
        ([g, s, "link", "set", ""], ["port0", "port1", "t1", "wan7"]),
        ([g, "--socket", gw.sock, "link", "set", "p"], ["port0", "port1"]),
        ([g, s, "route", "add", "10.0.0.0/8", "dev", ""], ["port0", "port1", "t1", "wan7"]),
        ([g, s, "addr", "add", "10.1.1.1/24", "dev", ""], ["port0", "port1", "t1", "wan7"]),
        ([g, s, "neigh", "add", "10.0.0.1", "lladdr", "52:54:00:00:00:01", "dev", ""], ["port0", "port1"]),
        ([g, s, "tunnel", "add", "x", "dev", ""], ["port0", "port1"]),
    ]
    for words, want in cases:
        check_eq(complete(words), want, f"completion of {words[2:]}")
    env = lib.clean_env(GATEWAYD_SOCKET=gw.sock)
    check_eq(complete([g, "tunnel", "show", ""], env=env), ["t1", "wan7"], "names through $GATEWAYD_SOCKET")
    gw.ok("tunnel", "del", "wan7")
    check_eq(complete([g, s, "tunnel", "show", ""]), ["t1"], "names after tunnel del")
    gw.stop()
    # No gateway: no names, and nothing printed on the terminal.
    check_eq(complete([g, s, "tunnel", "show", ""]), [], "names with no gateway running")


@test("sourcing it registers the completion for gwctl")
def t_registered():
    r = run(["bash", "--norc", "--noprofile", "-c", f"source {shlex.quote(SCRIPT)}; complete -p gwctl"])
    check_eq((r.rc, r.out, r.err), (0, "complete -F _gwctl gwctl\n", ""), "complete -p gwctl")


if __name__ == "__main__":
    sys.exit(main(__doc__))
