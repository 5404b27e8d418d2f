#!/usr/bin/env bash
# One worker against two on one RX queue: what spreading (--spread=all) and no spreading give on
# this machine (docs/performance.md 11).
#
#   scripts/perf-workers.sh [--runs N] [--workload NAME] [--window S] [--gatewayd BINARY]
#
# Every process and temp file goes away at the end, on error and on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1-}" in -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
# shellcheck source=perf/launch.sh
. "$root/scripts/perf/launch.sh"
run_rig workers "$root/scripts/perf/workers.py" "$@"
