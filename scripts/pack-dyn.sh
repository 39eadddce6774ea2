#!/usr/bin/env bash
# pack-dyn.sh BINARY DIR: copies a dynamically linked BINARY, every shared
# library ldd names and the dynamic loader into DIR, so that it runs in the
# busybox initramfs, which has no libraries (scripts/bench.sh packs
# bpftrace, tests/vm/run.sh bpftool and bpftrace). The guest side runs it
# through the loader (tests/vm/guest-lib.sh use_bpftrace). Fails, with one
# line, if ldd names no loader.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: pack-dyn.sh BINARY DIR" >&2; exit 2; }
bin=$1 dir=$2
mkdir -p "$dir"
cp "$bin" "$dir"/
ldd "$bin" | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' |
	while read -r lib; do cp -L "$lib" "$dir"/; done
[ -f "$dir/ld-linux-x86-64.so.2" ] || [ -f "$dir/ld-linux-aarch64.so.1" ] || {
	echo "pack-dyn: no dynamic loader found for $bin" >&2; exit 1; }
