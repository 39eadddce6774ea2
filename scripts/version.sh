#!/bin/sh
# Prints lazytrace's version. It has one home, the package's: the top
# line of debian/changelog ("lazytrace (VERSION) ...").
exec sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$(dirname "$0")/../debian/changelog"
