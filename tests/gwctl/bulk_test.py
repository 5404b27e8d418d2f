#!/usr/bin/python3
"""A bulk-load figure: 100k tunnels, 100k links up and 100k routes through gwctl --batch (--bulk N
for another size), printed in commands per second, and the state checked after it.

    /usr/bin/python3 tests/gwctl/bulk_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import ipaddress
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import Gatewayd, SRC, check, check_eq, still_serving, test, tunnel_json


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
