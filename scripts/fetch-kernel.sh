#!/usr/bin/env bash
# fetch-kernel.sh SUITE [ARCH [FLAVOUR]]
#   SUITE: sid | trixie | bookworm     ARCH: amd64 (default) | arm64
#   FLAVOUR: cloud (default) | generic (Debian's plain -<arch> kernel: the
#            cloud one has XEN_DOM0 off, so Xen PV dom0 boots this one)
#            | rt (amd64: -rt-amd64, PREEMPT_RT) | 16k (arm64: -arm64-16k,
#            16 KiB pages)
# Resolves the newest Debian kernel of that flavour in SUITE, caches vmlinuz,
# config, version (uname -r) and source (package names + versions) in
#   ${LT_CACHE:-$HOME/.cache/lazytrace}/kernels/<suite>-<arch>[-<flavour>]/
# and prints that directory as the last stdout line.
# A populated cache is used without touching the network; LT_KERNEL_REFRESH=1 re-resolves.
# Uses a private apt configuration: /etc/apt and /var/lib/apt are never modified.
set -euo pipefail

die() { echo "fetch-kernel: ERROR: $*" >&2; exit 1; }
log() { echo "fetch-kernel: $*" >&2; }

[ $# -ge 1 ] && [ $# -le 3 ] || die "usage: fetch-kernel.sh sid|trixie|bookworm [amd64|arm64 [cloud|generic|rt|16k]]"
suite=$1
arch=${2:-amd64}
flavour=${3:-cloud}
case "$suite" in sid|trixie|bookworm) ;; *) die "unknown suite '$suite' (sid|trixie|bookworm)";; esac
case "$arch" in amd64|arm64) ;; *) die "unknown arch '$arch' (amd64|arm64)";; esac
case "$flavour" in
    cloud) pat="-cloud-$arch" ;;
    generic) pat="-$arch" ;;
    rt) [ "$arch" = amd64 ] || die "flavour rt is amd64 only"; pat="-rt-amd64" ;;
    16k) [ "$arch" = arm64 ] || die "flavour 16k is arm64 only"; pat="-arm64-16k" ;;
    *) die "unknown flavour '$flavour' (cloud|generic|rt|16k)" ;;
esac

root=${LT_CACHE:-$HOME/.cache/lazytrace}
out=$root/kernels/$suite-$arch
[ "$flavour" = cloud ] || out=$out-$flavour
mkdir -p "$root/kernels"

# Serialize: gen-vmlinux and vm-run may call us concurrently and share the apt dir.
exec 9>"$root/kernels/.lock"
flock 9

have_cache() { [ -s "$out/vmlinuz" ] && [ -s "$out/config" ] && [ -s "$out/version" ] && [ -s "$out/source" ]; }

if have_cache && [ "${LT_KERNEL_REFRESH:-0}" != 1 ]; then
    log "cache hit: $suite $arch $flavour $(cat "$out/version")"
    echo "$out"
    exit 0
fi

# Private apt state, one per suite so suites never mix package lists.
. "$(dirname "$0")/apt-private.sh"
apt_private "$suite"
O=("${APT_O[@]}")
aptlog=$root/apt/$suite.log

# Network failure with a usable (older) cache is not fatal: keep testing offline.
fail() {
    if have_cache; then
        log "WARNING: $1; using cached $(cat "$out/version")"
        echo "$out"; exit 0
    fi
    die "cannot fetch $suite $arch kernel: $1 (apt log: $aptlog)"
}

log "resolving newest $suite $flavour $arch kernel"
apt-get "${O[@]}" update >"$aptlog" 2>&1 || fail "apt-get update failed"
# apt-get update exits 0 when an index cannot be fetched: stale lists must not pass.
if grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$aptlog"; then
    fail "deb.debian.org unreachable (apt-get update could not fetch the $suite index)"
fi
# Packages not installable on this host (arm64) are still listed with APT::Architectures.
# Exclude -dbg and -unsigned; sort -V picks the newest ABI/version string.
# The generic flavour is the one whose name has no other flavour in it.
ver=$(apt-cache "${O[@]}" search --names-only "^linux-image-[0-9].*$pat\$" 2>>"$aptlog" \
        | awk '{print $1}' | sed -n "s/^linux-image-\(.*$pat\)\$/\1/p" \
        | grep -v -- '-unsigned' \
        | { if [ "$flavour" = generic ]; then grep -vE -- '-(cloud|rt|arm64-16k)-'; else cat; fi; } \
        | sort -V | tail -n1) || true
[ -n "$ver" ] || fail "no linux-image-*$pat package in $suite"

pkgver() { apt-cache "${O[@]}" show "$1:$arch" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1; }

# 7.x splits the image: linux-binary-<ver> has vmlinuz, linux-base-<ver> has config.
if [ -n "$(pkgver "linux-binary-$ver")" ]; then
    layout="split"
    pkgs=("linux-binary-$ver" "linux-base-$ver")
else
    layout="classic"
    pkgs=("linux-image-$ver")
fi

if have_cache && [ "$(cat "$out/version")" = "$ver" ] && [ "${LT_KERNEL_REFRESH:-0}" = 1 ]; then
    log "cache already holds newest $ver"
    echo "$out"; exit 0
fi

tmp=$(mktemp -d "$root/kernels/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading ${pkgs[*]} ($arch)"
( cd "$tmp" && apt-get "${O[@]}" download "${pkgs[@]/%/:$arch}" ) >>"$aptlog" 2>&1 \
    || fail "apt-get download ${pkgs[*]} failed"

mkdir -p "$tmp/x" "$tmp/new"
for deb in "$tmp"/*.deb; do
    dpkg-deb -x "$deb" "$tmp/x" || fail "cannot extract $(basename "$deb")"
done

pick() {  # first existing path among the arguments
    local p; for p in "$@"; do [ -s "$p" ] && { echo "$p"; return 0; }; done; return 1
}
x=$tmp/x
vmlinuz=$(pick "$x/usr/lib/modules/$ver/vmlinuz" "$x/lib/modules/$ver/vmlinuz" "$x/boot/vmlinuz-$ver") \
    || fail "no vmlinuz for $ver in ${pkgs[*]}"
config=$(pick "$x/usr/lib/modules/$ver/config" "$x/lib/modules/$ver/config" "$x/boot/config-$ver") \
    || fail "no config for $ver in ${pkgs[*]}"

cp "$vmlinuz" "$tmp/new/vmlinuz"
cp "$config" "$tmp/new/config"
echo "$ver" > "$tmp/new/version"
{
    for p in "${pkgs[@]}"; do echo "$p:$arch $(pkgver "$p")"; done
    echo "suite=$suite arch=$arch flavour=$flavour layout=$layout fetched=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$tmp/new/source"

# Replace the cache entry whole so readers never see a half-written kernel.
rm -rf "$out.old"
[ -e "$out" ] && mv "$out" "$out.old"
mv "$tmp/new" "$out"
rm -rf "$out.old"
log "cached $ver in $out"
echo "$out"
