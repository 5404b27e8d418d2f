#!/usr/bin/env bash
# The seed article's two-node scenario between real Linux hosts (issue 4): two gatewayd processes,
# each with two net_tap ports, and three network namespaces. The kernel side of each tap is moved
# into a namespace after gatewayd starts, and given a MAC of its own.
#
#   netns hostA          gatewayd A                                gatewayd B          netns hostB
#   eth0 10.10.100.2 ─── port0 10.10.100.1                  10.10.200.1 port0 ─── eth0 10.10.200.2
#                        tun1  10.10.100.10 ═══ IPIP ═══ 10.10.200.10  tun1
#                        port1 10.65.132.187 ── gwA ┐   ┌ gwB ── 10.65.132.188 port1
#                                                   └br0┘  netns bridge
#
# Usage (root; docs/e2e.md):
#   two_gateways.sh --test|--demo [--static-neigh] [--host-mtu N] [--gatewayd PATH] [--gwctl PATH]
#
# --test: terse; stops at the first failing assertion with a message on stderr, exit 1.
#   (a) hostA pings hostB (10.10.200.2) through the tunnel
#   (c) tcpdump on br0 prints, for those pings, the seed article's line
#       IP 10.65.132.187 > 10.65.132.188: IP 10.10.100.2 > 10.10.200.2: ICMP echo request, ...
#   (b) hostA pings gatewayd B's tunnel address 10.10.200.10
#   (d) 20 MiB sent by TCP from hostA to hostB arrive intact (sha256). The hosts' MTU is 1500 and
#       the tunnel's 1480: this needs PMTU discovery (gatewayd's ICMP "fragmentation needed")
#   (f) gatewayd A learned hostA by ARP (REACHABLE in `gwctl neigh show`), sent ICMP errors and
#       hostA's route cache holds mtu 1480; gatewayd B answered the three echo requests
#   (e) both gatewayds stop on SIGTERM, exit 0 and report mempool in_use=0
# --demo: the same steps for a person (configs, ping output, capture, transfer, then `gwctl stats`
#   of both gateways); every step runs even when an earlier one failed; exit 0 when all passed.
# --static-neigh: static neighbours everywhere (gatewayd `neigh add`, hosts `ip neigh replace ...
#   nud permanent`). Default: none, ARP has to work.
# --host-mtu N: the hosts' MTU (default 1500). For diagnosis: with 1480 or less, (d) needs no
#   PMTU discovery.
# --gatewayd, --gwctl: the binaries (default build/gatewayd, build/gwctl of this tree).
#
# Everything is per run (names carry the shell's pid) and torn down on exit, failure or signal.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="$root/scripts/e2e"   # hosttool.py: the hosts' ping (without iputils), TCP receiver and sender
mode=""
static=0
host_mtu=1500
gatewayd="$root/build/gatewayd"
gwctl="$root/build/gwctl"

usage() {
  echo "usage: two_gateways.sh --test|--demo [--static-neigh] [--host-mtu N] [--gatewayd PATH] [--gwctl PATH]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --test) mode="test" ;;
    --demo) mode="demo" ;;
    --static-neigh) static=1 ;;
    --host-mtu) [ $# -ge 2 ] || usage; host_mtu="$2"; shift ;;
    --host-mtu=*) host_mtu="${1#*=}" ;;
    --gatewayd) [ $# -ge 2 ] || usage; gatewayd="$2"; shift ;;
    --gatewayd=*) gatewayd="${1#*=}" ;;
    --gwctl) [ $# -ge 2 ] || usage; gwctl="$2"; shift ;;
    --gwctl=*) gwctl="${1#*=}" ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "two_gateways: unknown argument \"$1\"" >&2; usage ;;
  esac
  shift
done
[ -n "$mode" ] || usage
[[ "$host_mtu" =~ ^[0-9]+$ ]] && [ "$host_mtu" -ge 576 ] && [ "$host_mtu" -le 1500 ] ||
  { echo "two_gateways: --host-mtu takes 576..1500" >&2; exit 2; }

# ---------------------------------------------------------------------------------------------
# Names, addresses, MACs. MACs are locally administered unicast; the kernel side of every tap
# gets a MAC other than its DPDK port's (net_tap gives it the port's MAC at start).
id=$$
ns_a="gwe2e-$id-hostA"
ns_b="gwe2e-$id-hostB"
ns_br="gwe2e-$id-bridge"
tap_la="gwe${id}la"   # <= 15 characters: 3 + at most 7 digits + 2
tap_ua="gwe${id}ua"
tap_lb="gwe${id}lb"
tap_ub="gwe${id}ub"
prefix_a="gwe2e_${id}_a"
prefix_b="gwe2e_${id}_b"

mac_gwa_lan=02:0a:00:00:00:01   # gatewayd A port0 (DPDK side)
mac_gwa_ul=02:0a:00:00:01:01    # gatewayd A port1
mac_gwb_lan=02:0b:00:00:00:01
mac_gwb_ul=02:0b:00:00:01:01
mac_host_a=02:0a:00:00:00:02    # hostA eth0 (kernel side of A's port0)
mac_host_b=02:0b:00:00:00:02
mac_br_a=02:0a:00:00:01:fe      # bridge port gwA (kernel side of A's port1)
mac_br_b=02:0b:00:00:01:fe

host_a=10.10.100.2
host_b=10.10.200.2
gw_a_lan=10.10.100.1
gw_b_lan=10.10.200.1
gw_a_ul=10.65.132.187
gw_b_ul=10.65.132.188
tun_a=10.10.100.10
tun_b=10.10.200.10

transfer_bytes=$((20 * 1024 * 1024))
transfer_timeout=60

work=""
pid_a=""
pid_b=""
bg_pids=()
failures=0

# ---------------------------------------------------------------------------------------------
# Output helpers
now_ms() { date +%s%3N; }
t_start=$(now_ms)
secs_since() { local d=$(($(now_ms) - $1)); printf '%d.%d s' $((d / 1000)) $((d % 1000 / 100)); }
say() { [ "$mode" = demo ] && echo "$@" || true; }          # demo only
step() { [ "$mode" = demo ] && echo && echo "== $*" || true; }
indent() { sed 's/^/   /'; }
ok() { echo "ok   $*"; }

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

# ---------------------------------------------------------------------------------------------
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
  for n in "$ns_a" "$ns_b" "$ns_br"; do
    ip netns pids "$n" 2>/dev/null | xargs -r kill -TERM 2>/dev/null
  done
  for p in "${bg_pids[@]}"; do stop_pid "$p" 5; done
  # (Only while the pid is still that gatewayd: one that died early was reaped, its pid is free.)
  [ -n "$pid_a" ] && grep -qa -- "$prefix_a" "/proc/$pid_a/cmdline" 2>/dev/null && stop_pid "$pid_a" 15
  [ -n "$pid_b" ] && grep -qa -- "$prefix_b" "/proc/$pid_b/cmdline" 2>/dev/null && stop_pid "$pid_b" 15
  for n in "$ns_a" "$ns_b" "$ns_br"; do
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
trap cleanup EXIT
exec 3>&2  # the messages of the traps go to the script's stderr, whatever a step redirected
trap 'echo "two_gateways: interrupted, cleaning up" >&3; exit 130' INT
trap 'echo "two_gateways: terminated, cleaning up" >&3; exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Preflight
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, taps)"
[ -x "$gatewayd" ] || die "no gatewayd at $gatewayd (build first: scripts/build.sh)"
[ -x "$gwctl" ] || die "no gwctl at $gwctl (build first: scripts/build.sh)"
for c in ip tcpdump timeout sha256sum /usr/bin/python3; do
  command -v "$c" >/dev/null || die "$c is missing (scripts/install-deps.sh installs it)"
done

work="$(mktemp -d "/tmp/gw-e2e.$id.XXXXXX")"


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

# ---------------------------------------------------------------------------------------------
# Configs
write_config() {  # write_config FILE LAN_ADDR UL_ADDR REMOTE TUN_LOCAL TUN_PEER FAR_LAN HOST HOST_MAC PEER_MAC
  {
    echo "# gatewayd ${11}: written by two_gateways.sh"
    echo "addr add $2/24 dev port0"
    echo "addr add $3/24 dev port1"
    echo "tunnel add tun1 mode ipip remote $4 local $3"
    echo "link set tun1 up"
    echo "addr add $5 peer $6 dev tun1"
    echo "route add $7 dev tun1"
    if [ "$static" = 1 ]; then
      echo "neigh add $8 lladdr $9 dev port0"
      echo "neigh add $4 lladdr ${10} dev port1"
    fi
  } >"$1"
}
write_config "$work/gw-a.conf" "$gw_a_lan" "$gw_a_ul" "$gw_b_ul" "$tun_a" "$tun_b" 10.10.200.0/24 \
  "$host_a" "$mac_host_a" "$mac_gwb_ul" A
write_config "$work/gw-b.conf" "$gw_b_lan" "$gw_b_ul" "$gw_a_ul" "$tun_b" "$tun_a" 10.10.100.0/24 \
  "$host_b" "$mac_host_b" "$mac_gwa_ul" B

if [ "$mode" = demo ]; then
  step "the scenario (run $id): two gatewayd processes on net_tap ports, three network namespaces"
  sed -n '6,10p' "$0" | sed 's/^#//'
  say "   netns: hostA = $ns_a, hostB = $ns_b, bridge = $ns_br; host MTU $host_mtu"
  if [ "$static" = 1 ]; then
    say "   neighbours: static everywhere (--static-neigh)"
  else
    say "   neighbours: none configured: the hosts and the gateways resolve each other by ARP"
  fi
  step "gatewayd A config"
  grep -v '^#' "$work/gw-a.conf" | indent
  step "gatewayd B config"
  grep -v '^#' "$work/gw-b.conf" | indent
fi

# ---------------------------------------------------------------------------------------------
# Namespaces and the bridge
for n in "$ns_a" "$ns_b" "$ns_br"; do
  ip netns add "$n" || die "cannot create netns $n"
  ip -n "$n" link set lo up
  # No IPv6 chatter (router solicitations, MLD) in the counters: the scenario is IPv4.
  ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
done
ip -n "$ns_br" link add br0 type bridge
ip -n "$ns_br" link set br0 up

# ---------------------------------------------------------------------------------------------
# gatewayds
start_gw() {  # start_gw PREFIX LAN_TAP LAN_MAC UL_TAP UL_MAC CONF SOCK LOG
  "$gatewayd" -l 0,1 --no-huge --no-pci --no-shconf -m 512 --file-prefix "$1" \
    --log-level='*:warning' \
    --vdev="net_tap0,iface=$2,mac=$3" --vdev="net_tap1,iface=$4,mac=$5" \
    -- --config="$6" --socket="$7" --idle_sleep_us=100 \
    --routes=1024 --routes6=1024 --tbl8s=64 --tbl8s6=64 --tunnels=64 --nexthops=1024 \
    --neighbours=1024 >"$8" 2>&1 &
}
wait_forwarding() {  # wait_forwarding NAME PID LOG
  local deadline=$(($(date +%s) + 60))
  while ! grep -q 'forwarding$' "$3" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || die "gatewayd $1 exited during startup:
$(indent <"$3")"
    [ "$(date +%s)" -lt "$deadline" ] || die "gatewayd $1 did not print \"forwarding\" within 60 s:
$(indent <"$3")"
    sleep 0.1
  done
}
start_gw "$prefix_a" "$tap_la" "$mac_gwa_lan" "$tap_ua" "$mac_gwa_ul" "$work/gw-a.conf" \
  "$work/gw-a.sock" "$work/gw-a.log"
pid_a=$!
start_gw "$prefix_b" "$tap_lb" "$mac_gwb_lan" "$tap_ub" "$mac_gwb_ul" "$work/gw-b.conf" \
  "$work/gw-b.sock" "$work/gw-b.log"
pid_b=$!
wait_forwarding A "$pid_a" "$work/gw-a.log"
wait_forwarding B "$pid_b" "$work/gw-b.log"
if [ "$mode" = demo ]; then
  # From gatewayd's own first line on (net_tap's notes before it, e.g. that this kernel has no
  # multiq qdisc for rte_flow, are in the log).
  step "gatewayd A (pid $pid_a)"
  sed -n '/^gatewayd: /,$p' "$work/gw-a.log" | indent
  step "gatewayd B (pid $pid_b)"
  sed -n '/^gatewayd: /,$p' "$work/gw-b.log" | indent
fi

# Move the kernel sides of the taps: LANs into the hosts (renamed eth0), underlays onto br0.
move_tap() {  # move_tap TAP NETNS NEW_NAME MAC
  ip link set dev "$1" netns "$2" || die "cannot move $1 into $2"
  ip -n "$2" link set dev "$1" name "$3"
  ip -n "$2" link set dev "$3" address "$4"
  ip -n "$2" link set dev "$3" up
}
move_tap "$tap_la" "$ns_a" eth0 "$mac_host_a"
move_tap "$tap_lb" "$ns_b" eth0 "$mac_host_b"
move_tap "$tap_ua" "$ns_br" gwA "$mac_br_a"
move_tap "$tap_ub" "$ns_br" gwB "$mac_br_b"
ip -n "$ns_br" link set gwA master br0
ip -n "$ns_br" link set gwB master br0
for x in "$ns_a $host_a $gw_a_lan $mac_gwa_lan" "$ns_b $host_b $gw_b_lan $mac_gwb_lan"; do
  read -r ns addr gw gwmac <<<"$x"
  ip -n "$ns" link set dev eth0 mtu "$host_mtu"
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" route add default via "$gw"
  [ "$static" = 1 ] && ip -n "$ns" neigh replace "$gw" lladdr "$gwmac" dev eth0 nud permanent
done
if [ "$mode" = test ]; then
  ok "setup: gatewayd A pid $pid_a, B pid $pid_b; netns $ns_a, $ns_b, $ns_br$([ "$static" = 1 ] && echo "; static neighbours") ($(secs_since "$t_start"))"
else
  step "hostA and hostB"
  for ns in "$ns_a" "$ns_b"; do
    echo "   $ns: $(ip -n "$ns" -br addr show dev eth0 | tr -s ' ') mtu $host_mtu $(ip -n "$ns" link show dev eth0 | grep -o 'link/ether [0-9a-f:]*')"
    ip -n "$ns" route | indent | indent
  done
  step "$ns_br"
  ip -n "$ns_br" -br link show master br0 | indent
fi

# ---------------------------------------------------------------------------------------------
# (a) + (c): hostA pings hostB while tcpdump watches br0.
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

# ---------------------------------------------------------------------------------------------
# (b) hostA pings gateway B's tunnel address.
step "in hostA: ping -c 3 $tun_b (gatewayd B's tunnel address: gatewayd B answers)"
check_ping b "$tun_b" "gatewayd B's tunnel address"

# ---------------------------------------------------------------------------------------------
# (d) 20 MiB by TCP through the 1480-byte tunnel.
step "TCP: $((transfer_bytes / 1024 / 1024)) MiB of random bytes from hostA to $host_b:5001 (host MTU $host_mtu, tunnel MTU 1480)"
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
  fail "(d) TCP transfer of $transfer_bytes bytes (host MTU $host_mtu) did not arrive intact: PMTU discovery through the 1480-byte tunnel needs gatewayd's ICMP fragmentation-needed" "$work/transfer.why"
fi

# (f) what the gateways did for it: resolved their hosts by ARP, taught hostA the tunnel's MTU.
t=$(now_ms)
neigh_a="$(timeout 10 "$gwctl" --socket="$work/gw-a.sock" neigh show 2>&1 || true)"
stats_a="$(timeout 10 "$gwctl" --socket="$work/gw-a.sock" -j stats 2>&1 || true)"
stats_b="$(timeout 10 "$gwctl" --socket="$work/gw-b.sock" -j stats 2>&1 || true)"
count() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events"][sys.argv[2]])' "$1" "$2" 2>/dev/null || echo "?"; }
want_state="REACHABLE"
[ "$static" = 1 ] && want_state="PERMANENT"
errors_a="$(count "$stats_a" icmp_errors)"
echoes_b="$(count "$stats_b" icmp_echo_replies)"
if ! grep -Eq "^$host_a dev port0 lladdr [0-9a-f:]{17} $want_state\$" <<<"$neigh_a"; then
  echo "$neigh_a" >"$work/f.why"
  fail "(f) gateway A's neigh show has no $want_state entry for $host_a" "$work/f.why"
elif [ "$host_mtu" -gt 1480 ] && { [ "$pmtu" != "mtu 1480" ] || ! [ "$errors_a" -ge 1 ] 2>/dev/null; }; then
  echo "hostA: ip route get $host_b: $route_a; gateway A icmp_errors: $errors_a" >"$work/f.why"
  fail "(f) hostA did not learn the 1480-byte path MTU from gateway A's ICMP" "$work/f.why"
elif ! [ "$echoes_b" -ge 3 ] 2>/dev/null; then
  echo "$stats_b" >"$work/f.why"
  fail "(f) gateway B counted $echoes_b echo replies, want >= 3 (pings to 10.10.200.10)" "$work/f.why"
else
  [ "$mode" = test ] && ok "(f) gateway A: $host_a $want_state, $errors_a ICMP errors sent, hostA's PMTU ${pmtu:-?}; gateway B: $echoes_b echo replies ($(secs_since "$t"))"
fi

# ---------------------------------------------------------------------------------------------
if [ "$mode" = demo ]; then
  step "the hosts' neighbours: ip neigh show"
  for ns in "$ns_a" "$ns_b"; do
    echo "   $ns:"
    ip -n "$ns" neigh show | indent | indent
  done
  for g in A B; do
    sock="$work/gw-${g,,}.sock"
    step "gatewayd $g: gwctl neigh show"
    timeout 10 "$gwctl" --socket="$sock" neigh show 2>&1 | indent || true
    step "gatewayd $g: gwctl stats"
    timeout 10 "$gwctl" --socket="$sock" stats 2>&1 | indent || true
  done
fi

# (e) Both stop cleanly on SIGTERM and every mbuf is back in the pool.
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
