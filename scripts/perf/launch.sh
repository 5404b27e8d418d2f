# Sourced by scripts/perf.sh and scripts/perf-ab.sh: runs one of the Python rigs pinned to CPU 0
# (the main lcore's, off the worker's CPU 1) in a work directory of its own, and makes sure that
# whatever DPDK process it started is gone when the script ends, however it ends.
#   run_rig NAME RIG.py [ARGS...]   exits with the rig's status
run_rig() {
  local name="$1" rig="$2"
  shift 2
  work="$(mktemp -d "/tmp/gatewayd-$name.XXXXXX")"
  runner=""
  trap rig_cleanup EXIT
  trap 'rig_cleanup; exit 130' INT TERM
  taskset -c 0 /usr/bin/python3 "$rig" --root "$root" --work "$work" "$@" &
  runner=$!
  local rc=0
  wait "$runner" || rc=$?
  # A Ctrl-C interrupts `wait`: let the runner finish stopping its children.
  while kill -0 "$runner" 2>/dev/null; do wait "$runner" || rc=$?; done
  runner=""
  exit "$rc"
}

rig_cleanup() {
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
