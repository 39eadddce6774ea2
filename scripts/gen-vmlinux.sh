#!/usr/bin/env bash
# gen-vmlinux.sh ARCH [SUITE]
#   ARCH: x86 | arm64     SUITE: sid (default) | trixie | bookworm
# Fetches the Debian cloud kernel (scripts/fetch-kernel.sh), pulls the BTF out of its
# vmlinuz and
#   - always stores the raw BTF blob as <kernel cache dir>/btf (for --btf options);
#   - for SUITE=sid only, writes vmlinux/<ARCH>/vmlinux.h and vmlinux/<ARCH>/KERNEL.
# Extraction: use vmlinuz as is when it is already an ELF or arm64 Image, else find a
# gzip/xz/zstd/lz4/bzip2 stream inside the bzImage / Image.gz / EFI zboot and decompress it; an ELF result gives its .BTF section, a raw arm64 Image is searched
# for the BTF header (magic 0xeB9F) and the blob is carved out by the header lengths.
set -euo pipefail

die() { echo "gen-vmlinux: $*" >&2; exit 1; }
log() { echo "gen-vmlinux: $*" >&2; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: gen-vmlinux.sh x86|arm64 [sid|trixie|bookworm]"
arch=$1
suite=${2:-sid}
case "$arch" in x86) debarch=amd64 ;; arm64) debarch=arm64 ;; *) die "unknown arch '$arch' (x86|arm64)";; esac

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
command -v bpftool >/dev/null || die "bpftool not found"

kdir=$("$here/fetch-kernel.sh" "$suite" "$debarch" | tail -n1) || die "kernel fetch failed"
[ -s "$kdir/vmlinuz" ] || die "no vmlinuz in $kdir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

u32le() { od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '; }
# arm64 Image header: "ARM\x64" magic at byte 56.
is_arm64_image() { [ "$(head -c 60 "$1" | tail -c 4 | od -An -tx1 | tr -d ' ')" = 41524d64 ]; }
is_elf() { [ "$(head -c4 "$1" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; }

# Decompress the first stream of a known format that yields an ELF or an arm64 Image.
decompress() {  # $1 vmlinuz  $2 output
    local in=$1 out=$2 name magic cmd off
    # Some vmlinuz files are not compressed at all (Debian 7.x arm64 ships a raw Image).
    if is_elf "$in" || is_arm64_image "$in"; then
        log "vmlinuz is not compressed"; cp "$in" "$out"; return 0
    fi
    # arm64 Debian vmlinuz is a plain gzip file; x86 bzImage embeds the payload.
    for spec in 'gzip|\x1f\x8b\x08|gzip -dc' 'zstd|\x28\xb5\x2f\xfd|zstd -dcq' \
                'xz|\xfd\x37\x7a\x58\x5a\x00|xz -dcq' 'lz4|\x02\x21\x4c\x18|lz4 -dcq' \
                'bzip2|BZh|bzip2 -dcq'; do
        IFS='|' read -r name magic cmd <<<"$spec"
        command -v "${cmd%% *}" >/dev/null || continue
        for off in $(LC_ALL=C grep -obUaP "$magic" "$in" 2>/dev/null | cut -d: -f1 | head -n 20); do
            # Trailing data after the stream makes decompressors exit non-zero: judge the output.
            tail -c +"$((off + 1))" "$in" | $cmd > "$out" 2>/dev/null || true
            [ -s "$out" ] || continue
            if is_elf "$out"; then log "$name stream at $off -> ELF"; return 0; fi
            if is_arm64_image "$out"; then
                log "$name stream at $off -> arm64 Image"; return 0
            fi
        done
    done
    return 1
}

# Raw BTF: header {u16 magic 0xeB9F, u8 version 1, u8 flags, u32 hdr_len 24,
# u32 type_off, type_len, str_off, str_len}; vmlinux BTF has type_off 0, str_off = type_len.
carve_btf() {  # $1 image  $2 output blob; picks the largest consistent candidate
    local img=$1 out=$2 size best=0 bestoff=-1 off hl to tl so sl total
    size=$(stat -c %s "$img")
    for off in $(LC_ALL=C grep -obUaP '\x9f\xeb\x01\x00\x18\x00\x00\x00' "$img" | cut -d: -f1); do
        hl=$(u32le "$img" $((off + 4))); to=$(u32le "$img" $((off + 8)))
        tl=$(u32le "$img" $((off + 12))); so=$(u32le "$img" $((off + 16)))
        sl=$(u32le "$img" $((off + 20)))
        [ "$hl" = 24 ] && [ "$to" = 0 ] && [ "$so" = "$tl" ] && [ "$tl" -gt 0 ] && [ "$sl" -gt 0 ] || continue
        total=$((hl + so + sl))
        [ $((off + total)) -le "$size" ] || continue
        if [ "$total" -gt "$best" ]; then best=$total; bestoff=$off; fi
    done
    [ "$bestoff" -ge 0 ] || return 1
    log "BTF blob at image offset $bestoff, $best bytes"
    dd if="$img" of="$out" bs=1M iflag=skip_bytes,count_bytes skip="$bestoff" count="$best" status=none
}

elf_btf() {  # $1 ELF  $2 output blob: copy the .BTF section
    local line off sz
    line=$(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".BTF" {print $4, $5}')
    [ -n "$line" ] || return 1
    read -r off sz <<<"$line"
    dd if="$1" of="$2" bs=1M iflag=skip_bytes,count_bytes skip=$((16#$off)) count=$((16#$sz)) status=none
}

log "extracting $(cat "$kdir/version")"
decompress "$kdir/vmlinuz" "$tmp/image" || die "no decompressible kernel payload found in $kdir/vmlinuz"
if is_elf "$tmp/image"; then
    if command -v readelf >/dev/null; then
        elf_btf "$tmp/image" "$tmp/btf" || die "ELF vmlinux has no .BTF section"
    else
        carve_btf "$tmp/image" "$tmp/btf" || die "no BTF found in ELF vmlinux"
    fi
else
    carve_btf "$tmp/image" "$tmp/btf" || die "no BTF blob found in the decompressed Image"
fi

# bpftool parses the blob fully: this is the validity check.
bpftool btf dump file "$tmp/btf" format c > "$tmp/vmlinux.h" || die "bpftool rejected the BTF blob"
grep -q '^struct task_struct {' "$tmp/vmlinux.h" || die "BTF lacks struct task_struct"
cp "$tmp/btf" "$kdir/btf.tmp" && mv "$kdir/btf.tmp" "$kdir/btf"
log "BTF saved as $kdir/btf"

if [ "$suite" = sid ]; then
    dst=$repo/vmlinux/$arch
    mkdir -p "$dst"
    mv "$tmp/vmlinux.h" "$dst/vmlinux.h"
    {
        echo "# BTF source of vmlinux.h (generated by scripts/gen-vmlinux.sh $arch)"
        echo "suite: $suite"
        echo "uname-r: $(cat "$kdir/version")"
        sed -n 's/^\(linux-[^ ]*\) \(.*\)$/package: \1 \2/p' "$kdir/source"
        echo "generated: $(date -u +%Y-%m-%d)"
        echo "btf-sha256: $(sha256sum < "$kdir/btf" | cut -d' ' -f1)"
    } > "$dst/KERNEL"
    log "wrote $dst/vmlinux.h ($(wc -l < "$dst/vmlinux.h") lines) and $dst/KERNEL"
fi
echo "$kdir/btf"
