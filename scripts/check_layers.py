#!/usr/bin/python3
"""The layering the layout promises (docs/architecture.md, "Where the code is"), checked on every
#include of the tree:

  - the data path (dataplane/, and every feature's datapath/) never includes the control side
    (control/, a feature's control/);
  - the control side includes the data path only through its API: dataplane/dataplane.h, the
    tables (dataplane/tables/, a feature's tables), the counters, their books and drop reasons, and the
    stateless packet helpers (dataplane/packet/) -- never a stage of the walk;
  - a feature's folder is reached by the core data path only through the registries
    dataplane/feature_ctx.h, dataplane/features.h and dataplane/walk.h's hook declarations
    (and the tables in dataplane/tables/tables.h); spread/, which runs before the walk, from
    the worker's poll loop (dataplane/worker.h, worker.cc).

  /usr/bin/python3 scripts/check_layers.py [ROOT]     exit 1 with one line per violation
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))
FEATURES = ["tunnel", "spread"]  # folders with datapath/ (and control/) parts
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

CONTROL_MAY_USE = [
    re.compile(r"^dataplane/dataplane\.h$"),
    re.compile(r"^dataplane/tables/"),
    re.compile(r"^dataplane/(counters|books|drop_reason|dpdk|io)\.h$"),
    re.compile(r"^dataplane/packet/"),
] + [re.compile(r"^%s/datapath/(tunnel_table|peer_table)\.h$" % f) for f in FEATURES]
CORE_MAY_REACH_FEATURES_FROM = {
    "dataplane/feature_ctx.h", "dataplane/features.h", "dataplane/tables/tables.h",
    # spread/ hooks into the poll loop before the walk, not into the walk
    "dataplane/worker.h", "dataplane/worker.cc",
}


def layer(path):
    top = path.split("/")[0]
    if top == "dataplane":
        return "core-datapath"
    if top == "control":
        return "control"
    if top in FEATURES:
        part = path.split("/")[1] if "/" in path else ""
        return {"datapath": "feature-datapath", "control": "feature-control"}.get(part)
    return None


def main():
    bad = []
    for top in ["dataplane", "control"] + FEATURES:
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if not f.endswith((".h", ".cc")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, f), ROOT)
                src = layer(path)
                if src is None:
                    continue
                with open(os.path.join(ROOT, path), encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        inc = m.group(1)
                        dst = layer(inc)
                        where = "%s:%d: includes %s" % (path, n, inc)
                        if src in ("core-datapath", "feature-datapath") and dst in (
                                "control", "feature-control"):
                            bad.append(where + " (the data path never includes the control side)")
                        if src in ("control", "feature-control") and dst in (
                                "core-datapath", "feature-datapath"):
                            if not any(p.search(inc) for p in CONTROL_MAY_USE):
                                bad.append(where + " (the control side uses the data path's "
                                           "tables and API, not its stages)")
                        if src == "core-datapath" and dst == "feature-datapath" and \
                                path not in CORE_MAY_REACH_FEATURES_FROM:
                            bad.append(where + " (the core reaches features through "
                                       "dataplane/features.h and feature_ctx.h)")
    for b in bad:
        print(b)
    print("check_layers: %d violation(s)" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
