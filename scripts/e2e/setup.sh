# Sourced by scripts/two_gateways.sh: the scenario's names and addresses, and the functions that
# build it in order: preflight, make_workdir, write_configs, show_scenario (--demo), make_namespaces,
# start_gateways, wire_hosts. teardown.sh removes all of it.

# ---------------------------------------------------------------------------------------------
# Names, addresses, MACs. MACs are locally administered unicast; the kernel side of every tap
# gets a MAC other than its DPDK port's (net_tap gives it the port's MAC at start).
id=$$
ns_a="gwe2e-$id-hostA"
ns_b="gwe2e-$id-hostB"
ns_br="gwe2e-$id-bridge"
ns_rt="gwe2e-$id-router"   # --pmtu-router only
tap_la="gwe${id}la"   # <= 15 characters: 3 + at most 7 digits + 2
tap_ua="gwe${id}ua"
tap_lb="gwe${id}lb"
tap_ub="gwe${id}ub"
veth_rt="gwe${id}ra"   # --pmtu-router: the router's leg on br0 (renamed rA inside the router)
prefix_a="gwe2e_${id}_a"
prefix_b="gwe2e_${id}_b"

mac_gwa_lan=02:0a:00:00:00:01   # gatewayd A port0 (DPDK side)
mac_gwa_ul=02:0a:00:00:01:01    # gatewayd A port1
mac_gwb_lan=02:0b:00:00:00:01
mac_gwb_ul=02:0b:00:00:01:01
mac_host_a=02:0a:00:00:00:02    # hostA eth0 (kernel side of A's port0)
mac_host_b=02:0b:00:00:00:02
mac_br_a=02:0a:00:00:01:fe      # bridge port gwA (kernel side of A's port1)
mac_br_b=02:0b:00:00:01:fe      # (with --pmtu-router: the router's rB, B's underlay neighbour)
mac_rt_a=02:0c:00:00:01:01      # --pmtu-router: the router's rA (A's underlay neighbour)
mac_rt_br=02:0c:00:00:01:fe     # and the bridge side of its veth

host_a=10.10.100.2
host_b=10.10.200.2
gw_a_lan=10.10.100.1
gw_b_lan=10.10.200.1
gw_a_ul=10.65.132.187
gw_b_ul=10.65.132.188
tun_a=10.10.100.10
tun_b=10.10.200.10
# --pmtu-router: B's underlay is another subnet, behind the router; the router's link to B is
# 1400 bytes, so A's 1500-byte outer packets get fragmentation needed from it.
rt_a=10.65.132.1
rt_b=10.65.133.1
rt_mtu=1400
ul_a_net=10.65.132.0/24
ul_b_net=10.65.132.0/24
if [ "$pmtu_router" = 1 ]; then
  gw_b_ul=10.65.133.188
  ul_b_net=10.65.133.0/24
fi
# The tunnel's limit hostA learns: tun1's MTU, or what the router's link leaves of it.
tunnel_limit=1480
[ "$pmtu_router" = 1 ] && tunnel_limit=$((rt_mtu - 20))

work=""     # the run's temporary directory: configs, sockets, logs, captures
pid_a=""
pid_b=""

# ---------------------------------------------------------------------------------------------
# Preflight
preflight() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, taps)"
  [ -x "$gatewayd" ] || die "no gatewayd at $gatewayd (build first: scripts/build.sh)"
  [ -x "$gwctl" ] || die "no gwctl at $gwctl (build first: scripts/build.sh)"
  local c
  for c in ip tcpdump timeout sha256sum /usr/bin/python3; do
    command -v "$c" >/dev/null || die "$c is missing (scripts/install-deps.sh installs it)"
  done
}

make_workdir() {
  work="$(mktemp -d "/tmp/gw-e2e.$id.XXXXXX")"
}

# ---------------------------------------------------------------------------------------------
# Configs
write_config() {  # write_config FILE LAN_ADDR UL_ADDR REMOTE TUN_LOCAL TUN_PEER FAR_LAN HOST HOST_MAC PEER_MAC NAME [UL_ROUTER FAR_UL UL_MTU]
  {
    echo "# gatewayd ${11}: written by two_gateways.sh"
    echo "addr add $2/24 dev port0"
    echo "addr add $3/24 dev port1"
    if [ -n "${12:-}" ]; then  # --pmtu-router: the far underlay through the router
      echo "route add ${13} via ${12}"
      [ "${14}" != 1500 ] && echo "link set port1 mtu ${14}"
    fi
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
write_configs() {
  local ra=() rb=()
  if [ "$pmtu_router" = 1 ]; then
    ra=("$rt_a" "$ul_b_net" 1500)
    rb=("$rt_b" "$ul_a_net" "$rt_mtu")
  fi
  write_config "$work/gw-a.conf" "$gw_a_lan" "$gw_a_ul" "$gw_b_ul" "$tun_a" "$tun_b" 10.10.200.0/24 \
    "$host_a" "$mac_host_a" "$mac_gwb_ul" A "${ra[@]}"
  write_config "$work/gw-b.conf" "$gw_b_lan" "$gw_b_ul" "$gw_a_ul" "$tun_b" "$tun_a" 10.10.100.0/24 \
    "$host_b" "$mac_host_b" "$mac_gwa_ul" B "${rb[@]}"
}

# --demo: the topology (the diagram at the top of two_gateways.sh) and both configs.
show_scenario() {
  [ "$mode" = demo ] || return 0
  step "the scenario (run $id): two gatewayd processes on net_tap ports, three network namespaces"
  sed -n '6,10p' "$0" | sed 's/^#//'
  if [ "$pmtu_router" = 1 ]; then
    say "   --pmtu-router: the underlay is routed, through a Linux router whose link to B is $rt_mtu bytes:"
    sed -n '15,16p' "$0" | sed 's/^#//'
  fi
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
}

# ---------------------------------------------------------------------------------------------
# Namespaces and the bridge
make_namespaces() {
  local n
  local all=("$ns_a" "$ns_b" "$ns_br")
  [ "$pmtu_router" = 1 ] && all+=("$ns_rt")
  for n in "${all[@]}"; do
    ip netns add "$n" || die "cannot create netns $n"
    ip -n "$n" link set lo up
    # No IPv6 chatter (router solicitations, MLD) in the counters: the scenario is IPv4.
    ip netns exec "$n" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1 2>/dev/null || true
  done
  ip -n "$ns_br" link add br0 type bridge
  ip -n "$ns_br" link set br0 up
  if [ "$pmtu_router" = 1 ]; then
    ip netns exec "$ns_rt" sysctl -q -w net.ipv4.ip_forward=1
  fi
}

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
start_gateways() {
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
}

# Move the kernel sides of the taps: LANs into the hosts (renamed eth0), underlays onto br0; then
# the hosts' MTU, address, default route (and with --static-neigh their gateway's MAC).
move_tap() {  # move_tap TAP NETNS NEW_NAME MAC
  ip link set dev "$1" netns "$2" || die "cannot move $1 into $2"
  ip -n "$2" link set dev "$1" name "$3"
  ip -n "$2" link set dev "$3" address "$4"
  ip -n "$2" link set dev "$3" up
}
wire_hosts() {
  move_tap "$tap_la" "$ns_a" eth0 "$mac_host_a"
  move_tap "$tap_lb" "$ns_b" eth0 "$mac_host_b"
  move_tap "$tap_ua" "$ns_br" gwA "$mac_br_a"
  ip -n "$ns_br" link set gwA master br0
  if [ "$pmtu_router" = 1 ]; then
    # The router: a veth leg on br0 (A's side), and B's underlay tap itself, at 1400 bytes.
    ip -n "$ns_br" link add "$veth_rt" address "$mac_rt_br" type veth peer name rA \
      address "$mac_rt_a" netns "$ns_rt" || die "cannot create the router's veth"
    ip -n "$ns_br" link set "$veth_rt" master br0
    ip -n "$ns_br" link set "$veth_rt" up
    ip -n "$ns_rt" link set rA up
    ip -n "$ns_rt" addr add "$rt_a/24" dev rA
    move_tap "$tap_ub" "$ns_rt" rB "$mac_br_b"
    ip -n "$ns_rt" link set dev rB mtu "$rt_mtu"
    ip -n "$ns_rt" addr add "$rt_b/24" dev rB
  else
    move_tap "$tap_ub" "$ns_br" gwB "$mac_br_b"
    ip -n "$ns_br" link set gwB master br0
  fi
  local x ns addr gw gwmac
  for x in "$ns_a $host_a $gw_a_lan $mac_gwa_lan" "$ns_b $host_b $gw_b_lan $mac_gwb_lan"; do
    read -r ns addr gw gwmac <<<"$x"
    ip -n "$ns" link set dev eth0 mtu "$host_mtu"
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" route add default via "$gw"
    [ "$static" = 1 ] && ip -n "$ns" neigh replace "$gw" lladdr "$gwmac" dev eth0 nud permanent
  done
  if [ "$mode" = test ]; then
    ok "setup: gatewayd A pid $pid_a, B pid $pid_b; netns $ns_a, $ns_b, $ns_br$([ "$pmtu_router" = 1 ] && echo ", $ns_rt (router, link to B mtu $rt_mtu)")$([ "$static" = 1 ] && echo "; static neighbours") ($(secs_since "$t_start"))"
  else
    step "hostA and hostB"
    for ns in "$ns_a" "$ns_b"; do
      echo "   $ns: $(ip -n "$ns" -br addr show dev eth0 | tr -s ' ') mtu $host_mtu $(ip -n "$ns" link show dev eth0 | grep -o 'link/ether [0-9a-f:]*')"
      ip -n "$ns" route | indent | indent
    done
    step "$ns_br"
    ip -n "$ns_br" -br link show master br0 | indent
    if [ "$pmtu_router" = 1 ]; then
      step "$ns_rt (forwarding)"
      ip -n "$ns_rt" -br addr show | grep -v '^lo' | indent
      ip -n "$ns_rt" link show dev rB | grep -o 'mtu [0-9]*' | sed 's/^/rB /' | indent
    fi
  fi
}
