#!/usr/bin/env bash
# fetch-stress-ng.sh ARCH: Debian sid's stress-ng for ARCH (amd64, arm64)
# with the shared libraries it needs and their loader, for the busybox
# initramfs of the VM tests, which has no libraries. Prints the directory
# (LT_CACHE/stress-ng/ARCH): stress-ng, the libraries, ld-linux-*.so.*,
# and "version". The guest runs it through the loader (guest-lib.sh
# use_stress_ng).
#
# Why this way: stress-ng is not built statically in Debian, and its
# package depends on mesa (EGL, GBM) among others. The NEEDED closure of
# the binary, read with readelf from the unpacked packages, is a few MB;
# what those libraries would dlopen (mesa's drivers) is not needed by the
# memory and VM stressors. ldd cannot serve: it runs the binary, and the
# arm64 one does not run here.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: fetch-stress-ng.sh amd64|arm64" >&2; exit 2; }
arch=$1
case $arch in
amd64) triplet=x86_64-linux-gnu loader=ld-linux-x86-64.so.2 ;;
arm64) triplet=aarch64-linux-gnu loader=ld-linux-aarch64.so.1 ;;
*) echo "fetch-stress-ng: unknown arch $arch (amd64 or arm64)" >&2; exit 2 ;;
esac
root=${LT_CACHE:-$HOME/.cache/lazytrace}
out=$root/stress-ng/$arch
log() { echo "fetch-stress-ng: $*" >&2; }
if [ -x "$out/stress-ng" ] && [ -s "$out/version" ]; then
	log "cache hit: $arch stress-ng $(cat "$out/version")"
	echo "$out"
	exit 0
fi
. "$(dirname "$0")/apt-private.sh"
apt_private sid
aptlog=$root/apt/sid.log
log "resolving sid's stress-ng ($arch)"
apt-get "${APT_O[@]}" update >"$aptlog" 2>&1 || {
	log "apt-get update failed (see $aptlog)"; exit 1; }
tmp=$(mktemp -d "$root/stress-ng.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/debs/partial" "$tmp/x" "$tmp/new"
# An empty dpkg status (apt_private): apt resolves the whole closure.
apt-get "${APT_O[@]}" -o APT::Architecture="$arch" \
	-o Dir::Cache::archives="$tmp/debs" --no-install-recommends -y \
	install --download-only "stress-ng:$arch" >>"$aptlog" 2>&1 || {
	log "cannot download stress-ng:$arch (see $aptlog)"; exit 1; }
for deb in "$tmp"/debs/*.deb; do dpkg-deb -x "$deb" "$tmp/x"; done
ver=$(dpkg-deb -f "$tmp"/debs/stress-ng_*.deb Version)

find_lib() {	# the first file of that name on the loader's default path
	local d
	for d in lib/$triplet usr/lib/$triplet lib usr/lib; do
		[ -e "$tmp/x/$d/$1" ] && { echo "$tmp/x/$d/$1"; return 0; }
	done
	return 1
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

cp "$tmp/x/usr/bin/stress-ng" "$tmp/new/"
todo=($(needed "$tmp/new/stress-ng"))
while [ ${#todo[@]} -gt 0 ]; do
	lib=${todo[0]}
	todo=("${todo[@]:1}")
	[ -e "$tmp/new/$lib" ] && continue
	f=$(find_lib "$lib") || { log "$lib: not in the packages"; exit 1; }
	cp -L "$f" "$tmp/new/$lib"
	todo+=($(needed "$tmp/new/$lib"))
done
f=$(find_lib "$loader") || { log "no $loader in libc6"; exit 1; }
cp -L "$f" "$tmp/new/$loader"
echo "$ver" >"$tmp/new/version"
rm -rf "$out" && mkdir -p "$(dirname "$out")" && mv "$tmp/new" "$out"
log "$arch stress-ng $ver, $(ls "$out" | wc -l) files," \
	"$(du -sk "$out" | cut -f1) KiB"
echo "$out"
