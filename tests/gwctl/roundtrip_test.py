#!/usr/bin/python3
"""Round trips through gwctl: every command (link set, tunnel add / change / del, addr, route,
neigh) read back with `show`, as -j and as text, on the shared gatewayd; a neighbour learned by
ARP from a pcap port; a bad gatewayd flag value refused at startup with one line.

    /usr/bin/python3 tests/gwctl/roundtrip_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import (
    BASE_CONFIG, Gatewayd, by_name, check, check_eq, check_text_names, link_of_tunnel, neigh_sort,
    port, route_json, route_sort, shared, test, tunnel_json)


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

    # ip6tnl (ip -6 tunnel): ip6tnl's defaults, then each option of its own.
    gw.ok("ip", "-6", "tunnel", "add", "t6", "mode", "ip6ip6", "remote", "2001:db8::2", "local", "2001:db8::1")
    order.append("t6")
    tun["t6"] = tunnel_json("t6", local="2001:db8::1", remote="2001:db8::2", mode="ip6ip6", ttl=64,
                            outer=6, encaplimit=4, mtu=1452)
    expect("ip -6 tunnel add t6")
    change("t6", "encaplimit none", encaplimit="none", mtu=1460)
    change("t6", "encaplimit 0 hoplimit inherit tclass 0x28", encaplimit=0, mtu=1452, ttl="inherit",
           tos=0x28)
    change("t6", "mode any", mode="any6")
    change("t6", "mode ipip6 tclass inherit dev port1", mode="ipip6", tos="inherit", dev="port1",
           mtu=mtu1 - 48)
    r = gw.fail("tunnel", "change", "t6", "remote", "10.0.0.2")
    check(r.rc == 1 and 'remote "10.0.0.2" is IPv4: mode ipip6 is over IPv6' in r.err, f"{r}")
    t6_text = gw.ok("tunnel", "show", "t6")
    check_eq(t6_text, "t6: ip/ipv6 remote 2001:db8::2 local 2001:db8::1 dev port1 encaplimit 0 "
             "hoplimit inherit tclass inherit flowlabel 0x00000\n", "tunnel show t6")

    # The text output names every tunnel and its endpoints.
    check_text_names(gw, "tunnel", order + ["10.0.0.12", "10.0.0.11", "10.0.0.30"])
    one = gw.ok("tunnel", "show", "tany")
    check("tany" in one and "tdef" not in one and "10.0.0.3" in one and len(one.splitlines()) == 1,
          f"tunnel show tany: {one!r}")
    check_text_names(gw, "link", order)

    for name in ["tany", "tabbr", "tfull", "tdef", "tsit", "t6"]:
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
        ("--fast_path=maybe", "gatewayd: --fast_path must be on or off"),
        # (route values keep bit 30 for routes into a tunnel: architecture.md 2.3)
        ("--tunnels=1073741825", "gatewayd: --tunnels is at most 2^30"),
        ("--nexthops=1073741825", "gatewayd: --nexthops is at most 2^30"),
    ]
    for flag, want in cases:
        rc, err = Gatewayd("badflag", flags=[flag]).run_to_exit()
        check(rc == 1, f"gatewayd {flag}: exit status {rc}, want 1\nstderr:\n{err}")
        lines = [l for l in err.splitlines() if l.startswith("gatewayd:")]
        check_eq(lines, [want], f"gatewayd {flag}: its error line")


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
