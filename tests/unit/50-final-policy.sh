#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Final-action policy table (final_policy(): config + kcap.panic + result ->
# reboot/halt/poweroff/shell and delay). Builds 50-final-policy.c with gcc
# against collector/final.c, early.c, conf.c, conf_host.c and log.c.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "SKIP: $cc not found"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-final.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

if ! "$cc" -std=gnu11 -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror \
	-I"$top/collector" -o "$work/policy" "$here/50-final-policy.c" \
	"$top/collector/final.c" "$top/collector/early.c" \
	"$top/collector/conf.c" "$top/collector/conf_host.c" "$top/collector/log.c" 2>"$work/cc.log"; then
	echo "FAIL: building the policy test:"
	cat "$work/cc.log"
	exit 1
fi
"$work/policy"
