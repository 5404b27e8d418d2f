#!/usr/bin/env bash
# Builds into build/ (release-ish: debugoptimized). With --asan, into build-asan/ with
# AddressSanitizer and UndefinedBehaviorSanitizer. With --fuzz, into build-fuzz/ with clang 14:
# the libFuzzer targets of tests/fuzz/ under ASan+UBSan (docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
args=()
envs=()
if [ "${1:-}" = "--asan" ]; then
  dir=build-asan
  args=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
elif [ "${1:-}" = "--fuzz" ]; then
  dir=build-fuzz
  args=(-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized)
  envs=(CC=clang-14 CXX=clang++-14)
fi
if [ ! -f "$dir/build.ninja" ]; then
  env "${envs[@]}" meson setup "$dir" "${args[@]}"
fi
ninja -C "$dir"
