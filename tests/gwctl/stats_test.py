#!/usr/bin/python3
"""gwctl stats: the -j keys (ports, tunnels, every drop reason and event, in the order of the
single lists in dataplane/drop_reason.h and dataplane/counters.h, the worker lcores) and the
text form.

    /usr/bin/python3 tests/gwctl/stats_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import os
import re
import sys

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import SRC, check, check_eq, shared, test


# =========================================================================== 4. stats

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


@test("stats: -j keys (ports, tunnels, every drop reason, lcores) and text", shared=True)
def t_stats():
    gw = shared()
    reasons = drop_reasons_from_source()
    gw.ok("tunnel", "add", "ts1", "local", "10.0.0.1")
    gw.ok("tunnel", "add", "ts2", "mode", "sit", "remote", "10.0.0.2", "local", "10.0.0.1")
    try:
        s = gw.js("stats")
        check_eq(sorted(s), sorted(["ports", "tunnels", "drops", "events", "lcores", "processed",
                                    "books"]),
                 "top-level keys of -j stats")
        b = s["books"]
        check(b.get("balanced") is True and b.get("off") == 0 and b.get("received") == s["processed"],
              f"books of an idle gateway: {b}")
        check(isinstance(b.get("control"), dict) and b["control"].get("off") == 0,
              f"books: the control thread's: {b}")
        check_eq([w.get("lcore") for w in b.get("workers", [])], [1], "books: one per worker")
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
        check(re.search(r"^books: balanced$", text, re.M) is not None,
              f"text stats: no 'books: balanced' line: {text!r}")
    finally:
        gw.ok("tunnel", "del", "ts1")
        gw.ok("tunnel", "del", "ts2")
    s = gw.js("stats")
    check_eq(s["tunnels"], [], "stats tunnels after del")


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
