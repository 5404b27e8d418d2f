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
py=/usr/bin/python3
case "${1:-}" in -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
work="$(mktemp -d /tmp/gatewayd-ab.XXXXXX)"
runner=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
  fi
  if [ -f "$work/pids" ]; then
    while read -r pid prefix; do
      if tr "\0" " " 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "--file-prefix $prefix "; then
        kill -CONT "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
      fi
      rm -rf "/var/run/dpdk/$prefix"
    done <"$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
taskset -c 0 "$py" "$root/scripts/perf/ab.py" --root "$root" --work "$work" "$@" &
runner=$!
rc=0
wait "$runner" || rc=$?
while kill -0 "$runner" 2>/dev/null; do wait "$runner" || rc=$?; done
runner=""
exit "$rc"
