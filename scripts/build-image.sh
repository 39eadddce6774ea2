#!/usr/bin/env bash
# build-image.sh [BINARY]: an OCI image built from scratch that holds the
# one static binary (stripped) and nothing else, written as an OCI
# archive, build/image/lazytrace-oci.tar, named localhost/lazytrace:VERSION
# (what `podman load` or `ctr images import` then calls it; the DaemonSet
# in deploy/kubernetes names it so). Built with Debian's buildah in a
# private storage root: no registry, no daemon, nothing left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/lazytrace}
[ -x "$bin" ] || { echo "build-image: no $bin; run make first" >&2; exit 2; }
ver=$(scripts/version.sh)
name=localhost/lazytrace:$ver
out=build/image
arch=$(file -L "$bin" | grep -q aarch64 && echo arm64 || echo amd64)
# The image's dates are the version's: a rebuild of the same tree gives
# the same image digest.
epoch=$(date -d "$(sed -n 's/^ -- .*>  //p' debian/changelog | head -1)" +%s)
mkdir -p "$out"
T=$(mktemp -d)
B=(buildah --root "$T/storage" --runroot "$T/run" --storage-driver vfs)
ctr=
cleanup() {
	[ -z "$ctr" ] || "${B[@]}" rm "$ctr" >/dev/null 2>&1 || true
	"${B[@]}" rmi -a -f >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT
strip -o "$T/lazytrace" "$bin" 2>/dev/null ||
	aarch64-linux-gnu-strip -o "$T/lazytrace" "$bin"
touch -d "@$epoch" "$T/lazytrace"
ctr=$("${B[@]}" from --arch "$arch" scratch)
"${B[@]}" copy --quiet "$ctr" "$T/lazytrace" /usr/sbin/lazytrace
# ENTRYPOINT is the tool, CMD its default: the plan. The DaemonSet and
# `podman run IMAGE ARGS` replace CMD with the real arguments.
"${B[@]}" config --arch "$arch" --os linux \
	--entrypoint '["/usr/sbin/lazytrace"]' --cmd '["--list-probes"]' \
	--port 9464/tcp --stop-signal SIGTERM \
	--label org.opencontainers.image.title=lazytrace \
	--label org.opencontainers.image.version="$ver" \
	--label org.opencontainers.image.licenses=GPL-2.0-only \
	--label org.opencontainers.image.description="eBPF tracer for Linux lazy MMU sections" \
	"$ctr"
rm -f "$out/lazytrace-oci.tar"
"${B[@]}" commit --quiet --format oci --timestamp "$epoch" --disable-compression=false \
	"$ctr" "oci-archive:$out/lazytrace-oci.tar:$name" >/dev/null
echo "build-image: $out/lazytrace-oci.tar ($name, $arch," \
	"$(du -k "$out/lazytrace-oci.tar" | cut -f1) KiB)"
