# Sourced by scripts/two_gateways.sh: (f) what the gateways did for the traffic, read back with
# gwctl.
#   check_gateway_state: gatewayd A learned hostA by ARP (REACHABLE in `gwctl neigh show`;
#     PERMANENT with --static-neigh), sent ICMP errors, and hostA's route cache holds mtu 1480
#     (1380 with --pmtu-router; from check_tcp_transfer's $route_a, $pmtu); gatewayd B counted the
#     echo replies of (b)
#   check_pmtu_learned (--pmtu-router): gatewayd A learned the router's 1400 toward B
#     (`gwctl -j tunnel show tun1`), counted it, refused nothing; B learned nothing
#   show_gateway_state (--demo): the hosts' neighbours, both gateways' neigh show and stats

# count STATS_JSON EVENT: one event counter of `gwctl -j stats`, or "?".
count() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["events"][sys.argv[2]])' "$1" "$2" 2>/dev/null || echo "?"; }

# (f) what the gateways did for it: resolved their hosts by ARP, taught hostA the tunnel's MTU.
check_gateway_state() {
  t=$(now_ms)
  neigh_a="$(timeout 10 "$gwctl" --socket="$work/gw-a.sock" neigh show 2>&1 || true)"
  stats_a="$(timeout 10 "$gwctl" --socket="$work/gw-a.sock" -j stats 2>&1 || true)"
  stats_b="$(timeout 10 "$gwctl" --socket="$work/gw-b.sock" -j stats 2>&1 || true)"
  want_state="REACHABLE"
  [ "$static" = 1 ] && want_state="PERMANENT"
  errors_a="$(count "$stats_a" icmp_errors)"
  echoes_b="$(count "$stats_b" icmp_echo_replies)"
  if ! grep -Eq "^$host_a dev port0 lladdr [0-9a-f:]{17} $want_state\$" <<<"$neigh_a"; then
    echo "$neigh_a" >"$work/f.why"
    fail "(f) gateway A's neigh show has no $want_state entry for $host_a" "$work/f.why"
  elif [ "$host_mtu" -gt "$tunnel_limit" ] && { [ "$pmtu" != "mtu $tunnel_limit" ] || ! [ "$errors_a" -ge 1 ] 2>/dev/null; }; then
    echo "hostA: ip route get $host_b: $route_a; gateway A icmp_errors: $errors_a" >"$work/f.why"
    fail "(f) hostA did not learn the $tunnel_limit-byte path MTU from gateway A's ICMP" "$work/f.why"
  elif ! [ "$echoes_b" -ge 3 ] 2>/dev/null; then
    echo "$stats_b" >"$work/f.why"
    fail "(f) gateway B counted $echoes_b echo replies, want >= 3 (pings to 10.10.200.10)" "$work/f.why"
  else
    [ "$mode" = test ] && ok "(f) gateway A: $host_a $want_state, $errors_a ICMP errors sent, hostA's PMTU ${pmtu:-?}; gateway B: $echoes_b echo replies ($(secs_since "$t"))"
  fi
  return 0
}

# (g) --pmtu-router: what gatewayd A learned from the router's fragmentation needed.
check_pmtu_learned() {
  [ "$pmtu_router" = 1 ] || return 0
  local t show_a show_b stats_a why="$work/g.why"
  t=$(now_ms)
  step "gwctl tunnel show on A and B: the path MTU learned from the router"
  show_a="$(timeout 10 "$gwctl" --socket="$work/gw-a.sock" -j tunnel show tun1 2>&1 || true)"
  show_b="$(timeout 10 "$gwctl" --socket="$work/gw-b.sock" -j tunnel show tun1 2>&1 || true)"
  stats_a="$(timeout 10 "$gwctl" --socket="$work/gw-a.sock" -j stats 2>&1 || true)"
  if [ "$mode" = demo ]; then
    timeout 10 "$gwctl" --socket="$work/gw-a.sock" tunnel show 2>&1 | indent || true
    timeout 10 "$gwctl" --socket="$work/gw-b.sock" tunnel show 2>&1 | indent || true
  fi
  if /usr/bin/python3 - "$show_a" "$show_b" "$stats_a" "$gw_b_ul" "$rt_mtu" >"$why" 2>&1 <<'PY'
import json, sys
a, b, stats, remote, mtu = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
pa = json.loads(a)[0]["pmtu"]
pb = json.loads(b)[0]["pmtu"]
s = json.loads(stats)
want = [{"remote": remote, "mtu": mtu, "locked": False}]
got = [{k: p[k] for k in ("remote", "mtu", "locked")} for p in pa]
ok = (got == want and 0 < pa[0]["expires_s"] <= 600 and pb == []
      and s["events"]["pmtu_learned"] >= 1 and s["drops"]["icmp_refused"] == 0)
print(f"A: pmtu {pa}; B: pmtu {pb}; A: pmtu_learned {s['events']['pmtu_learned']}, "
      f"icmp_refused {s['drops']['icmp_refused']}, icmp_handled {s['drops']['icmp_handled']}, "
      f"icmp_errors {s['events']['icmp_errors']}")
sys.exit(0 if ok else 1)
PY
  then
    [ "$mode" = test ] && ok "(g) gateway A learned path MTU $rt_mtu toward $gw_b_ul from the router: $(cat "$why") ($(secs_since "$t"))"
    [ "$mode" = demo ] && indent <"$why"
  else
    { echo "gwctl -j tunnel show tun1 on A: $show_a"; echo "on B: $show_b"; echo "A's stats: $stats_a"; cat "$why"; } >"$work/g.fail"
    fail "(g) gateway A did not learn the router's path MTU $rt_mtu toward $gw_b_ul" "$work/g.fail"
  fi
  return 0
}

# --demo: the hosts' neighbour tables, then each gateway's neighbours and counters.
show_gateway_state() {
  [ "$mode" = demo ] || return 0
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
}
