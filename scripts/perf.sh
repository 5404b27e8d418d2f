#!/usr/bin/env bash
# gatewayd's forwarding rate against DPDK's l3fwd (LPM) and dpdk-testpmd on the same software
# ports and packets.
#
#   scripts/perf.sh [--quick] [--runs N] [--workload NAME]... [--warmup S] [--window S]
#                   [--churn-rate N] [--profile] [--json FILE] [--gatewayd BINARY] [--no-l3fwd]
#                   [--list]
#
# Each workload (scripts/perf/gen_workload.py list) is a pcap replayed forever by net_pcap
# (infinite_rx=1, port0) and a config that routes every packet out of a net_null sink (port1),
# one forwarding lcore on CPU 1. gatewayd, l3fwd-lpm, testpmd io and testpmd 5tswap take turns
# on the core, N rounds (default 3; --quick: 1 round of a subset), and the table shows medians
# and gatewayd / l3fwd per round. l3fwd routes the same kind of packets with destinations in its
# own LPM table (198.18.1.0/24 -> port1); scripts/perf/build-l3fwd.sh builds it on first use.
# Rates come from DPDK telemetry: gatewayd's /gateway/stats, testpmd's and l3fwd's /ethdev/stats.
#   --profile   perf record (cpu-clock) of gatewayd's worker in the last round, top symbols
#   --json F    every run's figures as JSON
#   --gatewayd B  measure another build of gatewayd (A/B of a change), default build/gatewayd
#   --no-l3fwd  leave l3fwd-lpm out
# Every process and temp file goes away at the end, on error and on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py=/usr/bin/python3  # Debian's, with scapy (python3 on PATH may be another one)

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick|--profile|--no-l3fwd) args+=("$1") ;;
    --runs|--workload|--warmup|--window|--churn-rate|--json|--gatewayd)
      [ $# -ge 2 ] || { echo "perf.sh: $1 needs a value" >&2; exit 2; }
      args+=("$1" "$2"); shift ;;
    --list) exec "$py" "$root/scripts/perf/gen_workload.py" list ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "perf.sh: unknown argument \"$1\" (--help)" >&2; exit 2 ;;
  esac
  shift
done

for tool in dpdk-testpmd taskset; do
  command -v "$tool" >/dev/null || { echo "perf.sh: $tool missing: scripts/install-deps.sh" >&2; exit 1; }
done
case " ${args[*]-} " in
  *" --no-l3fwd "*) ;;
  *) "$root/scripts/perf/build-l3fwd.sh" "$root" >/dev/null ;;
esac

# shellcheck source=perf/launch.sh
. "$root/scripts/perf/launch.sh"
run_rig perf "$root/scripts/perf/runner.py" ${args[@]+"${args[@]}"}
