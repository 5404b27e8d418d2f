#!/usr/bin/env bash
# A/B of gatewayd builds on perf.sh's rig: every binary started on the same workload, measured in
# alternating windows within one run (the fair comparison on a shared, drifting machine), with
# the anchors (testpmd 5tswap and io, DPDK's l3fwd-lpm) in the same rounds if asked.
#
#   scripts/perf-ab.sh [--runs N] [--workload NAME]... [--warmup S] [--window S] [--testpmd]
#                      [--io] [--l3fwd] [--both-orders] [--json FILE] BINARY_A [BINARY_B ...]
#   (BINARY[,--flag=value...]: extra gatewayd flags for that entry)
#
# Default workloads: encap-64-t1, decap-64-t1, route-64-t1k; 3 rounds. Prints each window and the
# medians (Mpps, Mpps per on-CPU second with its range, cycles/packet) with B/A of the per-CPU
# medians. --testpmd adds a dpdk-testpmd 5tswap run to each round, --io a testpmd io run,
# --l3fwd an l3fwd-lpm run (built on first use by scripts/perf/build-l3fwd.sh); each build's
# ratio to each of them is given per round, median [lowest-highest]. --both-orders reverses
# every other round, so each program runs both before and after each other one (even --runs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
case " $* " in *" --l3fwd "*) "$root/scripts/perf/build-l3fwd.sh" "$root" >/dev/null ;; esac
# shellcheck source=perf/launch.sh
. "$root/scripts/perf/launch.sh"
run_rig ab "$root/scripts/perf/ab.py" "$@"
