# Sourced by scripts/two_gateways.sh: can hostA reach the far side through the tunnel?
#   (a) + (c)  check_ping_through_tunnel: hostA pings hostB while tcpdump watches br0, and the
#              capture shows the seed article's line for the encapsulated echo request
#   (b)        check_ping_far_gateway: hostA pings gatewayd B's tunnel address; gatewayd B answers

# host_ping NS DST: ping -c 3 -W 2 (iputils when installed, else hosttool.py's).
host_ping() {
  if command -v ping >/dev/null; then
    timeout 20 ip netns exec "$1" ping -n -c 3 -W 2 "$2"
  else
    timeout 20 ip netns exec "$1" /usr/bin/python3 "$e2e/hosttool.py" ping "$2" 3 2
  fi
}

# check_ping LABEL DST WHAT: check (LABEL), hostA's ping -c 3 to DST (WHAT, in the failure line);
# the ping's output goes to $work/ping-LABEL.txt.
check_ping() {
  local label=$1 dst=$2 what=$3 out="$work/ping-$1.txt" t rc=0
  t=$(now_ms)
  in_bg host_ping "$ns_a" "$dst" >"$out" 2>&1 || rc=$?
  [ "$mode" = demo ] && indent <"$out"
  if [ "$rc" = 0 ]; then
    [ "$mode" = test ] && ok "($label) hostA ping $dst: $(grep -o '[0-9]* received' "$out") of 3 ($(secs_since "$t"))"
  else
    fail "($label) hostA ping $dst ($what) got no reply" "$out"
  fi
  return 0
}

# (a) + (c): hostA pings hostB while tcpdump watches br0.
check_ping_through_tunnel() {
  step "in $ns_br: tcpdump -n -i br0 ip proto 4; in hostA: ping -c 3 $host_b"
  cap="$work/capture.txt"
  ip netns exec "$ns_br" timeout 30 tcpdump -n -l -i br0 -c 6 ip proto 4 >"$cap" 2>"$work/capture.err" &
  pid_cap=$!
  bg_pids+=("$pid_cap")
  deadline=$(($(date +%s) + 10))
  until grep -q 'listening on' "$work/capture.err" 2>/dev/null; do
    kill -0 "$pid_cap" 2>/dev/null || die "tcpdump exited: $(cat "$work/capture.err")"
    [ "$(date +%s)" -lt "$deadline" ] || die "tcpdump did not start listening within 10 s"
    sleep 0.1
  done

  check_ping a "$host_b" "hostB, through the tunnel"

  # Three requests and three replies, unless some were lost: give tcpdump 2 s more, then stop it.
  deadline=$(($(date +%s) + 2))
  while kill -0 "$pid_cap" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
  kill -INT "$pid_cap" 2>/dev/null || true
  wait "$pid_cap" 2>/dev/null || true
  forget "$pid_cap"
  step "tcpdump on br0 printed"
  [ "$mode" = demo ] && indent <"$cap"
  # tcpdump 4.9 (the seed article's) ends the line with " (ipip-proto-4)"; 4.99 (Debian 12) does not.
  seed_re="IP $gw_a_ul > $gw_b_ul: IP $host_a > $host_b: ICMP echo request, id [0-9]+, seq [0-9]+, length 64( \(ipip-proto-4\))?$"
  if grep -Eq "$seed_re" "$cap"; then
    [ "$mode" = test ] && ok "(c) tcpdump on br0: $(grep -Em1 "$seed_re" "$cap" | cut -d' ' -f2-)"
  else
    echo "tcpdump printed $(wc -l <"$cap") line(s); expected one matching: $seed_re" >"$work/capture.why"
    fail "(c) tcpdump on br0 did not show hostA's encapsulated echo request" "$work/capture.why" "$cap"
  fi
  return 0
}

# (b) hostA pings gateway B's tunnel address.
check_ping_far_gateway() {
  step "in hostA: ping -c 3 $tun_b (gatewayd B's tunnel address: gatewayd B answers)"
  check_ping b "$tun_b" "gatewayd B's tunnel address"
}
