#!/usr/bin/python3
"""GATEWAYD_SOCKET: gwctl reaches the daemon through the environment when --socket is absent;
--socket wins over it both ways; changes and --batch go through it; with neither, the error names
the default path.

    /usr/bin/python3 tests/gwctl/socket_env_test.py --build build [-k SUBSTRING] [--keep] [--list]

gwlib.py holds what the test files share (gatewayd processes, the runner, the checks).
"""
import os
import sys

sys.dont_write_bytecode = True   # before gwlib: no __pycache__ in the source tree

import gwlib
from gwlib import check, check_eq, clean_env, run_gwctl, shared, test


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


if __name__ == "__main__":
    sys.exit(gwlib.main(__doc__))
