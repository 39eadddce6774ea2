#!/usr/bin/env bash
# build-deb.sh [ARCH...]: builds the Debian package (debian/) with
# dpkg-buildpackage -b from a copy of the tree's sources, for each ARCH
# (default: the machine's, then arm64 cross-built on amd64). The .debs
# land in build/deb/. The copy keeps the package build from the tree's
# build/ (dh_auto_clean would remove it) and proves the package builds
# from the sources alone, except libmicrohttpd's, which come from the
# cache scripts/build-mhd.sh fills.
set -euo pipefail
cd "$(dirname "$0")/.."
export LT_CACHE=${LT_CACHE:-$HOME/.cache/lazytrace}
native=$(dpkg --print-architecture)
archs=("$@")
[ ${#archs[@]} -gt 0 ] || archs=("$native" $([ "$native" = amd64 ] && echo arm64))
ver=$(scripts/version.sh)
out=build/deb
mkdir -p "$out"
for a in "${archs[@]}"; do
	src=$out/$a/lazytrace-$ver
	rm -rf "$out/$a" && mkdir -p "$src"
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src"
	cross=() ; [ "$a" = "$native" ] || cross=(-a "$a")
	echo "build-deb: lazytrace $ver $a (log: $out/$a/build.log)"
	# dpkg-checkbuilddeps cannot see that the cross build runs clang,
	# bpftool and protoc-c from the build machine (none is Multi-Arch:
	# foreign): -d for the cross build; install-deps.sh has them all.
	(cd "$src" && dpkg-buildpackage -b -us -uc "${cross[@]}" \
		$([ ${#cross[@]} -eq 0 ] || echo -d)) >"$out/$a/build.log" 2>&1 || {
		tail -20 "$out/$a/build.log" >&2
		echo "build-deb: $a failed; see $out/$a/build.log" >&2; exit 1; }
	mv "$out/$a"/lazytrace_"${ver}"_"$a".deb "$out"/
	echo "build-deb: $out/lazytrace_${ver}_$a.deb"
done
