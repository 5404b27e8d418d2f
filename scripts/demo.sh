#!/usr/bin/env bash
# README command 1's demo: the seed article's two-node scenario between real Linux hosts — two
# gatewayd processes on net_tap ports, hostA and hostB in network namespaces, the underlay on a
# Linux bridge in a third. Shows the pings, the capture on the bridge, a 20 MiB TCP transfer
# through the tunnel and both gateways' counters, then tears it all down (docs/e2e.md).
# Arguments go to scripts/two_gateways.sh (e.g. --static-neigh). The older single-gateway demo on
# net_pcap files is scripts/demo_pcap.sh.
set -euo pipefail
exec "$(dirname "$0")/two_gateways.sh" --demo "$@"
