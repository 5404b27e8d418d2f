#!/usr/bin/env bash
# Builds DPDK's l3fwd example, the reference router that perf.sh and perf-ab.sh measure beside
# gatewayd, against the installed DPDK, into build/l3fwd/ (nothing of DPDK's code is committed).
#
#   scripts/perf/build-l3fwd.sh [--check] [ROOT]
#
# The sources are Debian's dpdk-doc (/usr/share/dpdk/examples/{l3fwd,common}): copied, patched
# with scripts/perf/l3fwd.patch (which says what it changes and why), built with the example's
# own Makefile (pkg-config libdpdk, -O3). Prints the binary's path. Builds again only when the
# patch or the installed DPDK version changed (build/l3fwd/stamp).
#   --check   only check that the patch still applies to the installed sources (meson test)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
check=0
case "${1:-}" in
  -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --check) check=1; shift ;;
esac
root="${1:-$(cd "$here/../.." && pwd)}"
examples=/usr/share/dpdk/examples
patch_file="$here/l3fwd.patch"

if [ ! -f "$examples/l3fwd/main.c" ] || [ ! -d "$examples/common" ]; then
  echo "build-l3fwd: $examples/l3fwd missing: apt-get install dpdk-doc (scripts/install-deps.sh)" >&2
  exit 1
fi
for tool in make cc pkg-config patch; do
  command -v "$tool" >/dev/null || { echo "build-l3fwd: $tool missing" >&2; exit 1; }
done

tmp="$(mktemp -d /tmp/gw-l3fwd.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$examples/l3fwd" "$examples/common" "$tmp/"
if ! patch -p1 -s -d "$tmp" --dry-run <"$patch_file" >/dev/null; then
  echo "build-l3fwd: $patch_file no longer applies to $examples/l3fwd" >&2
  exit 1
fi
if [ "$check" = 1 ]; then
  echo "build-l3fwd: l3fwd.patch applies to $examples/l3fwd (DPDK $(pkg-config --modversion libdpdk))"
  exit 0
fi

out="$root/build/l3fwd"
stamp="$(sha256sum <"$patch_file" | cut -c1-16) dpdk $(pkg-config --modversion libdpdk)"
if [ -x "$out/l3fwd" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$out/l3fwd"
  exit 0
fi
echo "build-l3fwd: building l3fwd (DPDK $(pkg-config --modversion libdpdk)) into $out" >&2
patch -p1 -s -d "$tmp" <"$patch_file"
if ! make -s -C "$tmp/l3fwd" >"$tmp/make.log" 2>&1; then
  tail -20 "$tmp/make.log" >&2
  echo "build-l3fwd: make failed" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
mkdir -p "$out/src"
cp -r "$tmp/l3fwd" "$tmp/common" "$out/src/"   # the patched sources, for reference
cp "$tmp/l3fwd/build/l3fwd-shared" "$out/l3fwd"
echo "$stamp" >"$out/stamp"
echo "$out/l3fwd"
