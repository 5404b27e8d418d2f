#!/usr/bin/env bash
# Installs what building, running and testing the gateway need, from Debian 12's packages only.
# Idempotent: asks apt only for what is missing.
set -euo pipefail

PKGS=(
  build-essential g++ meson ninja-build pkg-config
  libdpdk-dev dpdk dpdk-dev   # DPDK 22.11: libraries, PMDs (net_pcap, net_tap, net_ring, net_null); dpdk-testpmd
  dpdk-doc                    # DPDK's examples as source: l3fwd, the perf rig's reference router
  libabsl-dev libgflags-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-scapy       # independent packet encoder/decoder for the tests
  # The fuzz targets (scripts/build.sh --fuzz, docs/reliability.md): clang 14, libFuzzer, and the
  # sanitizer runtimes, which clang-14 only recommends (apt here installs no recommends).
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  tcpdump tshark iproute2 iputils-ping libpcap-dev
  # Operations (docs/operations.md): sd_notify and the watchdog, the /metrics HTTP server, a
  # Prometheus text parser for the tests, man pages, curl for the scrape test.
  libsystemd-dev libcpp-httplib-dev python3-prometheus-client scdoc curl
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root (or with sudo)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -q --no-install-recommends "${missing[@]}"
