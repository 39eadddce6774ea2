#!/bin/bash
# The packaging of the one static binary, as a distro QA run and an SRE
# would use it:
#  - the Debian packages (make deb, amd64 and the arm64 cross build):
#    their fields, their files, lintian clean;
#  - the amd64 package installed by apt into a fresh Debian root
#    (mmdebstrap), run from the installed files, then purged;
#  - the OCI image (make image): what its config and layers hold, its
#    entrypoint run as the config says from the unpacked layers, and the
#    image run by podman: plainly, and with the DaemonSet's own container
#    spec (capabilities, read-only root, mounts, args) serving /metrics.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/harness.sh
VER=$(scripts/version.sh)
IMG=build/image/lazytrace-oci.tar
OCI="python3 tests/package/oci.py"
DS=deploy/kubernetes/daemonset.yaml
T=$(mktemp -d)
P=(podman --root "$T/storage" --runroot "$T/run")
cleanup() {
	"${P[@]}" rm -f -t 0 lt-pkg-ds >/dev/null 2>&1
	"${P[@]}" rmi -a -f >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || { echo "package tests need root"; exit 1; }
KREL=$(uname -r)

# ---- the packages ----
for a in amd64 arm64; do
	deb=build/deb/lazytrace_${VER}_$a.deb
	check "$a: $deb built" [ -f "$deb" ]
	[ -f "$deb" ] || continue
	check "$a: Version is debian/changelog's $VER" \
		[ "$(dpkg-deb -f "$deb" Version)" = "$VER" ]
	check "$a: Architecture $a" [ "$(dpkg-deb -f "$deb" Architecture)" = "$a" ]
	bu=$(dpkg-deb -f "$deb" Built-Using)
	check "$a: Built-Using names libmicrohttpd and libbpf" \
		grep -q "libmicrohttpd (= .*libbpf (= \|libbpf (= .*libmicrohttpd (= " <<<"$bu"
	dpkg-deb -c "$deb" | awk '{print $6}' >"$T/files.$a"
	for f in ./usr/sbin/lazytrace ./usr/share/man/man8/lazytrace.8.gz \
		 ./usr/share/bash-completion/completions/lazytrace \
		 ./lib/systemd/system/lazytrace.service \
		 ./usr/share/doc/lazytrace/examples/lazytrace-alerts.yml \
		 ./usr/share/doc/lazytrace/examples/daemonset.yaml \
		 ./usr/share/doc/lazytrace/copyright; do
		check "$a: ships $f" grep -qx -- "$f" "$T/files.$a"
	done
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/sbin/lazytrace >"$T/bin.$a"
	want=$([ $a = arm64 ] && echo aarch64 || echo x86-64)
	check "$a: the binary is static $want" \
		grep -q "$want.*statically linked" <(file "$T/bin.$a")
	lintian --pedantic -I --fail-on error,warning,info,pedantic "$deb" \
		>"$T/lintian.$a" 2>&1
	rc=$?
	grep -v "^N:\|running with root privileges" "$T/lintian.$a"
	check "$a: lintian clean (overrides say why: debian/*.lintian-overrides)" \
		[ $rc -eq 0 ]
done

# ---- installed by apt into a fresh root, run from there, purged ----
deb=build/deb/lazytrace_${VER}_amd64.deb
R=$T/root
# The hooks run on this machine with the root as $1; they leave their
# results in $T for the checks below.
mmdebstrap --quiet --variant=apt \
	--customize-hook="copy-in $deb /tmp" \
	--customize-hook="chroot \"\$1\" apt-get install -y -q /tmp/$(basename "$deb") \
		>$T/apt.out 2>&1; echo \$? >$T/apt.rc" \
	--customize-hook="chroot \"\$1\" lazytrace --version >$T/ver.out 2>&1" \
	--customize-hook="chroot \"\$1\" lazytrace --list-probes >$T/plan.out 2>&1; \
		echo \$? >$T/plan.rc" \
	--customize-hook="ls \"\$1\"/etc/systemd/system/*.wants/ >$T/wants.out 2>&1 || true" \
	--customize-hook="chroot \"\$1\" dpkg -L lazytrace >$T/dpkg-L.out" \
	--customize-hook="chroot \"\$1\" apt-get purge -y -q lazytrace >$T/purge.out 2>&1; \
		echo \$? >$T/purge.rc; test -e \"\$1\"/usr/sbin/lazytrace; echo \$? >$T/gone.rc" \
	bookworm "$R" >"$T/mmdebstrap.out" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -5 "$T/mmdebstrap.out"
check "fresh bookworm root built (mmdebstrap)" [ $rc -eq 0 ]
check "apt-get install ./lazytrace_${VER}_amd64.deb: exit 0" \
	[ "$(cat "$T/apt.rc" 2>/dev/null)" = 0 ]
check "installed lazytrace --version: lazytrace $VER" \
	[ "$(cat "$T/ver.out" 2>/dev/null)" = "lazytrace $VER" ]
check "installed lazytrace --list-probes: exit 0" \
	[ "$(cat "$T/plan.rc" 2>/dev/null)" = 0 ]
check "installed lazytrace --list-probes: the plan for $KREL" \
	grep -q "^lazytrace plan for $KREL " "$T/plan.out"
check "the systemd unit is installed" \
	grep -qx /lib/systemd/system/lazytrace.service "$T/dpkg-L.out"
check "the systemd unit is not enabled" \
	bash -c "! grep -q lazytrace '$T/wants.out'"
check "apt-get purge lazytrace: exit 0, binary gone" \
	[ "$(cat "$T/purge.rc" 2>/dev/null)" = 0 -a "$(cat "$T/gone.rc" 2>/dev/null)" = 1 ]
rm -rf "$R"

# ---- the image: what it holds ----
check "image built: $IMG" [ -f "$IMG" ]
NAME=$($OCI "$IMG" name)
check "image named localhost/lazytrace:$VER" [ "$NAME" = "localhost/lazytrace:$VER" ]
check "the DaemonSet names that image" \
	grep -qx "localhost/lazytrace:$VER" <($OCI "$DS" podman)
check "image holds the binary and nothing else" \
	[ "$($OCI "$IMG" files)" = "usr/sbin/lazytrace" ]
mapfile -t EP < <($OCI "$IMG" entrypoint)
mapfile -t CMD < <($OCI "$IMG" cmd)
check "entrypoint is /usr/sbin/lazytrace" [ "${EP[*]}" = /usr/sbin/lazytrace ]

# ---- the entrypoint as the config says, from the unpacked layers ----
U=$T/unpacked
mkdir -p "$U"
$OCI "$IMG" unpack "$U"
mkdir -p "$U/proc" "$U/sys"
unshare -m bash -c 'mount --rbind /proc "$1/proc" && mount --rbind /sys "$1/sys" &&
	exec chroot "$@"' _ "$U" "${EP[@]}" "${CMD[@]}" >"$T/ep.out" 2>&1
rc=$?
check "unpacked image: entrypoint + default cmd (${CMD[*]}) exit 0" [ $rc -eq 0 ]
check "unpacked image: the plan for $KREL" grep -q "^lazytrace plan for $KREL " "$T/ep.out"

# ---- podman runs the image ----
# runc, not crun: crun refuses this machine's hybrid cgroup v1/v2 mounts.
# Explicit limits: podman's defaults (containers.conf: nofile 1048576,
# nproc the host's) are more than runc may set for a container here; it
# refused nproc 65536 and took 32768 (measured).
RUN=("${P[@]}" --runtime runc run --ulimit "nofile=$(ulimit -Sn):$(ulimit -Hn)"
     --ulimit nproc=4096:4096)
"${P[@]}" load -q -i "$IMG" >"$T/load.out" 2>&1
check "podman load: the image is $NAME" grep -q "$NAME" "$T/load.out"
"${RUN[@]}" --rm --privileged --pid=host --network=none "$NAME" \
	>"$T/pod.out" 2>&1
rc=$?
if [ $rc -eq 125 ] || [ $rc -eq 126 ]; then
	# podman's own failures: the runtime could not start a container
	cat "$T/pod.out"
	skip "podman run: this machine's container runtime fails (rc $rc)"
else
	check "podman run --privileged --pid=host $NAME: exit 0" [ $rc -eq 0 ]
	check "podman run: the default cmd prints the plan for $KREL" \
		grep -q "^lazytrace plan for $KREL " "$T/pod.out"
	# The DaemonSet's container, as its YAML says; host network, so
	# that its 0.0.0.0 port is reachable here.
	mapfile -t DSA < <($OCI "$DS" podman)
	port=$(printf '%s\n' "${DSA[@]}" | sed -n 's/^0\.0\.0\.0:\([0-9]*\)$/\1/p')
	if ss -ltn "sport = :$port" | grep -q LISTEN; then
		not_ok "DaemonSet spec: port $port is busy here; free it and rerun"
	else
		"${RUN[@]}" -d --name lt-pkg-ds --network=host "${DSA[@]}" \
			>"$T/ds.id" 2>"$T/ds.err"
		check "DaemonSet spec under podman: started" [ $? -eq 0 ]
		deadline=$(( $(date +%s) + 30 ))
		until curl -sf "http://127.0.0.1:$port/metrics" >"$T/ds.metrics"; do
			[ "$(date +%s)" -lt "$deadline" ] || break
			sleep 0.2
		done
		check "DaemonSet spec: /metrics answers, version $VER" \
			grep -q "^lazytrace_build_info{version=\"$VER\"" "$T/ds.metrics"
		"${P[@]}" stop -t 10 lt-pkg-ds >/dev/null 2>&1
		check "DaemonSet spec: SIGTERM (podman stop) exits 0" \
			[ "$("${P[@]}" wait lt-pkg-ds 2>/dev/null)" = 0 ]
		"${P[@]}" logs lt-pkg-ds >"$T/ds.log" 2>&1
		check "DaemonSet spec: detached and summarized" \
			grep -q "^Streamed " "$T/ds.log"
	fi
fi
finish
