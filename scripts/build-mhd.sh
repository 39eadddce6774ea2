#!/usr/bin/env bash
# build-mhd.sh PREFIX [HOST]: builds libmicrohttpd as a static library
# without HTTPS from Debian's own source package (bookworm, with Debian's
# patches applied by dpkg-source) and installs lib/libmicrohttpd.a and
# include/microhttpd.h under PREFIX. HOST is a configure --host triplet
# for a cross build (aarch64-linux-gnu).
#
# Why: Debian's libmicrohttpd.a is built with HTTPS, so a static link
# needs gnutls, and gnutls needs p11-kit and libunistring, which Debian
# ships without static archives. The metrics server speaks plain HTTP
# (TLS belongs to the scraper's side: a sidecar or the cluster's mesh),
# so the library without HTTPS is all the static binary needs.
# The source is fetched once (LT_CACHE, ~/.cache/lazytrace/src) through
# a private apt configuration (scripts/apt-private.sh).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: build-mhd.sh PREFIX [HOST]" >&2; exit 2; }
prefix=$(realpath -m "$1") host=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
cache=${LT_CACHE:-$HOME/.cache/lazytrace}/src/libmicrohttpd
SUITE=bookworm

if ! ls "$cache"/libmicrohttpd_*.dsc >/dev/null 2>&1; then
	. "$here/apt-private.sh"
	apt_private "$SUITE" src
	echo "build-mhd: fetching Debian's libmicrohttpd source ($SUITE)"
	apt-get "${APT_O[@]}" update -qq
	mkdir -p "$cache"
	(cd "$cache" && apt-get "${APT_O[@]}" source --download-only -qq \
		libmicrohttpd >/dev/null) || {
		echo "build-mhd: cannot fetch the libmicrohttpd source;" \
		     "check the network to deb.debian.org" >&2; exit 2; }
fi
dsc=$(ls "$cache"/libmicrohttpd_*.dsc | tail -1)
work=$prefix.build
rm -rf "$work" && mkdir -p "$work"
dpkg-source --no-check -x "$dsc" "$work/src" >/dev/null
mkdir -p "$work/obj"
cd "$work/obj"
# Only what http_server.c uses: no HTTPS, no auth, no post processor,
# no upgrade. PIC so that the sanitizer build can link it into a PIE.
"$work/src/configure" -q ${host:+--host=$host} --prefix="$prefix" \
	--enable-static --disable-shared --with-pic --disable-https \
	--without-gnutls --disable-doc --disable-examples --disable-curl \
	--disable-nls --disable-dauth --disable-bauth --disable-postprocessor \
	--disable-httpupgrade >configure.log 2>&1 || {
	echo "build-mhd: configure failed; see $work/obj/configure.log" >&2
	exit 1; }
grep -q '^#define EPOLL_SUPPORT 1' MHD_config.h || {
	echo "build-mhd: no epoll support configured" >&2; exit 1; }
make -s -j"$(nproc)" -C src/microhttpd >build.log 2>&1 || {
	echo "build-mhd: build failed; see $work/obj/build.log" >&2; exit 1; }
make -s -C src/microhttpd install >>build.log 2>&1
make -s -C src/include install >>build.log 2>&1
rm -rf "$work"
echo "build-mhd: $prefix/lib/libmicrohttpd.a ($(basename "$dsc" .dsc)," \
	"${host:-native}, no HTTPS)"
