# Sourced by scripts/two_gateways.sh: (e) does each gatewayd stop cleanly?
# check_clean_stop: SIGTERM to both; each exits 0 and reports "mempool: in_use=0", every mbuf
# back in the pool. Their pids are cleared first, so that the cleanup does not stop them again.

check_clean_stop() {
  step "stopping both gatewayds (SIGTERM)"
  t=$(now_ms)
  for g in A B; do
    if [ "$g" = A ]; then p=$pid_a; pid_a=""; else p=$pid_b; pid_b=""; fi
    log="$work/gw-${g,,}.log"
    stop_pid "$p" 15 reap
    mem="$(grep -o 'mempool: in_use=[0-9]*' "$log" || true)"
    if [ "$stop_status" = 0 ] && [ "$mem" = "mempool: in_use=0" ]; then
      say "   gatewayd $g: exit status 0, $mem"
    else
      sed -n '/^gatewayd: stopped/,$p' "$log" >"$work/stop.why"
      fail "(e) gatewayd $g: exit status $stop_status, ${mem:-no mempool line} (want 0 and in_use=0)" "$work/stop.why"
    fi
  done
  [ "$mode" = test ] && ok "(e) both gatewayds stopped on SIGTERM, exit status 0, mempool in_use=0 ($(secs_since "$t"))"
  return 0
}
