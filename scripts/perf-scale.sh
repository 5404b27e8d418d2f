#!/usr/bin/env bash
# gatewayd at scale: startup time on a 1M-tunnel + 1M-route config and the memory it then holds.
#
#   scripts/perf-scale.sh [--tunnels N] [--huge] [--only START]... [--gatewayd BINARY]
#
# Starts gatewayd four times on the perf rig's ports: default table sizes with no config (base);
# the t1m table sizes (--tunnels=1048576 --routes=1049600 --nexthops=1100000 --tbl8s=8192, as
# perf.sh's *-t1m workloads) with no config (empty), with the tunnels only, and with the t1m
# config (full: gen_workload.py config N, tunnel add + link set up + route add per tunnel, 3.1M
# lines for 1M). Prints the startup broken down (EAL init, ports + tables, config parse + apply
# and its cost per 100k lines, first packet) and the memory: VmRSS, EAL memory vs the process
# heap, the EAL heap by owner (telemetry /eal/heap_info, /eal/memzone_*), and what each step
# adds. docs/performance.md 3.0e reads them.
#   --tunnels N    another config size (the table sizes stay the t1m ones), default 1048576
#   --huge         EAL on 2 MiB pages, without -m, to count the pages it needs; needs hugetlbfs
#                  mounted with 2 GiB free (see docs/performance.md 3.0e), else it says so
#   --only START   only this start: base (default sizes, no config), empty (t1m sizes, no
#                  config), tunnels (t1m sizes, tunnels only), full (the t1m config)
# Every process and temp file goes away at the end, on error and on Ctrl-C (perf/launch.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
[ -x "$root/build/gatewayd" ] || "$root/scripts/build.sh"
# shellcheck source=perf/launch.sh
. "$root/scripts/perf/launch.sh"
run_rig scale "$root/scripts/perf/scale.py" "$@"
