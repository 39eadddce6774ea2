#!/bin/bash
# Installs the Debian packages lazytrace needs to build and test.
# Idempotent: a machine that has them all is left alone (no apt update).
set -euo pipefail

PKGS=(clang-19 bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev
      libjson-c-dev libcmocka-dev qemu-system-x86 busybox-static cpio
      gzip xz-utils zstd binutils file)
# The tests: JSON queries (tests/lib/jsonl.py) and the VM log splitter.
PKGS+=(python3)
# The report test renders HTML in headless Chromium (tests/report/run.sh).
PKGS+=(chromium)
# --metrics, the privilege drop, and their tests: a real Prometheus
# scrapes lazytrace (tests/metrics), promtool checks the alert rules, man
# renders the installed page, YAML checks deploy/. libmicrohttpd itself
# is built from Debian's source package (scripts/build-mhd.sh: dpkg-dev).
PKGS+=(dpkg-dev libcap-dev prometheus curl man-db python3-yaml)
# make deb, make image and their test (tests/package): debhelper builds
# the package, lintian checks it, mmdebstrap (below) installs it into a
# fresh root; buildah builds the image, podman with runc runs it.
PKGS+=(debhelper lintian buildah podman runc)
# the systemd unit, checked without systemd as PID 1: systemd-analyze
# expands its filter sets, strace lists the daemon's system calls.
PKGS+=(systemd strace)
# The protobuf exposition with native histograms:
# protoc-c generates the io.prometheus.client messages, libprotobuf-c
# packs them (user/metrics/prom_metrics.proto, user/metrics/metrics_pb.c).
PKGS+=(libprotobuf-c-dev protobuf-c-compiler)
# make bench / bench-smoke: Debian's bpftrace runs in the VM beside
# lazytrace (docs/PERFORMANCE.md).
PKGS+=(bpftrace)
# make fuzz and make asan: clang-19's libFuzzer, ASan and UBSan runtimes.
PKGS+=(libclang-rt-19-dev)
# Reliability tests: setpriv (not root), unshare (no tracefs).
PKGS+=(util-linux)
# The injection module (tests/kmod) is built for each VM kernel in an
# mmdebstrap root with that kernel's compiler (scripts/build-kmod.sh;
# fuser waits for a dpkg lock there).
PKGS+=(mmdebstrap psmisc)
# make ARCH=arm64 (static cross build) and the arm64 VM test. The :arm64
# -dev packages are Multi-Arch: same, so they co-install with the amd64
# ones at the same version.
PKGS+=(gcc-aarch64-linux-gnu libbpf-dev:arm64 libelf-dev:arm64
       zlib1g-dev:arm64 libzstd-dev:arm64 libjson-c-dev:arm64 libcap-dev:arm64
       libprotobuf-c-dev:arm64
       qemu-system-arm)

# Once arm64 is a dpkg architecture, "libbpf-dev" alone is ambiguous for
# dpkg -s (two instances): ask for the native one by name then.
native=$(dpkg --print-architecture)
missing=()
for p in "${PKGS[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || dpkg -s "$p:$native" >/dev/null 2>&1 ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if ! { dpkg --print-architecture; dpkg --print-foreign-architectures; } | grep -qx arm64; then
	echo "install-deps: adding dpkg architecture arm64"
	$SUDO dpkg --add-architecture arm64
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
