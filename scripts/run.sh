#!/usr/bin/env bash
# README command 1: install what is missing, build, run the gateway's main job: the seed article's
# scenario with two gatewayd processes between Linux hosts in network namespaces (scripts/demo.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec scripts/demo.sh
