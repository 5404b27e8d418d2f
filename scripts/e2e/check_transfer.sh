# Sourced by scripts/two_gateways.sh: (d) does a TCP transfer go through the 1480-byte tunnel?
# check_tcp_transfer: 20 MiB of random bytes from hostA to hostB arrive with the same sha256. With
# 1500-byte host MTUs this needs PMTU discovery: gatewayd A's ICMP fragmentation-needed. Leaves
# hostA's route to hostB in $route_a and its "mtu N" in $pmtu, for check_gateway_state.

transfer_bytes=$((20 * 1024 * 1024))
transfer_timeout=60

# (d) 20 MiB by TCP through the 1480-byte tunnel.
check_tcp_transfer() {
  step "TCP: $((transfer_bytes / 1024 / 1024)) MiB of random bytes from hostA to $host_b:5001 (host MTU $host_mtu, tunnel MTU 1480$([ "$pmtu_router" = 1 ] && echo ", underlay path MTU $rt_mtu"))"
  head -c "$transfer_bytes" /dev/urandom >"$work/payload"
  want="$(sha256sum "$work/payload" | cut -d' ' -f1)"
  t=$(now_ms)
  ip netns exec "$ns_b" timeout "$((transfer_timeout + 10))" /usr/bin/python3 "$e2e/hosttool.py" \
    recv "$host_b" 5001 "$work/recv.ready" "$transfer_timeout" 15 >"$work/recv.txt" 2>&1 &
  pid_recv=$!
  bg_pids+=("$pid_recv")
  deadline=$(($(date +%s) + 10))
  until [ -e "$work/recv.ready" ]; do
    kill -0 "$pid_recv" 2>/dev/null || die "the receiver in hostB exited: $(cat "$work/recv.txt")"
    [ "$(date +%s)" -lt "$deadline" ] || die "the receiver in hostB did not listen within 10 s"
    sleep 0.1
  done
  send_rc=0
  in_bg ip netns exec "$ns_a" timeout "$transfer_timeout" /usr/bin/python3 "$e2e/hosttool.py" \
    send "$host_b" 5001 "$work/payload" 10 >"$work/send.txt" 2>&1 || send_rc=$?
  [ "$send_rc" = 124 ] && echo "sender: killed after $transfer_timeout s" >>"$work/send.txt"
  recv_rc=0
  deadline=$(($(date +%s) + 15))
  while kill -0 "$pid_recv" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
  kill -TERM "$pid_recv" 2>/dev/null || true
  wait "$pid_recv" 2>/dev/null || recv_rc=$?
  forget "$pid_recv"
  got="$(tail -n1 "$work/recv.txt" 2>/dev/null || true)"
  route_a="$(ip -n "$ns_a" route get "$host_b" 2>&1 | tr -s ' \n' ' ')"
  pmtu="$(grep -o 'mtu [0-9]*' <<<"$route_a" || true)"
  if [ "$mode" = demo ]; then
    indent <"$work/send.txt"
    echo "   sent:     $transfer_bytes bytes, sha256 $want"
    if [[ "$got" =~ ^([0-9]+)\ ([0-9a-f]{64})$ ]]; then
      echo "   received: ${BASH_REMATCH[1]} bytes, sha256 ${BASH_REMATCH[2]}"
    else
      echo "   received: ${got:-nothing}"
    fi
    echo "   hostA: ip route get $host_b: $route_a"
  fi
  if [ "$send_rc" = 0 ] && [ "$got" = "$transfer_bytes $want" ]; then
    [ "$mode" = test ] && ok "(d) TCP $transfer_bytes bytes hostA -> hostB, sha256 equal, $(tail -n1 "$work/send.txt" | sed 's/^sent [0-9]* bytes //'); hostA's route cache: ${pmtu:-no mtu} ($(secs_since "$t"))"
  else
    {
      cat "$work/send.txt"
      echo "receiver (exit status $recv_rc): ${got:-printed nothing}"
      echo "expected: $transfer_bytes $want"
      echo "hostA: ip route get $host_b: $route_a"
    } >"$work/transfer.why"
    fail "(d) TCP transfer of $transfer_bytes bytes (host MTU $host_mtu) did not arrive intact: PMTU discovery through the $tunnel_limit-byte tunnel needs gatewayd's ICMP fragmentation-needed" "$work/transfer.why"
  fi
  return 0
}
