#!/usr/bin/env bash
# How far below testpmd 5tswap the rig puts any encap or decap: gatewayd builds whose walk is
# replaced by the least work that still sends a well-formed frame, measured against the real
# build and the anchors (testpmd 5tswap and io, DPDK's l3fwd-lpm) in one interleaved run
# (perf-ab.sh --testpmd --io --l3fwd).
#
#   scripts/perf-floor.sh [--runs N] [--workload NAME]... [--both-orders] [--no-l3fwd]
#                                                  (default: encap-64-t1 decap-64-t1)
#
# For an encap-* workload the variants are (scripts/perf/floor.patch, built from HEAD in a
# scratch worktree):
#   floor          a constant Ethernet + outer IPv4 header prepended, length and checksum patched
#   floor+stage    + the burst stage (burst.h): the bulk route lookups the walk takes as hints
#   floor+checks   + ParseEthernet and CheckIpv4 on every packet
# For decap-*: the same, the outer header stripped and an Ethernet header written instead.
# None of them routes, counts per tunnel, takes a TTL or resolves a neighbour: a real walk can
# only be slower. docs/performance.md 3.0c has the figures and what they mean.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

runs=3
workloads=()
anchors=(--testpmd --io --l3fwd)
order=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workload) workloads+=("$2"); shift 2 ;;
    --both-orders) order=(--both-orders); shift ;;
    --no-l3fwd) anchors=(--testpmd --io); shift ;;
    *) echo "perf-floor.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#workloads[@]} -gt 0 ] || workloads=(encap-64-t1 decap-64-t1)
for w in "${workloads[@]}"; do
  case "$w" in encap-*|decap-*) ;; *)
    echo "perf-floor.sh: workload '$w' is neither encap-* nor decap-*" >&2; exit 2 ;;
  esac
done

[ -x "$root/build/gatewayd" ] || "$root/scripts/build.sh"
scratch="$(mktemp -d /tmp/gw-floor.XXXXXX)"
cleanup() {
  git -C "$root" worktree remove --force "$scratch/src" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
git -C "$root" worktree add --detach --quiet "$scratch/src" HEAD
if ! git -C "$scratch/src" apply "$root/scripts/perf/floor.patch"; then
  echo "perf-floor.sh: scripts/perf/floor.patch no longer applies to dataplane/worker.cc" >&2
  exit 1
fi

build() {  # build NAME CPP_ARGS...: a floor variant's gatewayd at $scratch/NAME/gatewayd
  local name="$1"; shift
  echo "building $name ($*)" >&2
  meson setup "$scratch/$name" "$scratch/src" -Dcpp_args="$*" >/dev/null
  ninja -C "$scratch/$name" gatewayd >/dev/null
}

for w in "${workloads[@]}"; do
  kind=1; [ "${w%%-*}" = decap ] && kind=2
  if [ ! -x "$scratch/floor$kind/gatewayd" ]; then
    build "floor$kind" "-DGW_FLOOR=$kind"
    build "floor$kind-stage" "-DGW_FLOOR=$kind -DGW_FLOOR_STAGE"
    build "floor$kind-checks" "-DGW_FLOOR=$kind -DGW_FLOOR_STAGE -DGW_FLOOR_CHECK"
  fi
  echo "== $w: A real, B floor, C floor+stage, D floor+stage+checks" >&2
  "$root/scripts/perf-ab.sh" "${anchors[@]}" ${order[@]+"${order[@]}"} --runs "$runs" \
    --workload "$w" "$root/build/gatewayd" \
    "$scratch/floor$kind/gatewayd" "$scratch/floor$kind-stage/gatewayd" \
    "$scratch/floor$kind-checks/gatewayd"
done
