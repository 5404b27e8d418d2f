# Sourced by scripts/two_gateways.sh: stopping and removing everything a run made. arm_cleanup
# installs the traps before anything is made; from then on, on exit, failure or signal, cleanup
# stops the hosts' programs and the gatewayds (SIGTERM, then SIGKILL), deletes the namespaces and
# any tap left in the root namespace, and removes the DPDK runtime dirs and $work. Every name it
# removes carries the script's pid (setup.sh), so runs side by side leave each other alone.

# The background processes the cleanup must stop (tcpdump, the TCP receiver, in_bg's commands).
bg_pids=()

# in_bg CMD...: runs CMD in the background and waits for it, so that a signal is acted on at once
# (bash runs a trap only after the foreground command ends) and the cleanup can stop CMD.
in_bg() {
  local p rc=0
  "$@" &
  p=$!
  bg_pids+=("$p")
  wait "$p" || rc=$?
  forget "$p"
  return "$rc"
}
# forget PID: reaped, so no longer ours to stop (its number may be reused).
forget() {
  local x keep=()
  for x in "${bg_pids[@]}"; do [ "$x" = "$1" ] || keep+=("$x"); done
  bg_pids=("${keep[@]}")
}

# Teardown: gatewayds (SIGTERM, then wait), helpers, namespaces, runtime dirs, temp dir.
# alive PID: the process exists and is not a zombie.
alive() {
  local st
  st="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ "$st" != Z* ]]
}
stop_status=0
stop_pid() {  # stop_pid PID SECONDS [reap]: SIGTERM, up to SECONDS, then SIGKILL; reap: stop_status
  local pid="$1" i
  stop_status=0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $2 * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    echo "two_gateways: pid $pid ignored SIGTERM for $2 s; SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do alive "$pid" && sleep 0.1; done
  fi
  # Only the normal path reaps (for the exit status). In the cleanup a zombie is as good as gone:
  # a signal trap may have interrupted a `wait`, and a `wait` there can block until every other
  # child is gone (bash, SIGCHLD blocked in the trap). The zombies go with this shell.
  if [ "${3:-}" = reap ]; then
    wait "$pid" 2>/dev/null || stop_status=$?
  fi
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  local p n
  # The hosts' programs first (ping, sender, receiver, tcpdump: all run inside the namespaces),
  # then what waits for them.
  for n in "$ns_a" "$ns_b" "$ns_br" "$ns_rt"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -TERM 2>/dev/null
  done
  for p in "${bg_pids[@]}"; do stop_pid "$p" 5; done
  # (Only while the pid is still that gatewayd: one that died early was reaped, its pid is free.)
  [ -n "$pid_a" ] && grep -qa -- "$prefix_a" "/proc/$pid_a/cmdline" 2>/dev/null && stop_pid "$pid_a" 15
  [ -n "$pid_b" ] && grep -qa -- "$prefix_b" "/proc/$pid_b/cmdline" 2>/dev/null && stop_pid "$pid_b" 15
  for n in "$ns_a" "$ns_b" "$ns_br" "$ns_rt"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$n" 2>/dev/null
  done
  # A tap still in the root namespace (gatewayd killed before the move) goes with its process;
  # delete any left anyway.
  for n in "$tap_la" "$tap_ua" "$tap_lb" "$tap_ub"; do
    ip link show dev "$n" >/dev/null 2>&1 && ip link del dev "$n" 2>/dev/null
  done
  rm -rf "/run/dpdk/$prefix_a" "/run/dpdk/$prefix_b" "/var/run/dpdk/$prefix_a" "/var/run/dpdk/$prefix_b"
  [ -n "$work" ] && rm -rf "$work"
  if [ "$mode" = demo ] && [ "$rc" -le 1 ]; then
    echo
    echo "== torn down: gatewayds stopped, namespaces $ns_a, $ns_b, $ns_br deleted"
  fi
  exit "$rc"
}

# Before the first thing is made: cleanup on exit, and INT / TERM turned into an exit.
arm_cleanup() {
  trap cleanup EXIT
  exec 3>&2  # the messages of the traps go to the script's stderr, whatever a step redirected
  trap 'echo "two_gateways: interrupted, cleaning up" >&3; exit 130' INT
  trap 'echo "two_gateways: terminated, cleaning up" >&3; exit 143' TERM
}
