#!/usr/bin/python3
"""End-to-end tests of gatewayd's control plane: gwctl, the control socket, config show / save,
--config reload and gwctl --batch, against real gatewayd processes on two net_null ports.

    /usr/bin/python3 tests/gwctl/gwctl_test.py --build build [-k SUBSTRING] [--keep] [--bulk N]

gwlib.py holds the gatewayd processes, the raw socket client, the runner and the checks.

Every test prints PASS or FAIL (with the reason); the last line is "N passed, M failed" and the
exit status is non-zero when anything failed. Most tests share one gatewayd (started on first use,
no --config); each such test must leave it as it found it: after every one the runner compares
`config show` with the empty running configuration. Tests that need other flags start their own.
Every gatewayd must exit 0 on SIGTERM with "mempool: in_use=0" in its stdout.
"""
import ipaddress
import json
import os
import re
import select
import socket
import stat
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import (
    BASE_CONFIG, Failure, Gatewayd, SRC, by_name, check, check_eq, check_text_names, clean_env,
    link_of_tunnel, neigh_sort, port, route_json, route_sort, run_gwctl, shared, still_serving,
    test, tunnel_json)


def drop_reasons_from_source():
    """The drop reason names, read from dataplane/drop_reason.h (the single list)."""
    with open(os.path.join(SRC, "dataplane", "drop_reason.h")) as f:
        text = f.read()
    body = text[text.index("#define GW_DROP_REASONS"):text.index("enum class Drop")]
    names = re.findall(r"\bX\((\w+),", body)
    check(len(names) >= 10, f"could not read the drop reasons from drop_reason.h: {names}")
    return names


def event_names_from_source():
    """The event counter names, read from dataplane/counters.h (the single list)."""
    with open(os.path.join(SRC, "dataplane", "counters.h")) as f:
        text = f.read()
    body = text[text.index("#define GW_EVENTS"):text.index("enum class Event")]
    names = re.findall(r"\bX\((\w+),", body)
    check(len(names) >= 10, f"could not read the events from counters.h: {names}")
    return names


# =========================================================================== 1. round trips

@test("roundtrip: link set on ports (up, down, mtu)", shared=True)
def t_links():
    gw = shared()
    p0, p1 = port(gw, "port0"), port(gw, "port1")
    for p in (p0, p1):
        check(p["kind"] == "port" and re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", p["mac"] or ""),
              f"bad port entry in link show: {p}")
    check_eq(sorted(p0), ["kind", "mac", "mtu", "name", "up"], "keys of a link show entry")
    check(p0["up"] and p1["up"], f"ports start up: {gw.ports}")

    def expect():
        check_eq(gw.js("link", "show"), [p0, p1], "link show")

    gw.ok("link", "set", "port0", "down")
    p0["up"] = False
    expect()
    out = check_text_names(gw, "link", ["port0", "port1", p0["mac"], p1["mac"]])
    check(re.search(r"port0: <DOWN>", out) and re.search(r"port1: <UP>", out), f"link show text: {out}")
    gw.ok("link", "set", "port0", "up")
    p0["up"] = True
    expect()
    gw.ok("link", "set", "port1", "mtu", "9000")
    p1["mtu"] = 9000
    expect()
    gw.ok("ip", "link", "set", "dev", "port1", "down", "mtu", "1280")
    p1.update(mtu=1280, up=False)
    expect()
    gw.ok("l", "s", "port1", "mtu", "0x2328", "up")   # iproute2 abbreviations, hex number
    p1.update(mtu=9000, up=True)
    expect()
    check(gw.config() != BASE_CONFIG, "config show does not record a changed port mtu")
    gw.ok("link", "set", "port1", "mtu", str(port(gw, "port1")["mtu"]))
    p1["mtu"] = port(gw, "port1")["mtu"]
    expect()


@test("roundtrip: tunnel add / change / del with every option", shared=True)
def t_tunnels():
    gw = shared()
    mtu0, mtu1 = port(gw, "port0")["mtu"], port(gw, "port1")["mtu"]
    order = []
    tun = {}

    def expect(what):
        # Tunnels are listed by internal id, and freed ids are reused: compare by name, then
        # require link show to list them in tunnel show's order.
        got = gw.js("tunnel", "show")
        check_eq(by_name(got), {n: tun[n] for n in order}, f"tunnel show after {what}")
        for n in order:
            check_eq(gw.js("tunnel", "show", n), [tun[n]], f"tunnel show {n} after {what}")
        check_eq(gw.js("link", "show"), gw.ports + [link_of_tunnel(tun[t["name"]]) for t in got],
                 f"link show after {what}")

    def add(name, args, **want):
        words = args.split()
        gw.ok("tunnel", "add", *(words if words[0] == "name" else [name] + words))
        order.append(name)
        tun[name] = tunnel_json(name, **want)
        expect(f"tunnel add {name} {args}")

    def change(name, args, **delta):
        gw.ok("tunnel", "change", name, *args.split())
        tun[name].update(delta)
        expect(f"tunnel change {name} {args}")

    # Defaults: ipip, remote any, ttl inherit, tos 0, pmtudisc, no dev, mtu 1480, down.
    add("tdef", "local 10.0.0.1", local="10.0.0.1")
    add("tfull", "mode sit remote 10.0.0.2 local 10.0.0.1 ttl 64 tos 10 dev port1 pmtudisc",
        mode="sit", remote="10.0.0.2", local="10.0.0.1", ttl=64, tos=0x10, dev="port1", mtu=mtu1 - 20)
    add("tany", "mode any remote 10.0.0.3 local 10.0.0.1 ttl inherit tos inherit nopmtudisc dev port0",
        mode="any", remote="10.0.0.3", local="10.0.0.1", tos="inherit", pmtudisc=False, dev="port0",
        mtu=mtu0 - 20)
    add("tsit", "name tsit mode sit remote any local 10.0.0.4 ttl 0 tos 0x2c nopmtudisc",
        mode="sit", local="10.0.0.4", tos=0x2C, pmtudisc=False)

    # tos: hex as iproute2, odd = inherit, aliases.
    for arg, want in [("0x28", 0x28), ("1", "inherit"), ("ff", "inherit"), ("fe", 0xFE), ("0", 0),
                      ("2c", 0x2C), ("inherit", "inherit"), ("10", 0x10), ("0X20", 0x20), ("00", 0)]:
        change("tdef", f"tos {arg}", tos=want)
    change("tdef", "dsfield 20", tos=0x20)
    change("tdef", "tclass 0x1", tos="inherit")
    # ttl: 1..255, 0 or inherit = inherit, alias hoplimit.
    for arg, want in [("255", 255), ("0", "inherit"), ("1", 1), ("inherit", "inherit"), ("0x40", 64)]:
        change("tdef", f"ttl {arg}", ttl=want)
    change("tdef", "hoplimit 17", ttl=17)
    change("tdef", "ttl inherit", ttl="inherit")
    # mode, remote, local, pmtudisc, one at a time: the others keep their values.
    change("tdef", "mode sit", mode="sit")
    change("tdef", "mode any", mode="any")
    change("tdef", "mode ipip", mode="ipip")
    change("tdef", "remote 10.0.0.9", remote="10.0.0.9")
    change("tdef", "remote any", remote="any")
    change("tdef", "local 10.0.0.5", local="10.0.0.5")
    change("tdef", "nopmtudisc", pmtudisc=False)
    change("tdef", "pmtudisc", pmtudisc=True)
    # dev: a new underlay gives a new default mtu.
    change("tdef", "dev port1", dev="port1", mtu=mtu1 - 20)
    change("tdef", "dev port0", dev="port0", mtu=mtu0 - 20)
    # everything at once
    change("tfull", "mode any remote 10.0.0.12 local 10.0.0.11 ttl inherit tos inherit dev port0 nopmtudisc",
           mode="any", remote="10.0.0.12", local="10.0.0.11", ttl="inherit", tos="inherit",
           dev="port0", mtu=mtu0 - 20, pmtudisc=False)

    # link set on a tunnel: up/down and an explicit mtu, which a new dev does not override.
    gw.ok("link", "set", "tdef", "up")
    tun["tdef"]["up"] = True
    expect("link set tdef up")
    gw.ok("link", "set", "tdef", "mtu", "1400")
    tun["tdef"]["mtu"] = 1400
    expect("link set tdef mtu 1400")
    gw.ok("link", "set", "tdef", "down", "mtu", "1300")
    tun["tdef"].update(mtu=1300, up=False)
    expect("link set tdef down mtu 1300")
    change("tdef", "dev port1", dev="port1")
    change("tdef", "ttl 3", ttl=3)   # state and mtu survive a change
    gw.ok("link", "set", "tany", "up")
    tun["tany"]["up"] = True
    expect("link set tany up")

    # iproute2 spellings: leading ip, abbreviated object and verb words.
    gw.ok("ip", "tunnel", "add", "tabbr", "mode", "ipip", "remote", "10.0.0.30", "local", "10.0.0.1")
    order.append("tabbr")
    tun["tabbr"] = tunnel_json("tabbr", local="10.0.0.1", remote="10.0.0.30")
    expect("ip tunnel add tabbr")
    gw.ok("t", "c", "tabbr", "ttl", "9")
    tun["tabbr"]["ttl"] = 9
    expect("t c tabbr ttl 9")

    # The text output names every tunnel and its endpoints.
    check_text_names(gw, "tunnel", order + ["10.0.0.12", "10.0.0.11", "10.0.0.30"])
    one = gw.ok("tunnel", "show", "tany")
    check("tany" in one and "tdef" not in one and "10.0.0.3" in one and len(one.splitlines()) == 1,
          f"tunnel show tany: {one!r}")
    check_text_names(gw, "link", order)

    for name in ["tany", "tabbr", "tfull", "tdef", "tsit"]:
        verb = "d" if name == "tabbr" else "del"
        gw.ok("tunnel", verb, name)
        order.remove(name)
        expect(f"tunnel del {name}")
        r = gw.fail("tunnel", "show", name)
        check(r.rc == 1 and f'unknown tunnel "{name}"' in r.err, f"tunnel show {name} after del: {r}")
    check_eq(gw.js("tunnel", "show"), [], "tunnel show at the end")
    check_eq(gw.ok("tunnel", "show"), "", "text tunnel show with no tunnel")


@test("roundtrip: addr add / del (prefix length, peer, IPv6, on ports and tunnels)", shared=True)
def t_addresses():
    gw = shared()
    addrs = []
    kroutes = {}

    def expect(what):
        check_eq(gw.js("addr", "show"), addrs, f"addr show after {what}")
        check_eq(gw.js("route", "show"), route_sort(kroutes.values()), f"route show after {what}")

    def add(args, entry, kroute=None):
        gw.ok("addr", "add", *args.split())
        addrs.append(entry)
        if kroute:
            kroutes[kroute["prefix"]] = kroute
        expect(f"addr add {args}")

    def dele(args, local, kroute=None):
        gw.ok("addr", "del", *args.split())
        addrs[:] = [a for a in addrs if a["local"] != local]
        if kroute:
            del kroutes[kroute]
        expect(f"addr del {args}")

    def a(dev, local, plen, peer=None, fam="inet"):
        return {"dev": dev, "family": fam, "local": local, "prefixlen": plen, "peer": peer}

    gw.ok("tunnel", "add", "tpeer", "local", "10.0.0.1", "remote", "10.0.0.2")
    add("192.0.2.1/24 dev port0", a("port0", "192.0.2.1", 24),
        route_json("192.0.2.0/24", "port0", proto="kernel"))
    add("10.65.132.187/24 dev port1", a("port1", "10.65.132.187", 24),   # host bits are fine
        route_json("10.65.132.0/24", "port1", proto="kernel"))
    add("10.1.1.1 peer 10.1.2.1 dev tpeer", a("tpeer", "10.1.1.1", 32, "10.1.2.1"),
        route_json("10.1.2.1/32", "tpeer", proto="kernel"))
    add("local 10.1.1.5/32 peer 10.1.3.0/24 dev tpeer", a("tpeer", "10.1.1.5", 32, "10.1.3.0/24"),
        route_json("10.1.3.0/24", "tpeer", proto="kernel"))
    add("198.51.100.7/32 dev port1", a("port1", "198.51.100.7", 32))      # a host: no route
    add("2001:db8:1::1/64 dev port1", a("port1", "2001:db8:1::1", 64, fam="inet6"),
        route_json("2001:db8:1::/64", "port1", proto="kernel"))
    add("2001:db8:9::1 dev port0", a("port0", "2001:db8:9::1", 128, fam="inet6"))
    add("2001:db8:a::1 peer 2001:db8:b::/64 dev port1",
        a("port1", "2001:db8:a::1", 128, "2001:db8:b::/64", fam="inet6"),
        route_json("2001:db8:b::/64", "port1", proto="kernel"))
    add("2001:db8:c::1/128 peer 2001:db8:d::1 dev tpeer",
        a("tpeer", "2001:db8:c::1", 128, "2001:db8:d::1", fam="inet6"),
        route_json("2001:db8:d::1/128", "tpeer", proto="kernel"))

    out = check_text_names(gw, "addr", ["port0", "port1", "tpeer", "192.0.2.1", "10.1.1.1", "10.1.2.1",
                                        "2001:db8:1::1", "2001:db8:b::"])
    check(len(out.splitlines()) == len(addrs), f"addr show text: one line per address:\n{out}")

    dele("192.0.2.1/24 dev port0", "192.0.2.1", "192.0.2.0/24")
    dele("10.1.1.1 dev tpeer", "10.1.1.1", "10.1.2.1/32")              # prefix length not compared
    dele("2001:db8:9::1/64 dev port0", "2001:db8:9::1")
    dele("2001:db8:a::1 dev port1", "2001:db8:a::1", "2001:db8:b::/64")
    # A tunnel takes its addresses and their routes with it.
    gw.ok("tunnel", "del", "tpeer")
    addrs[:] = [x for x in addrs if x["dev"] != "tpeer"]
    for p in ["10.1.3.0/24", "2001:db8:d::1/128"]:
        del kroutes[p]
    expect("tunnel del tpeer")
    dele("10.65.132.187/24 dev port1", "10.65.132.187", "10.65.132.0/24")
    dele("198.51.100.7 dev port1", "198.51.100.7")
    gw.ok("a", "d", "2001:db8:1::1/64", "dev", "port1")
    addrs.pop()
    del kroutes["2001:db8:1::/64"]
    expect("a d 2001:db8:1::1/64 dev port1")
    check_eq(addrs, [], "addresses left")


@test("roundtrip: route add / replace / del (IPv4, IPv6, via, dev, onlink, default)", shared=True)
def t_routes():
    gw = shared()
    routes = {}

    def expect(what):
        check_eq(gw.js("route", "show"), route_sort(routes.values()), f"route show after {what}")

    def do(cmd, add=None, remove=None):
        gw.ok(*cmd.split())
        if remove:
            del routes[remove]
        if add:
            routes[add["prefix"]] = add
        expect(cmd)

    gw.ok("tunnel", "add", "troute", "mode", "any", "remote", "any", "local", "10.0.0.1")
    gw.ok("tunnel", "add", "tfix", "mode", "ipip", "remote", "10.0.0.2", "local", "10.0.0.1")
    do("addr add 192.0.2.1/24 dev port0", route_json("192.0.2.0/24", "port0", proto="kernel"))
    do("addr add 2001:db8:1::1/64 dev port1", route_json("2001:db8:1::/64", "port1", proto="kernel"))

    do("route add 198.51.100.0/24 via 192.0.2.254 dev port0",
       route_json("198.51.100.0/24", "port0", "192.0.2.254"))
    do("route add 198.51.101.0/24 via 192.0.2.254", route_json("198.51.101.0/24", "port0", "192.0.2.254"))
    do("route add 203.0.113.0/24 via 10.9.9.9 dev port1 onlink",
       route_json("203.0.113.0/24", "port1", "10.9.9.9", onlink=True))
    do("route add 10.20.30.40 dev port1", route_json("10.20.30.40/32", "port1"))
    do("route add default via 192.0.2.254", route_json("0.0.0.0/0", "port0", "192.0.2.254"))
    do("route replace 198.51.100.0/24 dev port1", route_json("198.51.100.0/24", "port1"))
    do("route replace 198.51.102.0/24 dev troute", route_json("198.51.102.0/24", "troute"))  # = add
    do("route add 10.244.5.0/24 via 10.65.132.190 dev troute onlink",
       route_json("10.244.5.0/24", "troute", "10.65.132.190", onlink=True))
    do("route add 10.200.0.0/16 dev tfix", route_json("10.200.0.0/16", "tfix"))
    do("route add 172.16.0.0/12 via 10.0.0.99 dev tfix", route_json("172.16.0.0/12", "tfix", "10.0.0.99"))
    do("route add 2001:db8:2::/64 via 2001:db8:1::fe dev port1",
       route_json("2001:db8:2::/64", "port1", "2001:db8:1::fe"))
    do("route add 2001:db8:3::/48 dev troute", route_json("2001:db8:3::/48", "troute"))
    do("route add 2001:db8:4::/64 via inet 10.0.0.7 dev troute",
       route_json("2001:db8:4::/64", "troute", "10.0.0.7"))
    do("route add default via 2001:db8:1::fe dev port1", route_json("::/0", "port1", "2001:db8:1::fe"))
    do("route add 2001:db8:5::/64 via inet6 2001:db8:1::fd", route_json("2001:db8:5::/64", "port1", "2001:db8:1::fd"))
    do("route add 2001:db8:6::1 dev port0", route_json("2001:db8:6::1/128", "port0"))
    do("route add 2001:db8:7::/64 via fe80::1 dev port0 onlink",
       route_json("2001:db8:7::/64", "port0", "fe80::1", onlink=True))
    # replace over a connected route: it becomes a plain route
    do("route replace 192.0.2.0/24 via 192.0.2.253 dev port0",
       route_json("192.0.2.0/24", "port0", "192.0.2.253"))
    do("ip r rep 10.20.30.40/32 via 192.0.2.254 dev port0", route_json("10.20.30.40/32", "port0", "192.0.2.254"))

    out = check_text_names(gw, "route", ["default", "198.51.100.0/24", "192.0.2.254", "troute", "tfix",
                                         "2001:db8:2::/64", "2001:db8:1::fe", "10.20.30.40", "onlink"])
    check(len(out.splitlines()) == len(routes), f"route show text: one line per route:\n{out}")

    do("route del 198.51.100.0/24", remove="198.51.100.0/24")
    do("route del default", remove="0.0.0.0/0")
    do("route del default via 2001:db8:1::fe", remove="::/0")
    do("route del 2001:db8:2::/64 dev port1", remove="2001:db8:2::/64")
    do("route del 10.244.5.0/24 via 10.65.132.190", remove="10.244.5.0/24")
    do("route del 198.51.101.0/24 via 192.0.2.254 dev port0", remove="198.51.101.0/24")
    # a connected route: a gateway that was on it is now reached as on-link
    routes["2001:db8:5::/64"]["onlink"] = True
    do("r d 2001:db8:1::/64", remove="2001:db8:1::/64")
    do("route del 2001:db8:6::1", remove="2001:db8:6::1/128")
    # tunnel del takes its routes
    gw.ok("tunnel", "del", "troute")
    for p in [p for p, r in routes.items() if r["dev"] == "troute"]:
        del routes[p]
    expect("tunnel del troute")
    gw.ok("tunnel", "del", "tfix")
    for p in [p for p, r in routes.items() if r["dev"] == "tfix"]:
        del routes[p]
    expect("tunnel del tfix")
    # the replaced connected route stays; gateways on 192.0.2.0/24 are now on-link ones
    for r in routes.values():
        if r["dev"] == "port0" and (r["via"] or "").startswith("192.0.2."):
            r["onlink"] = True
    do("addr del 192.0.2.1/24 dev port0")
    do("addr del 2001:db8:1::1/64 dev port1")
    for p in list(routes):
        do(f"route del {p}", remove=p)
    check_eq(gw.js("route", "show"), [], "route show at the end")


@test("roundtrip: neigh add / replace / del", shared=True)
def t_neigh():
    gw = shared()
    ns = {}

    def expect(what):
        check_eq(gw.js("neigh", "show"), neigh_sort(ns.values()), f"neigh show after {what}")

    def do(cmd, dst=None, mac=None, dev=None, remove=None):
        gw.ok(*cmd.split())
        if remove:
            del ns[remove]
        if dst:
            ns[(dst, dev)] = {"dst": dst, "dev": dev, "lladdr": mac, "state": "PERMANENT"}
        expect(cmd)

    do("neigh add 192.0.2.10 lladdr 52:54:00:12:34:56 dev port0", "192.0.2.10", "52:54:00:12:34:56", "port0")
    do("neigh replace 192.0.2.10 lladdr 52:54:00:AB:CD:EF dev port0", "192.0.2.10", "52:54:00:ab:cd:ef", "port0")
    do("neigh add 192.0.2.10 lladdr 52:54:00:00:00:01 dev port1", "192.0.2.10", "52:54:00:00:00:01", "port1")
    do("neigh add 2001:db8:1::10 lladdr 52:54:00:00:00:02 dev port1 nud permanent",
       "2001:db8:1::10", "52:54:00:00:00:02", "port1")
    do("neigh replace 192.0.2.9 lladdr 52:54:00:00:00:03 dev port0", "192.0.2.9", "52:54:00:00:00:03", "port0")
    do("ip n rep 192.0.2.9 lladdr 52:54:00:00:00:04 dev port0", "192.0.2.9", "52:54:00:00:00:04", "port0")
    do("neighbor add 10.0.0.1 lladdr 02:00:00:00:00:01 dev port0", "10.0.0.1", "02:00:00:00:00:01", "port0")
    do("neighbour add fe80::1 lladdr 02:00:00:00:00:02 dev port0", "fe80::1", "02:00:00:00:00:02", "port0")
    check_text_names(gw, "neigh", ["192.0.2.10", "2001:db8:1::10", "52:54:00:ab:cd:ef", "port0", "port1"])
    do("neigh del 192.0.2.10 dev port0", remove=("192.0.2.10", "port0"))
    do("n d 2001:db8:1::10 dev port1", remove=("2001:db8:1::10", "port1"))
    for dst, dev in list(ns):
        do(f"neigh del {dst} dev {dev}", remove=(dst, dev))
    check_eq(gw.ok("neigh", "show"), "", "text neigh show with no neighbour")


def arp_request_pcap(path, sender_mac, sender_ip, target_ip):
    """A pcap holding one broadcast ARP request (RFC 826 layout, written by hand)."""
    import struct
    mac = bytes(int(b, 16) for b in sender_mac.split(":"))
    ip4 = lambda a: bytes(int(x) for x in a.split("."))
    frame = (b"\xff" * 6 + mac + b"\x08\x06" +
             struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip4(sender_ip) + b"\0" * 6 + ip4(target_ip))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        f.write(struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame)


@test("neigh: a learned entry shows REACHABLE, neigh del removes it, neigh add turns it static")
def t_neigh_learned():
    tmp = os.path.join(gwlib.TMP, "learned")
    os.makedirs(tmp)
    pcap = os.path.join(tmp, "arp.pcap")
    arp_request_pcap(pcap, "52:54:00:12:34:56", "192.0.2.2", "192.0.2.1")
    conf = os.path.join(tmp, "gw.conf")
    with open(conf, "w") as f:
        f.write("addr add 192.0.2.1/24 dev port0\n")
    gw = Gatewayd("learned", config=conf)
    i = gw.cmd.index("--vdev=net_null0,no-rx=1")
    gw.cmd[i] = f"--vdev=net_pcap0,rx_pcap={pcap},tx_pcap={os.path.join(tmp, 'tx.pcap')}"
    gw.start()
    learned = {"dst": "192.0.2.2", "dev": "port0", "lladdr": "52:54:00:12:34:56", "state": "REACHABLE"}
    deadline = time.monotonic() + 10
    while gw.js("neigh", "show") != [learned] and time.monotonic() < deadline:
        time.sleep(0.05)
    check_eq(gw.js("neigh", "show"), [learned], "neigh show after the ARP request from 192.0.2.2")
    check_eq(gw.ok("neigh", "show"), "192.0.2.2 dev port0 lladdr 52:54:00:12:34:56 REACHABLE\n",
             "text neigh show of a learned entry")
    check_eq(gw.config(), "# gatewayd running configuration\naddr add 192.0.2.1/24 dev port0\n",
             "config show leaves learned entries out")
    gw.ok("neigh", "del", "192.0.2.2", "dev", "port0")
    check_eq(gw.js("neigh", "show"), [], "neigh show after neigh del of the learned entry")
    gw.fail("neigh", "del", "192.0.2.2", "dev", "port0")
    gw.ok("neigh", "add", "192.0.2.2", "lladdr", "52:54:00:00:00:02", "dev", "port0")
    check_eq(gw.js("neigh", "show"),
             [{"dst": "192.0.2.2", "dev": "port0", "lladdr": "52:54:00:00:00:02", "state": "PERMANENT"}],
             "neigh show after neigh add")
    gw.stop()


@test("gatewayd: a bad flag value stops startup with one line naming the flag")
def t_bad_flags():
    cases = [
        ("--burst=0", "gatewayd: --burst must be 1..512"),
        ("--neigh_probes=0", "gatewayd: --neigh_probes must be at least 1"),
        ("--neigh_retrans_ms=0", "gatewayd: --neigh_retrans_ms must be at least 1"),
        ("--slowpath_tick_ms=0", "gatewayd: --slowpath_tick_ms must be 1..1000"),
        ("--slowpath_tick_ms=1001", "gatewayd: --slowpath_tick_ms must be 1..1000"),
        ("--burst_prefetch=maybe", "gatewayd: --burst_prefetch must be on, off or auto"),
        # (route values keep bit 30 for routes into a tunnel: architecture.md 2.3)
        ("--tunnels=1073741825", "gatewayd: --tunnels is at most 2^30"),
        ("--nexthops=1073741825", "gatewayd: --nexthops is at most 2^30"),
    ]
    for flag, want in cases:
        rc, err = Gatewayd("badflag", flags=[flag]).run_to_exit()
        check(rc == 1, f"gatewayd {flag}: exit status {rc}, want 1\nstderr:\n{err}")
        lines = [l for l in err.splitlines() if l.startswith("gatewayd:")]
        check_eq(lines, [want], f"gatewayd {flag}: its error line")


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
    (["config"], 1, r'^config: expected show or save \[FILE\]$'),
    (["config", "frob"], 1, r'^config: expected show or save'),
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
    (["tunnel", "add", "t9", "mode", "gre", "local", "10.0.0.60"], 1, r'^bad tunnel mode "gre" \(ipip, sit, any\)$'),
    (["tunnel", "add", "t9", "local", "any"], 1, r'^"local any" is not supported'),
    (["tunnel", "add", "t9", "local", "2001:db8::1"], 1, r'^bad IPv4 address "2001:db8::1"$'),
    (["tunnel", "add", "t9", "remote", "10.0.0.256", "local", "10.0.0.60"], 1, r'^bad IPv4 address "10\.0\.0\.256"$'),
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


# =========================================================================== 3. GATEWAYD_SOCKET

@test("GATEWAYD_SOCKET selects the socket when --socket is absent", shared=True)
def t_env_socket():
    gw = shared()
    want = gw.ok("-j", "link", "show")
    r = run_gwctl(["-j", "link", "show"], env=clean_env(GATEWAYD_SOCKET=gw.sock))
    check(r.rc == 0 and r.out == want and r.err == "", f"with GATEWAYD_SOCKET: {r}")
    # --socket wins over the environment, both ways
    r = run_gwctl([f"--socket={gw.sock}", "-j", "link", "show"],
                  env=clean_env(GATEWAYD_SOCKET="/nonexistent/env.sock"))
    check(r.rc == 0 and r.out == want, f"--socket with a bad GATEWAYD_SOCKET: {r}")
    r = run_gwctl(["--socket=/nonexistent/flag.sock", "link", "show"], env=clean_env(GATEWAYD_SOCKET=gw.sock))
    check(r.rc == 2 and "/nonexistent/flag.sock" in r.err and r.out == "", f"bad --socket, good env: {r}")
    # a change through the environment's socket, and --batch
    r = run_gwctl(["tunnel", "add", "tenv", "local", "10.0.0.1"], env=clean_env(GATEWAYD_SOCKET=gw.sock))
    check(r.rc == 0, f"tunnel add via GATEWAYD_SOCKET: {r}")
    check_eq([t["name"] for t in gw.js("tunnel", "show")], ["tenv"], "tunnels after an add via GATEWAYD_SOCKET")
    path = os.path.join(gw.dir, "env_batch.conf")
    with open(path, "w") as f:
        f.write("tunnel del tenv\n")
    r = run_gwctl([f"--batch={path}"], env=clean_env(GATEWAYD_SOCKET=gw.sock))
    check(r.rc == 0, f"--batch via GATEWAYD_SOCKET: {r}")
    check_eq(gw.js("tunnel", "show"), [], "tunnels after a del via GATEWAYD_SOCKET --batch")
    # neither: the default path is named in the error (when nothing serves it)
    if not os.path.exists("/run/gatewayd.sock"):
        r = run_gwctl(["link", "show"], env=clean_env(GATEWAYD_SOCKET=""))
        check(r.rc == 2 and r.err.startswith("gwctl: cannot reach gatewayd at /run/gatewayd.sock"),
              f"no --socket, empty GATEWAYD_SOCKET: {r}")


# =========================================================================== 4. stats

@test("stats: -j keys (ports, tunnels, every drop reason, lcores) and text", shared=True)
def t_stats():
    gw = shared()
    reasons = drop_reasons_from_source()
    gw.ok("tunnel", "add", "ts1", "local", "10.0.0.1")
    gw.ok("tunnel", "add", "ts2", "mode", "sit", "remote", "10.0.0.2", "local", "10.0.0.1")
    try:
        s = gw.js("stats")
        check_eq(sorted(s), sorted(["ports", "tunnels", "drops", "events", "lcores", "processed"]),
                 "top-level keys of -j stats")
        check_eq(list(s["events"]), event_names_from_source(), "stats events (vs dataplane/counters.h)")
        check(isinstance(s["processed"], int), f"processed: {s['processed']!r}")
        check_eq([p.get("name") for p in s["ports"]], ["port0", "port1"], "stats ports")
        for p in s["ports"]:
            for k in ["rx_packets", "rx_bytes", "tx_packets", "tx_bytes"]:
                check(isinstance(p.get(k), int) and p[k] >= 0, f"stats port {p.get('name')}.{k}: {p}")
        check_eq([t.get("name") for t in s["tunnels"]], [t["name"] for t in gw.js("tunnel", "show")],
                 "stats tunnels (in tunnel show's order)")
        check_eq(sorted(t["name"] for t in s["tunnels"]), ["ts1", "ts2"], "stats tunnels")
        for t in s["tunnels"]:
            check_eq({k: t.get(k) for k in ["name", "encap_packets", "encap_bytes", "decap_packets", "decap_bytes"]},
                     {"name": t["name"], "encap_packets": 0, "encap_bytes": 0, "decap_packets": 0, "decap_bytes": 0},
                     "stats of an idle tunnel")
        check_eq(sorted(s["drops"]), sorted(reasons), "stats drop reasons (vs dataplane/drop_reason.h)")
        check_eq(list(s["drops"]), reasons, "order of the drop reasons")
        check(all(isinstance(v, int) for v in s["drops"].values()), f"drops values: {s['drops']}")
        check(isinstance(s["lcores"], list) and len(s["lcores"]) == 1 and s["lcores"][0].get("lcore") == 1,
              f"lcores (one worker on lcore 1): {s['lcores']}")
        text = gw.ok("stats")
        check(text.strip() and "port0" in text and "port1" in text and "processed" in text,
              f"text stats: {text!r}")
    finally:
        gw.ok("tunnel", "del", "ts1")
        gw.ok("tunnel", "del", "ts2")
    s = gw.js("stats")
    check_eq(s["tunnels"], [], "stats tunnels after del")


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


# =========================================================================== 7. socket robustness

@test("socket: file mode 0660", shared=True)
def t_socket_mode():
    gw = shared()
    st = os.stat(gw.sock)
    check(stat.S_ISSOCK(st.st_mode), f"{gw.sock} is not a socket")
    check_eq(oct(stat.S_IMODE(st.st_mode)), oct(0o660), "socket mode")


@test("socket: garbage (NUL, 0xff, control bytes, empty lines) -> error replies, daemon alive", shared=True)
def t_garbage():
    gw = shared()
    c = gw.conn()
    link_show = gw.ok("link", "show").encode()
    for data, want in [
        (b"\x00\x01\x02\xff\n", b"request holds control characters\n"),
        (b"link\x00show\n", b"request holds control characters\n"),
        (b"\x1b[2Jlink show\n", b"request holds control characters\n"),
        (b"\xff\xfe\xfd\n", None),
        (b"\xc3\x28 route add\n", None),
        (b"\n", b"empty command\n"),
        (b" \t  \n", b"empty command\n"),
        (b"# only a comment\n", b"empty command\n"),
        (b"-j\n", b"empty command\n"),
    ]:
        c.send(data)
        r = c.reply()
        check(r is not None and r[0] == "error", f"reply to {data!r}: {r}")
        if want is not None:
            check_eq(r[1], want, f"error for {data!r}")
        # the connection is still usable
        check_eq(c.request("link show"), ("ok", link_show), f"link show after {data!r}")
    # CRLF line endings are fine
    check_eq(c.request("link show\r"), ("ok", link_show), "link show with CRLF")
    c.close()
    # random binary, no newline, then EOF: the daemon answers or closes, and survives
    c = gw.conn()
    c.send(bytes(range(256)) * 4)
    c.s.shutdown(socket.SHUT_WR)
    while c.reply() is not None:
        pass
    c.close()
    still_serving(gw)
    check_eq(gw.config(), BASE_CONFIG, "config after garbage")


@test("socket: a 100 KB line without newline -> error reply and close, daemon alive", shared=True)
def t_long_line():
    gw = shared()
    for data in [b"x" * 100_000, b"link show " + b" " * 8200 + b"\n", b"tunnel add " + b"a" * 100_000]:
        c = gw.conn()
        sender = threading.Thread(target=lambda: _send_quietly(c.s, data))
        sender.start()
        r = c.reply()
        check(r is not None, f"no reply to a {len(data)}-byte line")
        check_eq(r, ("error", b"request longer than 8192 bytes\n"), f"reply to a {len(data)}-byte line")
        check(c.at_eof(), "connection not closed after an over-long line")
        sender.join(10)
        c.close()
        still_serving(gw)
    # just under the limit is a request like any other
    c = gw.conn()
    k, body = c.request("link show" + " " * 8000)
    check(k == "ok" and b"port0" in body, f"reply to an 8009-byte line: {k} {body[:100]!r}")
    c.close()


def _send_quietly(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass


@test("socket: 150 clients at once all get answers", shared=True)
def t_150_clients():
    gw = shared()
    want = gw.ok("link", "show").encode()
    conns = []
    try:
        for _ in range(150):
            conns.append(gw.conn(timeout=30))
        for c in conns:
            c.send("link show\n")
        for i, c in enumerate(conns):
            check_eq(c.reply(), ("ok", want), f"reply to client {i}")
        # and once more, all still connected
        for c in conns:
            c.send("-j link show\n")
        for i, c in enumerate(conns):
            k, body = c.reply()
            check(k == "ok" and len(json.loads(body)) == 2, f"second reply to client {i}: {k} {body!r}")
    finally:
        for c in conns:
            c.close()
    still_serving(gw)


@test("socket: route show of 20000 routes to a client that leaves or does not read", shared=True)
def t_big_reply():
    gw = shared()
    text = "tunnel add big local 10.0.0.1\n" + "".join(
        f"route add 172.16.{i // 256}.{i % 256}/32 dev big\n" for i in range(20000))
    gw.batch_ok(text)
    try:
        full = gw.ok("route", "show").encode()
        check_eq(len(full.splitlines()), 20000, "route show lines")
        # 1. ask and disconnect at once, many times, text and JSON
        for i in range(20):
            c = gw.conn()
            c.send("-j route show\n" if i % 2 else "route show\n")
            c.close()
        still_serving(gw)
        # 2. ask, read a little, hang up
        c = gw.conn()
        c.send("route show\nroute show\n")
        c.s.recv(100)
        c.close()
        still_serving(gw)
        # 3. a client that does not read does not block the others
        slow = gw.conn(timeout=30)
        slow.send("route show\n")
        time.sleep(0.3)
        t0 = time.monotonic()
        still_serving(gw)
        check(time.monotonic() - t0 < 5, "gwctl link show was slow while a client did not read its reply")
        check_eq(slow.reply(), ("ok", full), "the slow client's reply, read late")
        slow.close()
        # 4. half-close: the reply still comes
        c = gw.conn(timeout=30)
        c.send("route show\n")
        c.s.shutdown(socket.SHUT_WR)
        check_eq(c.reply(), ("ok", full), "reply after the client shut down its sending side")
        check(c.at_eof(), "connection not closed after the reply to a half-closed client")
        c.close()
    finally:
        gw.ok("tunnel", "del", "big")
    check_eq(gw.js("route", "show"), [], "routes after tunnel del big")
    still_serving(gw)


@test("socket: an idle client is closed after --client_timeout_ms=500; an active one stays")
def t_idle_timeout():
    gw = Gatewayd("idle", flags=["--client_timeout_ms=500"]).start()
    try:
        t0 = time.monotonic()
        idle = gw.conn(timeout=30)
        partial = gw.conn(timeout=30)
        partial.send("link sh")             # half a request, then silence
        active = gw.conn(timeout=30)
        waiting = {idle.s: "idle", partial.s: "partial"}
        closed = {}
        # The active client asks every 200 ms (never 500 ms quiet) for 2 s; meanwhile watch the
        # two silent ones.
        while time.monotonic() - t0 < 2.0 or (waiting and time.monotonic() - t0 < 10):
            k, _ = active.request("link show")
            check(k == "ok", "active client's request")
            ready, _, _ = select.select(list(waiting), [], [], 0.2)
            for s in ready:
                data = s.recv(100)
                check(data == b"", f"the {waiting[s]} client got {data!r} instead of being closed")
                closed[waiting.pop(s)] = time.monotonic() - t0
        check(not waiting, f"not closed after 10 s: {sorted(waiting.values())}")
        for name, dt in closed.items():
            check(0.45 <= dt <= 3.0, f"the {name} client was closed after {dt:.2f} s (timeout 500 ms)")
        print(f"    (idle clients closed after {', '.join(f'{k} {v:.2f} s' for k, v in sorted(closed.items()))})")
        k, _ = active.request("link show")
        check(k == "ok", "the active client is still served")
        for c in (active, idle, partial):
            c.close()
        still_serving(gw)
    finally:
        gw.stop()


def fill_max_clients(gw):
    """Connect 4 clients to a --max_clients=4 gatewayd, each answered once."""
    # The startup probes (gwctl link show) have hung up; give the daemon a poll round or two
    # to reap them (a hung-up client is counted until then).
    time.sleep(0.3)
    conns = []
    for i in range(4):
        conns.append(gw.conn())
        check(conns[-1].request("link show")[0] == "ok", f"client {i + 1} of 4")
    return conns


@test("socket: beyond --max_clients=4 the 5th client gets an error reply and is closed")
def t_max_clients():
    gw = Gatewayd("maxclients", flags=["--max_clients=4"]).start()
    try:
        conns = fill_max_clients(gw)
        fifth = gw.conn()
        r = fifth.reply()
        check_eq(r, ("error", b"too many clients (4), try again\n"), "reply to the 5th client")
        check(fifth.at_eof(), "the 5th client is not closed")
        fifth.close()
        for c in conns:
            check(c.request("link show")[0] == "ok", "the first 4 clients are still served")
        conns.pop().close()
        deadline = time.monotonic() + 5
        while gw.gwctl("link", "show").rc != 0:
            check(time.monotonic() < deadline, "gwctl still refused 5 s after a client left")
            time.sleep(0.05)
        for c in conns:
            c.close()
        still_serving(gw)
    finally:
        gw.stop()


@test("socket: gwctl beyond --max_clients=4 reports the daemon's 'too many clients' (exit 1)")
def t_max_clients_gwctl():
    gw = Gatewayd("maxclients_gwctl", flags=["--max_clients=4"]).start()
    try:
        conns = fill_max_clients(gw)
        r = gw.gwctl("link", "show")
        check(r.rc == 1 and r.err == "gwctl: too many clients (4), try again\n" and r.out == "",
              f"gwctl while 4 clients are connected: {r}")
        for c in conns:
            c.close()
        deadline = time.monotonic() + 5
        while gw.gwctl("link", "show").rc != 0:
            check(time.monotonic() < deadline, "gwctl still refused 5 s after the clients left")
            time.sleep(0.05)
    finally:
        gw.stop()


def vm_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for ln in f:
            if ln.startswith(key + ":"):
                return int(ln.split()[1])
    raise Failure(f"no {key} in /proc/{pid}/status")


@test("socket: a client pipelining 100 route shows (20000 routes) unread does not stall others", shared=True)
def t_pipeline_hog():
    gw = shared()
    gw.batch_ok("tunnel add big local 10.0.0.1\n" + "".join(
        f"route add 172.16.{i // 256}.{i % 256}/32 dev big\n" for i in range(20000)))
    try:
        peak0 = vm_kb(gw.proc.pid, "VmHWM")
        t_one = time.monotonic()
        one = len(gw.ok("route", "show"))
        t_one = time.monotonic() - t_one
        hog = gw.conn(timeout=60)
        hog.send("route show\n" * 100)        # 1.1 KB of requests, ~100 x 700 KB of replies
        time.sleep(0.2)
        t0 = time.monotonic()
        r = gw.gwctl("link", "show")
        dt = time.monotonic() - t0
        hog.close()
        peak1 = vm_kb(gw.proc.pid, "VmHWM")
        # Let the daemon get over it before the next test.
        deadline = time.monotonic() + 120
        while gw.gwctl("link", "show", timeout=200).rc != 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        print(f"    (one route show: {one} bytes in {t_one:.3f} s; gwctl link show behind the "
              f"pipelining client: {dt:.2f} s; peak RSS +{(peak1 - peak0) / 1024:.0f} MiB)")
        check(r.rc == 0, f"gwctl link show while a client pipelined 100 route shows: {r}")
        check(dt < 2.0, f"gwctl link show took {dt:.1f} s while another client had 100 route shows "
                        f"queued: one client monopolises the control thread")
        check(peak1 - peak0 < 32 * 1024, f"the daemon's peak RSS grew by {(peak1 - peak0) / 1024:.0f} MiB "
                                         f"buffering replies nobody reads")
    finally:
        gw.ok("tunnel", "del", "big")
    still_serving(gw)


@test("socket: a second gatewayd on a live socket refuses to start; the first keeps it", shared=True)
def t_second_daemon():
    gw = shared()
    other = Gatewayd("second")
    other.cmd = [a if not a.startswith("--socket=") else f"--socket={gw.sock}" for a in other.cmd]
    rc, err = other.run_to_exit()
    check(rc != 0, f"the second gatewayd exited {rc}")
    check(f"control socket {gw.sock} is served by a running gatewayd" in err, f"its stderr: {err!r}")
    still_serving(gw)


# =========================================================================== 8. bulk figure

@test("bulk: 100k tunnels + 100k routes through gwctl --batch (figure printed)")
def t_bulk():
    n = gwlib.BULK_N
    gw = Gatewayd("bulk", mem=1024, flags=["--tunnels=262144", "--routes=262144", "--nexthops=262144"]).start()
    try:
        path = os.path.join(gw.dir, "bulk.conf")
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(SRC, "scripts", "gen_bulk_config.py"), str(n)],
                           stdout=f, check=True)
        with open(path) as f:
            cmds = sum(1 for ln in f if ln.strip())
        t0 = time.monotonic()
        r = gw.gwctl(f"--batch={path}", timeout=600)
        dt = time.monotonic() - t0
        check(r.rc == 0 and r.err == f"gwctl: {cmds} command(s) applied from {path}\n", f"bulk batch: {r}")
        print(f"    BULK: {cmds} commands ({n} tunnels, {n} links up, {n} routes) in {dt:.2f} s "
              f"= {cmds / dt:,.0f} commands/s")
        t0 = time.monotonic()
        tuns = gw.js("tunnel", "show")
        dt_show = time.monotonic() - t0
        check_eq(len(tuns), n, "tunnels")
        check(all(t["up"] for t in tuns), "all tunnels up")
        check_eq(tuns[-1], tunnel_json(f"t{n - 1}", "10.65.0.1",
                                       remote=str(ipaddress.IPv4Address("100.64.1.0") + n - 1), up=True),
                 "the last tunnel")
        routes = gw.js("route", "show")
        check_eq(len(routes), n + 2, "routes (n /32s and 2 connected)")
        text = gw.config()
        check_eq(len(text.splitlines()), 1 + cmds, "config show lines")
        print(f"    (-j tunnel show of {n} tunnels: {dt_show:.2f} s)")
        still_serving(gw)
        os.unlink(path)   # 10+ MB; the dir is kept when something else fails
    finally:
        gw.stop()


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
