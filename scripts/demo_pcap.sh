#!/usr/bin/env bash
# The gateway's main job on its embedded default (conf/gateway.conf, the seed article's node 1):
# gatewayd on two net_pcap ports, LAN pings encapsulated toward node 2, node 2's replies
# decapsulated back to the LAN; shows the frames it sent and its counters.
# This was README command 1's demo before the two-gateway one (scripts/demo.sh); it needs no root
# networking, only files. GATEWAYD=PATH runs another build's gatewayd (default build/gatewayd).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gatewayd="${GATEWAYD:-$root/build/gatewayd}"
work="$(mktemp -d /tmp/gatewayd-demo.XXXXXX)"
prefix="gwdemo_$$"
trap 'rm -rf "$work" "/run/dpdk/$prefix"' EXIT

n=$(/usr/bin/python3 "$root/scripts/demo_traffic.py" "$work")
echo "== config: $root/conf/gateway.conf"
grep -v '^#' "$root/conf/gateway.conf" | grep -v '^$' | sed 's/^/   /'
echo "== gatewayd on net_pcap ports (port0 = underlay, port1 = LAN), $n packets in"
"$gatewayd" -l 0,1 --no-huge --no-pci -m 512 --file-prefix "$prefix" --log-level='*:warning' \
  --vdev="net_pcap0,rx_pcap=$work/in0.pcap,tx_pcap=$work/out0.pcap" \
  --vdev="net_pcap1,rx_pcap=$work/in1.pcap,tx_pcap=$work/out1.pcap" \
  -- --config="$root/conf/gateway.conf" --idle_sleep_us=100 --socket="$work/gatewayd.sock" >"$work/gatewayd.log" 2>&1 &
pid=$!
if ! /usr/bin/python3 "$root/scripts/gwstats.py" "$prefix" --wait "$n" >/dev/null; then
  kill -TERM $pid 2>/dev/null || true
  wait $pid || true
  cat "$work/gatewayd.log" >&2
  exit 1
fi
kill -TERM $pid
rc=0
wait $pid || rc=$?
echo "== port0 (underlay) sent — compare with the seed article's capture on node 2:"
tcpdump -nr "$work/out0.pcap" 2>/dev/null | sed 's/^/   /'
echo "== port1 (LAN) sent: node 2's replies, decapsulated"
tcpdump -enr "$work/out1.pcap" 2>/dev/null | sed 's/^/   /'
echo "== gatewayd's report"
sed 's/^/   /' "$work/gatewayd.log"
exit $rc
