#!/usr/bin/env bash
# gatewayd's forwarding rate against dpdk-testpmd on the same software ports and packets.
#
#   scripts/perf.sh [--quick] [--runs N] [--workload NAME]... [--warmup S] [--window S]
#                   [--churn-rate N] [--profile] [--json FILE] [--gatewayd BINARY] [--list]
#
# Each workload (scripts/perf/gen_workload.py list) is a pcap replayed forever by net_pcap
# (infinite_rx=1, port0) and a config that routes every packet out of a net_null sink (port1),
# one worker lcore (-l 0,1). gatewayd, testpmd io and testpmd 5tswap take turns on the core, N
# rounds (default 3; --quick: 1 round of a subset, under 3 minutes), and the table shows medians.
# Rates come from DPDK telemetry: gatewayd's /gateway/stats, testpmd's /ethdev/stats.
#   --profile   perf record (cpu-clock) of gatewayd's worker in the last round, top symbols
#   --json F    every run's figures as JSON
#   --gatewayd B  measure another build of gatewayd (A/B of a change), default build/gatewayd
# Every process and temp file goes away at the end, on error and on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py=/usr/bin/python3  # Debian's, with scapy (python3 on PATH may be another one)

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick|--profile) args+=("$1") ;;
    --runs|--workload|--warmup|--window|--churn-rate|--json|--gatewayd)
      [ $# -ge 2 ] || { echo "perf.sh: $1 needs a value" >&2; exit 2; }
      args+=("$1" "$2"); shift ;;
    --list) exec "$py" "$root/scripts/perf/gen_workload.py" list ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "perf.sh: unknown argument \"$1\" (--help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in dpdk-testpmd taskset; do
  command -v "$tool" >/dev/null || { echo "perf.sh: $tool missing: scripts/install-deps.sh" >&2; exit 1; }
done

work="$(mktemp -d /tmp/gatewayd-perf.XXXXXX)"
runner=""
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
  fi
  # Last resort, if the runner died without stopping its children: every DPDK process it
  # started is listed with its file prefix; check both before killing a pid.
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

# The runner and its helpers stay on CPU 0 (the main lcore's), off the worker's CPU 1.
taskset -c 0 "$py" "$root/scripts/perf/runner.py" --root "$root" --work "$work" \
  ${args[@]+"${args[@]}"} &
runner=$!
rc=0
wait "$runner" || rc=$?
# A Ctrl-C interrupts `wait`: let the runner finish stopping its children.
while kill -0 "$runner" 2>/dev/null; do wait "$runner" || rc=$?; done
runner=""
exit "$rc"
