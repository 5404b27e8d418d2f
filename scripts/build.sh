#!/usr/bin/env bash
# Builds into build/ (release-ish: debugoptimized). With --asan, into build-asan/ with
# AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
args=()
if [ "${1:-}" = "--asan" ]; then
  dir=build-asan
  args=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
fi
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "${args[@]}"
fi
ninja -C "$dir"
