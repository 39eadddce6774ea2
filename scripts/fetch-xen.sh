#!/usr/bin/env bash
# fetch-xen.sh: resolves Debian's newest xen-hypervisor-*-amd64 (trixie
# ships 4.20), caches the hypervisor as an uncompressed ELF in
#   ${LT_CACHE:-$HOME/.cache/lazytrace}/kernels/xen/{xen.elf,version,source}
# and prints that directory as the last stdout line. QEMU's -kernel loads
# the 32-bit multiboot ELF that boot/xen-*.gz holds once gunzipped.
# A populated cache is used offline; LT_KERNEL_REFRESH=1 re-resolves.
set -euo pipefail

die() { echo "fetch-xen: ERROR: $*" >&2; exit 1; }
log() { echo "fetch-xen: $*" >&2; }

suite=trixie
root=${LT_CACHE:-$HOME/.cache/lazytrace}
out=$root/kernels/xen
mkdir -p "$root/kernels"
exec 9>"$root/kernels/.lock"
flock 9

have_cache() { [ -s "$out/xen.elf" ] && [ -s "$out/version" ]; }
if have_cache && [ "${LT_KERNEL_REFRESH:-0}" != 1 ]; then
    log "cache hit: xen $(cat "$out/version")"
    echo "$out"
    exit 0
fi

. "$(dirname "$0")/apt-private.sh"
apt_private "$suite"
aptlog=$root/apt/$suite-xen.log
fail() {
    if have_cache; then
        log "WARNING: $1; using cached xen $(cat "$out/version")"
        echo "$out"; exit 0
    fi
    die "cannot fetch the Xen hypervisor: $1 (apt log: $aptlog)"
}

apt-get "${APT_O[@]}" update >"$aptlog" 2>&1 || fail "apt-get update failed"
grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$aptlog" &&
    fail "deb.debian.org unreachable (no $suite index)"
pkg=$(apt-cache "${APT_O[@]}" search --names-only '^xen-hypervisor-[0-9.]*-amd64$' \
        2>>"$aptlog" | awk '{print $1}' | sort -V | tail -n1) || true
[ -n "$pkg" ] || fail "no xen-hypervisor-*-amd64 package in $suite"
ver=$(apt-cache "${APT_O[@]}" show "$pkg:amd64" | sed -n 's/^Version: //p' | sort -V | tail -n1)

tmp=$(mktemp -d "$root/kernels/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading $pkg $ver"
( cd "$tmp" && apt-get "${APT_O[@]}" download "$pkg:amd64" ) >>"$aptlog" 2>&1 ||
    fail "apt-get download $pkg failed"
dpkg-deb -x "$tmp"/*.deb "$tmp/x" || fail "cannot extract $pkg"
gz=$(ls "$tmp"/x/boot/xen-*.gz 2>/dev/null | head -n1)
[ -n "$gz" ] || fail "no boot/xen-*.gz in $pkg"
mkdir -p "$tmp/new"
gunzip -c "$gz" >"$tmp/new/xen.elf" || fail "cannot gunzip $gz"
echo "${pkg#xen-hypervisor-} $ver" >"$tmp/new/version"
echo "$pkg:amd64 $ver suite=$suite fetched=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp/new/source"
rm -rf "$out"
mv "$tmp/new" "$out"
log "cached xen $(cat "$out/version") in $out"
echo "$out"
