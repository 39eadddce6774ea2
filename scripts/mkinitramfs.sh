#!/usr/bin/env bash
# mkinitramfs.sh OUT.cpio.gz DIR...
# Builds a gzip'd newc initramfs: static busybox (BUSYBOX=path overrides /bin/busybox,
# e.g. an arm64 busybox-static), an /init that mounts the kernel filesystems, raises
# RLIMIT_MEMLOCK, runs /lt/test.sh on the console, prints "LT-VM-EXIT=<status>" and
# powers off. Every file of every DIR is copied under /lt/ (later DIRs win).
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: mkinitramfs.sh OUT.cpio.gz DIR..."
out=$1; shift
busybox=${BUSYBOX:-/bin/busybox}
[ -f "$busybox" ] || die "busybox not found at $busybox (install busybox-static or set BUSYBOX)"
# A dynamic busybox would fail in the VM with a confusing "not found".
if command -v file >/dev/null && file -L "$busybox" | grep -q 'dynamically linked'; then
    die "$busybox is dynamically linked; use busybox-static"
fi
for d in "$@"; do [ -d "$d" ] || die "payload dir $d does not exist"; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
r=$tmp/root
mkdir -p "$r"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,lt,usr/bin,usr/sbin}
chmod 1777 "$r/tmp"
cp "$busybox" "$r/bin/busybox"
chmod 755 "$r/bin/busybox"
# Applet links are created at boot (busybox --install) so a foreign-arch busybox works;
# only the shell link is needed before that.
ln -s busybox "$r/bin/sh"
# Without /dev/console in the image the kernel starts init with no stdio.
if [ "$(id -u)" = 0 ]; then mknod -m 600 "$r/dev/console" c 5 1; fi

for d in "$@"; do cp -a "$d/." "$r/lt/"; done
[ -f "$r/lt/test.sh" ] || echo "mkinitramfs: warning: no test.sh in payload" >&2

cat > "$r/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/lt:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The console may have been missing when the kernel started us.
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /sys/fs/bpf /sys/fs/cgroup
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /tmp
ulimit -l unlimited
hostname lt-vm
printf '\nLT-VM-START kernel=%s arch=%s uptime=%s\n' "$(uname -r)" "$(uname -m)" "$(cut -d' ' -f1 /proc/uptime)"
cd /lt
if [ -f /lt/test.sh ]; then
    sh /lt/test.sh
    st=$?
else
    echo "LT-VM: /lt/test.sh missing"
    st=127
fi
# Leading newline: the test's last line may lack one; the marker must start a line.
printf '\nLT-VM-END uptime=%s\nLT-VM-EXIT=%d\n' "$(cut -d' ' -f1 /proc/uptime)" "$st"
sync
poweroff -f
EOF
chmod 755 "$r/init"

mkdir -p "$(dirname "$out")"
( cd "$r" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet ) \
    | gzip -6 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
