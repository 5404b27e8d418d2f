# Sourced by scripts/two_gateways.sh: what it prints. --test prints one `ok` line per check and, at
# the first failure, `FAIL` with the failing step's output and the state of both sides on stderr;
# --demo prints every step for a person and goes on after a failure. Uses $mode, the names of
# setup.sh and $work.

now_ms() { date +%s%3N; }
t_start=$(now_ms)
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%d s' $((d / 1000)) $((d % 1000 / 100)); }
say() { [ "$mode" = demo ] && echo "$@" || true; }          # demo only
step() { [ "$mode" = demo ] && echo && echo "== $*" || true; }
indent() { sed 's/^/   /'; }
ok() { echo "ok   $*"; }

failures=0

# The hosts' neighbour tables and both gateways' counters, for a failure report.
dump_state() {
  local g p s n
  for n in "$ns_a" "$ns_b"; do
    echo "--- $n: ip neigh show"
    ip -n "$n" neigh show 2>&1 | indent || true
  done
  for g in A B; do
    [ "$g" = A ] && p=$pid_a || p=$pid_b
    [ "$g" = A ] && s="$work/gw-a.sock" || s="$work/gw-b.sock"
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      echo "--- gatewayd $g: gwctl stats"
      timeout 10 "$gwctl" --socket="$s" stats 2>&1 | indent || true
      echo "--- gatewayd $g: gwctl neigh show"
      timeout 10 "$gwctl" --socket="$s" neigh show 2>&1 | indent || true
    else
      echo "--- gatewayd $g is not running; its output:"
      indent <"$work/gw-${g,,}.log" 2>/dev/null || true
    fi
  done
}

# fail MESSAGE [DETAIL_FILE...]: --test stops here (exit 1); --demo notes it and goes on.
fail() {
  local msg="$1"
  shift
  failures=$((failures + 1))
  if [ "$mode" = test ]; then
    {
      echo "FAIL $msg"
      local f
      for f in "$@"; do [ -s "$f" ] && indent <"$f"; done
      dump_state
    } >&2
    exit 1
  fi
  echo "   >>> FAILED: $msg"
}

# Setup errors stop both modes.
die() {
  echo "two_gateways: $*" >&2
  exit 1
}

# The last line: all passed (exit 0 from the script), or --demo's count of failed steps (exit 1).
report() {
  if [ "$mode" = demo ]; then
    echo
    if [ "$failures" = 0 ]; then
      echo "== all steps passed ($(secs_since "$t_start"))"
    else
      echo "== $failures step(s) FAILED ($(secs_since "$t_start"))"
      exit 1
    fi
  else
    ok "all assertions passed ($(secs_since "$t_start"))"
  fi
}
