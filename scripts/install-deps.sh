#!/bin/bash
# Installs the Debian packages lazytrace needs to build and test.
# Idempotent: a machine that has them all is left alone (no apt update).
set -euo pipefail

PKGS=(clang-19 bpftool libbpf-dev libelf-dev zlib1g-dev libzstd-dev
      libjson-c-dev libcmocka-dev qemu-system-x86 busybox-static cpio
      gzip xz-utils zstd binutils)

missing=()
for p in "${PKGS[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#PKGS[@]} packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
