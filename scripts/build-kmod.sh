#!/usr/bin/env bash
# build-kmod.sh TARGET
#   TARGET: sid-amd64-cloud | sid-arm64-cloud | sid-amd64-generic
#           | sid-amd64-rt | sid-arm64-16k
#           | trixie-amd64-generic | bookworm-amd64-generic
# Builds the violation-injection test module tests/kmod (lt_inject.ko) for the
# newest Debian kernel of that suite/arch/flavour, resolved at run time the
# same way scripts/fetch-kernel.sh picks a kernel.
#
# The build runs in an mmdebstrap build root per suite, cached as a directory:
#   ${LT_CACHE:-$HOME/.cache/lazytrace}/kmod-roots/<suite>/
# holding the kernel's own compiler (sid: gcc-16, trixie: gcc-14, bookworm:
# gcc-12, checked against CONFIG_CC_VERSION_TEXT of the headers) and the
# linux-headers package(s). The root is reused; missing headers (a new kernel
# version, or arm64 headers in the sid root) are added with apt inside it.
# The result goes to ${LT_CACHE}/kmod/<TARGET>/<kernelversion>/lt_inject.ko and
# its path is the last stdout line. Logs: ${LT_CACHE}/kmod/<TARGET>/*.log.
# Needs root (mmdebstrap, chroot, mount). Never modifies /etc/apt of the host;
# installs mmdebstrap on the host with apt-get if it is missing.
# Env: LT_MIRROR (default http://deb.debian.org/debian), LT_KMOD_REBUILD_ROOT=1
# throws the cached root away first.
set -euo pipefail

die() { echo "build-kmod: ERROR: $*" >&2; exit 1; }
log() { echo "build-kmod: $*" >&2; }

usage="usage: build-kmod.sh sid-amd64-cloud|sid-arm64-cloud|sid-amd64-generic|sid-amd64-rt|sid-arm64-16k|trixie-amd64-generic|bookworm-amd64-generic"
[ $# -eq 1 ] || die "$usage"
target=$1
case "$target" in
    sid-amd64-cloud|sid-arm64-cloud|sid-amd64-generic|sid-amd64-rt|sid-arm64-16k|trixie-amd64-generic|bookworm-amd64-generic) ;;
    *) die "unknown target '$target'; $usage" ;;
esac
IFS=- read -r suite arch flavour <<<"$target"
case "$flavour" in
    cloud) pat="-cloud-$arch" ;;
    generic) pat="-$arch" ;;
    rt) pat="-rt-amd64" ;;
    16k) pat="-arm64-16k" ;;
esac
[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, chroot, mount)"

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../tests/kmod" && pwd) || die "no tests/kmod next to scripts/"
[ -f "$src/lt_inject.c" ] || die "$src/lt_inject.c missing"
cache=${LT_CACHE:-$HOME/.cache/lazytrace}
mirror=${LT_MIRROR:-http://deb.debian.org/debian}
roots=$cache/kmod-roots
R=$roots/$suite
outdir=$cache/kmod/$target
mkdir -p "$roots" "$outdir"
logf=$outdir/build.log
aptlog=$outdir/apt.log
: >"$aptlog"

# ---- host tools --------------------------------------------------------------
if ! command -v mmdebstrap >/dev/null; then
    log "installing mmdebstrap on the host"
    # Someone else may be running apt-get right now: wait for the dpkg lock.
    for _ in $(seq 600); do
        fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1 || break
        sleep 1
    done
    DEBIAN_FRONTEND=noninteractive apt-get install -y mmdebstrap >>"$aptlog" 2>&1 \
        || { apt-get update >>"$aptlog" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y mmdebstrap >>"$aptlog" 2>&1; } \
        || die "cannot install mmdebstrap (log: $aptlog)"
fi

# ---- one builder per suite root at a time -----------------------------------
exec 8>"$roots/.$suite.lock"
flock 8

# ---- resolve the newest kernel version (as fetch-kernel.sh does) -------------
. "$here/apt-private.sh"
apt_private "$suite"
O=("${APT_O[@]}")
resolve() {
    apt-cache "${O[@]}" search --names-only "^linux-headers-[0-9].*$pat\$" 2>>"$aptlog" \
        | awk '{print $1}' | sed -n "s/^linux-headers-\(.*$pat\)\$/\1/p" \
        | grep -v -- '-unsigned' \
        | { if [ "$flavour" = generic ]; then grep -vE -- '-(cloud|rt|arm64-16k)-'; else cat; fi; } \
        | sort -V | tail -n1
}
(
    # fetch-kernel.sh shares this apt dir: take its lock while updating.
    mkdir -p "$cache/kernels"
    exec 9>"$cache/kernels/.lock"
    flock 9
    apt-get "${O[@]}" update >>"$aptlog" 2>&1 && ! grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$aptlog"
) || log "WARNING: apt-get update of $suite failed; using the package lists already cached (log: $aptlog)"
ver=$(resolve) || true
[ -n "$ver" ] || die "no linux-headers-*$pat package in $suite (apt log: $aptlog)"
hdr="linux-headers-$ver"
[ "$arch" = amd64 ] || hdr="$hdr:$arch"
log "target $target: kernel $ver"

# Compiler: from the headers package's dependencies (gcc-N, gcc-N-for-host,
# linux-compiler-gcc-N-x86); cross-checked with CONFIG_CC_VERSION_TEXT below.
deps=$(apt-cache "${O[@]}" show "$hdr" 2>>"$aptlog" | sed -n 's/^Depends: //p' | head -n1)
gccv=$(grep -oE '(^|[ ,|])(gcc-[0-9]+|gcc-[0-9]+-for-host|linux-compiler-gcc-[0-9]+-[a-z0-9]+)([ ,|]|$)' <<<"$deps" \
        | grep -oE 'gcc-[0-9]+' | head -n1 | sed 's/gcc-//') || true
[ -n "$gccv" ] || die "cannot tell the compiler of $hdr from its Depends: '$deps'"
log "compiler from $hdr Depends: gcc-$gccv"

# ---- the cached build root ---------------------------------------------------
mnt_done=0
cleanup() {
    if [ "$mnt_done" = 1 ]; then
        umount "$R/proc" 2>/dev/null || umount -l "$R/proc" 2>/dev/null || true
    fi
    [ -n "${tmpR:-}" ] && [ -d "$tmpR" ] && rm -rf "$tmpR"
    return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "${LT_KMOD_REBUILD_ROOT:-0}" = 1 ] && [ -d "$R" ] && { log "removing cached root $R"; rm -rf "$R"; }
# A root left half-made by a killed run has no stamp: rebuild it.
if [ -d "$R" ] && [ ! -e "$R/.lt-root-ok" ]; then
    log "cached root $R is incomplete: rebuilding"
    rm -rf "$R"
fi

if [ ! -d "$R" ]; then
    t0=$(date +%s)
    tmpR="$roots/.$suite.tmp.$$"
    rm -rf "$tmpR"
    inc="gcc-$gccv,make,libc6-dev,kmod,$hdr"
    log "creating build root $R (mmdebstrap $suite: $inc), log: $outdir/mmdebstrap.log"
    mmdebstrap --mode=root --variant=apt \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        --aptopt='APT::Install-Recommends "false"' \
        --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --include="$inc" "$suite" "$tmpR" "deb $mirror $suite main" \
        >"$outdir/mmdebstrap.log" 2>&1 \
        || die "mmdebstrap of the $suite build root failed (log: $outdir/mmdebstrap.log)"
    touch "$tmpR/.lt-root-ok"
    mv "$tmpR" "$R"
    tmpR=
    log "build root ready in $(( $(date +%s) - t0 ))s"
fi

mount -t proc proc "$R/proc"   # objtool and apt read /proc
mnt_done=1

inroot() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

hdir=/usr/src/linux-headers-$ver
need=()
[ -f "$R$hdir/Makefile" ] || need+=("$hdr")
inroot sh -c "command -v gcc-$gccv" >/dev/null 2>&1 || need+=("gcc-$gccv")
if [ "$arch" = arm64 ]; then
    inroot sh -c "command -v aarch64-linux-gnu-gcc-$gccv" >/dev/null 2>&1 || need+=("gcc-$gccv-aarch64-linux-gnu")
fi
if [ ${#need[@]} -gt 0 ]; then
    log "adding to the $suite root: ${need[*]} (log: $outdir/root-apt.log)"
    {
        if [ "$arch" != amd64 ] && ! inroot dpkg --print-foreign-architectures | grep -qx "$arch"; then
            inroot dpkg --add-architecture "$arch"
        fi
        inroot apt-get update &&
        inroot apt-get install -y --no-install-recommends "${need[@]}"
    } >"$outdir/root-apt.log" 2>&1 || die "apt-get install ${need[*]} in $R failed (log: $outdir/root-apt.log)"
fi
[ -f "$R$hdir/Makefile" ] || die "headers $hdir missing in the root after install"

# Verify the compiler against the one that built the kernel.
cctext=''
for f in "$R$hdir/.config" "$R$hdir/include/config/auto.conf"; do
    [ -f "$f" ] && cctext=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$f") && [ -n "$cctext" ] && break
done
log "kernel built by: ${cctext:-unknown}"
kgcc=$(grep -oE 'gcc-[0-9]+' <<<"$cctext" | head -n1 | sed 's/gcc-//' || true)
[ -z "$kgcc" ] && kgcc=$(grep -oE '\) [0-9]+\.' <<<"$cctext" | grep -oE '[0-9]+' | head -n1 || true)
if [ -n "$kgcc" ] && [ "$kgcc" != "$gccv" ]; then
    die "headers say the kernel was built by gcc-$kgcc ($cctext) but the root has gcc-$gccv"
fi

# ---- build -------------------------------------------------------------------
rm -rf "$R/src/lt_inject"
mkdir -p "$R/src/lt_inject"
cp "$src"/lt_inject.c "$src"/Kbuild "$R/src/lt_inject/"
mk=(make -C "$hdir" M=/src/lt_inject)
if [ "$arch" = arm64 ]; then
    mk+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- "CC=aarch64-linux-gnu-gcc-$gccv")
else
    mk+=("CC=x86_64-linux-gnu-gcc-$gccv")
fi
t0=$(date +%s)
log "building: ${mk[*]} modules (log: $logf)"
inroot "${mk[@]}" modules >"$logf" 2>&1 || {
    tail -n 30 "$logf" | sed 's/^/build-kmod:   | /' >&2
    die "module build for $target ($ver) failed (log: $logf)"
}
ko=$R/src/lt_inject/lt_inject.ko
[ -s "$ko" ] || die "no lt_inject.ko after the build (log: $logf)"
vm=$(inroot modinfo -F vermagic /src/lt_inject/lt_inject.ko 2>/dev/null || true)
case "$vm" in "$ver "*) ;; *) die "vermagic '$vm' does not start with $ver (log: $logf)";; esac
dst=$outdir/$ver
mkdir -p "$dst"
cp "$ko" "$dst/lt_inject.ko.tmp"
mv "$dst/lt_inject.ko.tmp" "$dst/lt_inject.ko"
{ echo "target=$target kernel=$ver"; echo "vermagic=$vm"; echo "cc=$cctext"; echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; } >"$dst/info"
log "built in $(( $(date +%s) - t0 ))s: $(stat -c %s "$dst/lt_inject.ko") bytes, vermagic $vm"
echo "$dst/lt_inject.ko"
