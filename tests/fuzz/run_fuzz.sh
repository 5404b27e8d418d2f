#!/usr/bin/env bash
# A bounded libFuzzer run of one target, as the meson suite `fuzz` and docs/reliability.md use it:
#   run_fuzz.sh TARGET SECONDS DICT|none CORPUS_DIR... [-- more libFuzzer flags]
# The corpus directories are read, never written: new inputs and any crash go to a temporary
# directory, kept (and printed) when the run fails. Exit status: libFuzzer's (0 = nothing found).
set -uo pipefail
# (Paths made absolute first: the run happens in a temporary directory, and meson passes the
# target relative to the build directory.)
target=$(realpath "$1") seconds=$2 dict=$3
[ "$dict" != none ] && dict=$(realpath "$dict")
shift 3
dirs=()
# (A corpus directory that does not exist is skipped: git keeps no empty directory, and a target
# may have its build-time seeds only.)
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  [ -d "$1" ] && dirs+=("$(realpath "$1")")
  shift
done
[ "${1:-}" = "--" ] && shift
work=$(mktemp -d /tmp/gwfuzz.XXXXXX)
mkdir -p "$work/new"
args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=9000
      -print_final_stats=1 -artifact_prefix="$work/"
      -error_exitcode=1 -timeout_exitcode=1)  # (libFuzzer's default 77 is a SKIP to meson)
[ "$dict" != none ] && args+=(-dict="$dict")
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# (symbolized stacks in a report, when LLVM's symbolizer is there: Debian's llvm-14)
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] &&
  export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}
cd "$work"  # (nothing a target might write lands in the source tree)
"$target" "${args[@]}" "$@" "$work/new" "${dirs[@]}"
rc=$?
if [ $rc -ne 0 ]; then
  echo "run_fuzz: $target failed (status $rc); inputs and artifacts kept in $work" >&2
else
  rm -rf "$work"
fi
exit $rc
