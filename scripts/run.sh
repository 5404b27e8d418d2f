#!/usr/bin/env bash
# README command 1: install what is missing, build, run the gateway on its embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec scripts/demo.sh
