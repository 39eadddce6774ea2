# Sourced: a private apt configuration per Debian suite, so that nothing
# under /etc/apt or /var/lib/apt changes. Defines APT_DIR and the array
# APT_O (options for apt-get and apt-cache) for suite $1. With "src" as
# $2 the configuration lists source packages too (apt-get source); it
# has its own directory, so that binary-only updates stay small.
#   . scripts/apt-private.sh; apt_private SUITE [src]
apt_private() {
	local root=${LT_CACHE:-$HOME/.cache/lazytrace}
	APT_DIR=$root/apt/$1${2:+-$2}
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
	echo "deb http://deb.debian.org/debian $1 main" >"$APT_DIR/sources.list"
	[ "${2:-}" != src ] ||
		echo "deb-src http://deb.debian.org/debian $1 main" >>"$APT_DIR/sources.list"
	[ -e "$APT_DIR/status" ] || : >"$APT_DIR/status"
	APT_O=(-o "Dir::Etc::sourcelist=$APT_DIR/sources.list"
	       -o Dir::Etc::sourceparts=/nonexistent
	       -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache"
	       -o "Dir::State::status=$APT_DIR/status"
	       -o "APT::Architectures=amd64,arm64" -o APT::Sandbox::User=root
	       -o Acquire::Retries=2 -o Debug::NoLocking=1)
}
