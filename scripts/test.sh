#!/usr/bin/env bash
# README command 2: install what is missing, build (plain, with ASan+UBSan, and the fuzz targets
# with clang), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
scripts/build.sh --asan
scripts/build.sh --fuzz
# Every suite on the plain build: unit tests, pcap-in/pcap-out cases, gwctl, fault injection and the
# doors (robust), the live-update stress test, the two-gateway end-to-end test in network
# namespaces, the demos, the operations tests (ops: systemd notify, dpdk-dumpcap, metrics, logs,
# man pages, completion, meson install).
meson test -C build --print-errorlogs --num-processes 2
# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --suite unit --print-errorlogs
# The fuzz targets (docs/reliability.md), 15 s each on their seeds and kept regression inputs.
meson test -C build-fuzz --suite fuzz --print-errorlogs
