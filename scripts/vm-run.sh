#!/usr/bin/env bash
# vm-run.sh --suite sid|trixie|bookworm [--arch amd64|arm64] [--xen]
#           [--flavour cloud|rt|16k] --payload DIR
#           --log FILE [--timeout SEC] [--append "KERNEL ARGS"] [--mem MB] [--smp N]
#           [--numa N]
#           [--verbose]
# Boots the cached Debian cloud kernel under QEMU TCG (KVM fails on these hosts) with an
# initramfs holding DIR under /lt/, runs /lt/test.sh, and exits with its status.
# --xen boots Debian's Xen hypervisor with the suite's generic kernel as PV dom0
# (the cloud kernels have XEN_DOM0 off): the one x86 setup where lazy MMU mode
# really batches (docs/VM.md). --flavour picks another of Debian's kernels
# for the suite: rt (PREEMPT_RT, amd64) or 16k (16 KiB pages, arm64).
# Exit codes: test status | 1 setup error | 77 arm64 QEMU not installed (skip)
#             | 124 timeout | 125 no LT-VM-EXIT marker (crash/panic/early exit).
set -euo pipefail

die() { echo "vm-run: $*" >&2; exit 1; }
log() { echo "vm-run: $*" >&2; }
usage() { die "usage: vm-run.sh --suite sid|trixie|bookworm [--arch amd64|arm64] --payload DIR --log FILE [--timeout SEC] [--append ARGS] [--mem MB] [--smp N] [--numa N] [--verbose]"; }

# One vCPU by default: with two, TCG sometimes runs stale code across a
# kernel text patch (int3 oopses in early boot, a call to 0 through a fresh
# fentry trampoline), which is an emulator race, not a result.
suite='' arch=amd64 flavour=cloud payload='' logf='' timeout=600 append='' mem=1024 smp=1 numa=1 verbose=0 xen=0 xdir=''
while [ $# -gt 0 ]; do
    case "$1" in
        --suite) suite=${2:?}; shift 2 ;;
        --arch) arch=${2:?}; shift 2 ;;
        --flavour) flavour=${2:?}; shift 2 ;;
        --payload) payload=${2:?}; shift 2 ;;
        --log) logf=${2:?}; shift 2 ;;
        --timeout) timeout=${2:?}; shift 2 ;;
        --append) append=${2:?}; shift 2 ;;
        --mem) mem=${2:?}; shift 2 ;;
        --smp) smp=${2:?}; shift 2 ;;
        --numa) numa=${2:?}; shift 2 ;;
        --verbose) verbose=1; shift ;;
        --xen) xen=1; shift ;;
        -h|--help) usage ;;
        *) log "unknown argument '$1'"; usage ;;
    esac
done
[ -n "$suite" ] && [ -n "$payload" ] && [ -n "$logf" ] || usage
[ -d "$payload" ] || die "payload dir '$payload' does not exist"
[ -f "$payload/test.sh" ] || die "payload dir '$payload' has no test.sh"
case "$timeout" in ''|*[!0-9]*) die "--timeout wants seconds" ;; esac

here=$(cd "$(dirname "$0")" && pwd)
root=${LT_CACHE:-$HOME/.cache/lazytrace}

case "$arch" in
    amd64) qemu="qemu-system-x86_64"; console=ttyS0; machine=() ;;
    arm64) qemu="qemu-system-aarch64"; console=ttyAMA0; machine=(-M virt) ;;
    *) die "unknown arch '$arch' (amd64|arm64)" ;;
esac
if ! command -v "$qemu" >/dev/null; then
    [ "$arch" = arm64 ] && { log "SKIP: $qemu not installed (apt-get install qemu-system-arm)"; exit 77; }
    die "$qemu not installed"
fi

case "$flavour" in
    cloud) ;;
    rt) [ "$arch" = amd64 ] || die "--flavour rt: Debian builds it for amd64 only" ;;
    16k) [ "$arch" = arm64 ] || die "--flavour 16k: Debian builds it for arm64 only" ;;
    *) die "unknown --flavour '$flavour' (cloud|rt|16k)" ;;
esac
if [ "$xen" = 1 ]; then
    [ "$arch" = amd64 ] || die "--xen: Xen PV dom0 is amd64 only here"
    flavour=generic
    xdir=$("$here/fetch-xen.sh" | tail -n1) || exit 1
fi
kdir=$("$here/fetch-kernel.sh" "$suite" "$arch" "$flavour" | tail -n1) || exit 1
kver=$(cat "$kdir/version")

# Host busybox is amd64; other arches need their own static busybox.
bbenv=()
if [ "$arch" != amd64 ] && [ -z "${BUSYBOX:-}" ]; then
    bb=$root/busybox/$arch/busybox
    if [ ! -s "$bb" ]; then
        # Reuse fetch-kernel's private apt state (lists already fresh): never /etc/apt.
        . "$here/apt-private.sh"
        apt_private "$suite"
        t=$(mktemp -d)
        ( cd "$t" && apt-get "${APT_O[@]}" download "busybox-static:$arch" ) >/dev/null 2>&1 \
            || { rm -rf "$t"; die "cannot download busybox-static:$arch (set BUSYBOX=path)"; }
        dpkg-deb -x "$t"/busybox-static_*.deb "$t/x"
        mkdir -p "$(dirname "$bb")"
        # merged-/usr suites ship usr/bin/busybox, older ones bin/busybox.
        src=$t/x/usr/bin/busybox; [ -f "$src" ] || src=$t/x/bin/busybox
        [ -f "$src" ] || { rm -rf "$t"; die "no busybox in busybox-static:$arch"; }
        cp "$src" "$bb"
        rm -rf "$t"
    fi
    bbenv=(BUSYBOX="$bb")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
env "${bbenv[@]}" "$here/mkinitramfs.sh" "$tmp/initrd.gz" "$payload" >/dev/null

mkdir -p "$(dirname "$logf")"
: > "$logf"
kargs="quiet panic=-1 oops=panic${append:+ $append}"
# LT_VM_ACCEL=tcg,thread=single: several vCPUs taken in turn by one host
# thread. With a thread each (QEMU's default for -smp 2), the benchmark's
# 2-vCPU boot died once calling address 0 from alloc_pages_mpol (the
# emulator race above); one thread does not run stale code.
accel=${LT_VM_ACCEL:-tcg}
if [ "$xen" = 1 ]; then
    # Multiboot: Xen is the kernel; QEMU passes the comma-separated -initrd
    # files as modules, dom0 kernel (with its command line) first, then the
    # initramfs. -cpu max and EPYC crash dom0 in early boot under TCG
    # (#PF in create_bounce_frame); qemu64 boots. Dom0 gets 2 GiB of 3.
    case "$kargs" in *,*) die "--append: no commas in a Xen dom0 command line" ;; esac
    [ "$mem" -ge 2560 ] || mem=3072
    dmem=$((mem - 1024))
    cmd=("$qemu" -accel "$accel" -cpu qemu64 -m "$mem" -smp "$smp" -nographic -no-reboot -nic none
         -kernel "$xdir/xen.elf"
         -append "console=com1 com1=115200 dom0_mem=${dmem}M,max:${dmem}M"
         -initrd "$kdir/vmlinuz console=hvc0 earlyprintk=xen $kargs,$tmp/initrd.gz")
else
    cmd=("$qemu" "${machine[@]}" -accel "$accel" -cpu max -m "$mem" -smp "$smp" -nographic -no-reboot -nic none
         -kernel "$kdir/vmlinuz" -initrd "$tmp/initrd.gz"
         -append "console=$console $kargs")
    # --numa N: the memory split into N nodes, the vCPUs all on node 0, so
    # that NUMA balancing and page migration have somewhere to go (the
    # numa stressors, tests/vm/run.sh stress runs).
    if [ "$numa" -gt 1 ]; then
        for ((n = 0; n < numa; n++)); do
            cmd+=(-object "memory-backend-ram,id=m$n,size=$((mem / numa))M"
                  -numa "node,nodeid=$n,memdev=m$n")
        done
        cmd+=(-numa "cpu,node-id=0,socket-id=0")
    fi
fi
# Extra QEMU options, e.g. "-icount shift=3" (scripts/bench.sh: guest time
# from instruction counts, not from the busy host's clock).
[ -n "${LT_VM_QEMU_ARGS:-}" ] && read -r -a qx <<<"$LT_VM_QEMU_ARGS" && cmd+=("${qx[@]}")
log "booting $suite $arch $flavour kernel $kver${xdir:+ as Xen PV dom0} (TCG, timeout ${timeout}s), log: $logf"
[ "$verbose" = 1 ] && log "${cmd[*]}"

filt='s/\r//g; s/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g'
start=$(date +%s.%N)

boot_once() {
    set +e
    # TERM first (QEMU exits cleanly), KILL 5 s later. sed -u streams the console with \r and
    # the firmware's terminal escapes (ESC c, ESC [..) removed so markers start their lines.
    if [ "$verbose" = 1 ]; then
        timeout -k 5 "$timeout" "${cmd[@]}" </dev/null 2>&1 | sed -u "$filt" | tee "$logf" >&2
    else
        timeout -k 5 "$timeout" "${cmd[@]}" </dev/null 2>&1 | sed -u "$filt" > "$logf"
    fi
    qst=${PIPESTATUS[0]}
    set -e
}

# Under TCG the kernel sometimes dies while patching its own text, before
# /init runs (an "Oops: int3" in early boot). That is no test result: boot
# again, at most twice, and say so. A death after /init started is never
# retried, since the test itself may have caused it.
for attempt in 1 2 3; do
    boot_once
    if grep -q 'LT-VM-START' "$logf" || [ "$qst" = 124 ] || [ "$qst" = 137 ]; then
        break
    fi
    cp "$logf" "$logf.boot-fail$attempt"
    log "kernel died before userspace (TCG boot flake, see $logf.boot-fail$attempt); boot attempt $attempt of 3 failed"
done
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e - s}')

# Guest uptime when /init started: the boot cost without host-side QEMU setup.
up=$(sed -n 's/.*LT-VM-START .*uptime=\([0-9.]*\).*/\1/p' "$logf" | tail -n1)
booted=$(sed -n 's/.*LT-VM-START kernel=\([^ ]*\).*/\1/p' "$logf" | tail -n1)
echo "vm-run: kernel $kver ($suite $arch${xdir:+ xen dom0}) booted=${booted:-never} userspace-at=${up:-?}s wall=${secs}s"

if [ "$qst" = 124 ] || [ "$qst" = 137 ]; then
    log "TIMEOUT: no poweroff within ${timeout}s, QEMU killed (log: $logf)"
    exit 124
fi
st=$(sed -n 's/^LT-VM-EXIT=\([0-9][0-9]*\)$/\1/p' "$logf" | tail -n1)
if [ -z "$st" ]; then
    log "no LT-VM-EXIT marker (QEMU status $qst): kernel panic or init died; see $logf"
    tail -n 20 "$logf" | sed 's/^/vm-run:   | /' >&2
    exit 125
fi
log "test.sh exit status $st"
exit "$st"
