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
# With --pmtu-router the underlay is routed instead (10.65.133.0/24 on B's side), through a Linux
# router in a fourth namespace whose link to B has an MTU of 1400:
#
#   port1 10.65.132.187 ── gwA ─ br0 ─ rtA ┈ rA 10.65.132.1 [router] rB 10.65.133.1 ── 10.65.133.188 port1
#                                                                   mtu 1400
#
# Usage (root; docs/e2e.md):
#   two_gateways.sh --test|--demo [--static-neigh] [--pmtu-router] [--host-mtu N] [--gatewayd PATH]
#                   [--gwctl PATH]
#
# --test: terse; stops at the first failing assertion with a message on stderr, exit 1.
#   (a) hostA pings hostB (10.10.200.2) through the tunnel
#   (c) tcpdump on br0 prints, for those pings, the seed article's line
#       IP 10.65.132.187 > 10.65.132.188: IP 10.10.100.2 > 10.10.200.2: ICMP echo request, ...
#   (b) hostA pings gatewayd B's tunnel address 10.10.200.10
#   (d) 20 MiB sent by TCP from hostA to hostB arrive intact (sha256). The hosts' MTU is 1500 and
#       the tunnel's 1480: this needs PMTU discovery (gatewayd's ICMP "fragmentation needed")
#   (f) gatewayd A learned hostA by ARP (REACHABLE in `gwctl neigh show`), sent ICMP errors and
#       hostA's route cache holds mtu 1480 (1380 with --pmtu-router); gatewayd B answered the
#       three echo requests
#   (g) --pmtu-router only: the router answered A's 1500-byte outer packets with fragmentation
#       needed (MTU 1400), gatewayd A learned it (`gwctl -j tunnel show`: pmtu 1400 toward B,
#       counters pmtu_learned, no icmp_refused) and told hostA 1380, with which (d) completed
#   (e) both gatewayds stop on SIGTERM, exit 0 and report mempool in_use=0
# --demo: the same steps for a person (configs, ping output, capture, transfer, then `gwctl stats`
#   of both gateways); every step runs even when an earlier one failed; exit 0 when all passed.
# --static-neigh: static neighbours everywhere (gatewayd `neigh add`, hosts `ip neigh replace ...
#   nud permanent`). Default: none, ARP has to work.
# --pmtu-router: the routed underlay above; (d) then needs PMTU learning in gatewayd A (issue 13).
# --host-mtu N: the hosts' MTU (default 1500). For diagnosis: with 1480 or less, (d) needs no
#   PMTU discovery.
# --gatewayd, --gwctl: the binaries (default build/gatewayd, build/gwctl of this tree).
#
# Everything is per run (names carry the shell's pid) and torn down on exit, failure or signal.
#
# The pieces, in scripts/e2e/ (sourced; this file is the entry point and runs them in order):
#   setup.sh                 names (with the pid), configs, namespaces, bridge, gatewayds, taps
#   teardown.sh              the cleanup on exit, failure or signal; background-process bookkeeping
#   output.sh                ok / step / fail / die, the failure report, the last line
#   check_reachability.sh    (a) (c) pings through the tunnel and the capture on br0, (b)
#   check_transfer.sh        (d) the TCP transfer with PMTU discovery
#   check_gateway_state.sh   (f) neighbours and counters through gwctl, (g) the path MTU learned;
#                            --demo's state dump
#   check_clean_stop.sh      (e) SIGTERM, exit 0, mempool in_use=0
#   hosttool.py              the hosts' ping (without iputils), TCP receiver and sender
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
e2e="$root/scripts/e2e"
mode=""
static=0
pmtu_router=0
host_mtu=1500
gatewayd="$root/build/gatewayd"
gwctl="$root/build/gwctl"

usage() {
  echo "usage: two_gateways.sh --test|--demo [--static-neigh] [--pmtu-router] [--host-mtu N] [--gatewayd PATH] [--gwctl PATH]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --test) mode="test" ;;
    --demo) mode="demo" ;;
    --static-neigh) static=1 ;;
    --pmtu-router) pmtu_router=1 ;;
    --host-mtu) [ $# -ge 2 ] || usage; host_mtu="$2"; shift ;;
    --host-mtu=*) host_mtu="${1#*=}" ;;
    --gatewayd) [ $# -ge 2 ] || usage; gatewayd="$2"; shift ;;
    --gatewayd=*) gatewayd="${1#*=}" ;;
    --gwctl) [ $# -ge 2 ] || usage; gwctl="$2"; shift ;;
    --gwctl=*) gwctl="${1#*=}" ;;
    -h|--help) sed -n '2,43p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "two_gateways: unknown argument \"$1\"" >&2; usage ;;
  esac
  shift
done
[ -n "$mode" ] || usage
[ "$pmtu_router" = 1 ] && [ "$static" = 1 ] &&
  { echo "two_gateways: --pmtu-router resolves its neighbours by ARP (no --static-neigh)" >&2; exit 2; }
[[ "$host_mtu" =~ ^[0-9]+$ ]] && [ "$host_mtu" -ge 576 ] && [ "$host_mtu" -le 1500 ] ||
  { echo "two_gateways: --host-mtu takes 576..1500" >&2; exit 2; }

. "$e2e/output.sh"
. "$e2e/setup.sh"
. "$e2e/teardown.sh"
. "$e2e/check_reachability.sh"
. "$e2e/check_transfer.sh"
. "$e2e/check_gateway_state.sh"
. "$e2e/check_clean_stop.sh"

arm_cleanup                  # from here on, everything below is undone on exit, failure or signal
preflight                    # root, the binaries, ip, tcpdump, python3
make_workdir                 # /tmp/gw-e2e.PID.XXXXXX
write_configs                # the seed's commands for A and B
show_scenario                # --demo: the diagram and both configs
make_namespaces              # hostA, hostB, bridge (with br0)
start_gateways               # A and B on net_tap ports, until both print "forwarding"
wire_hosts                   # taps into the namespaces; the hosts' MTU, address, default route

check_ping_through_tunnel    # (a) + (c)
check_ping_far_gateway       # (b)
check_tcp_transfer           # (d)
check_gateway_state          # (f)
check_pmtu_learned           # (g) --pmtu-router
show_gateway_state           # --demo: neighbours and counters of both sides
check_clean_stop             # (e)
report
