#!/usr/bin/env bash
# A/B of gatewayd builds on perf.sh's rig: every binary started on the same workload, measured in
# alternating windows within one run (the fair comparison on a shared, drifting machine).
#
#   scripts/perf-ab.sh [--runs N] [--workload NAME]... [--warmup S] [--window S] [--testpmd]
#                      [--json FILE] BINARY_A BINARY_B [...]
#   (BINARY[,--flag=value...]: extra gatewayd flags for that entry)
#
# Default workloads: encap-64-t1, decap-64-t1, route-64-t1k; 3 rounds. Prints each window and the
# medians (Mpps, Mpps per on-CPU second, cycles/packet) with B/A of the per-CPU medians.
# --testpmd adds a dpdk-testpmd 5tswap run to each round, for the ratio to it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
# shellcheck source=perf/launch.sh
. "$root/scripts/perf/launch.sh"
run_rig ab "$root/scripts/perf/ab.py" "$@"
