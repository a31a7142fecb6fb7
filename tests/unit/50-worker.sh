#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The capture worker's supervision (worker.c): exit status passed through,
# death by a signal and a missed deadline reported as failures with their
# numbers, the worker's process group killed at the deadline (the test is a
# child subreaper, like PID 1: nothing may be left alive afterwards). Builds
# 50-worker.c with gcc against collector/worker.c, early.c and log.c.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cc=${CC:-gcc}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "SKIP: $cc not found"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-worker.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

if ! "$cc" -std=gnu11 -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror \
	-I"$top/collector" -o "$work/worker" "$here/50-worker.c" \
	"$top/collector/worker.c" "$top/collector/early.c" \
	"$top/collector/log.c" 2>"$work/cc.log"; then
	echo "FAIL: building the worker test:"
	cat "$work/cc.log"
	exit 1
fi
"$work/worker" 2>"$work/log"
rc=$?
failed=0
for re in \
	'capture worker [0-9]+ exited with status 0 after [0-9]+ s' \
	'capture worker [0-9]+ exited with status 1 after [0-9]+ s' \
	'capture worker [0-9]+ killed by signal 11 \(.*\) after [0-9]+ s' \
	'capture worker [0-9]+ still running after 1 s \(capture_timeout 1 s\): killing it' \
	'capture worker started: pid [0-9]+, no deadline'; do
	if ! grep -qE "$re" "$work/log"; then
		echo "FAIL: expected a log line matching '$re'; log:"
		sed 's/^/    /' "$work/log"
		failed=1
	fi
done
if [ $rc = 142 ]; then	# 128 + SIGALRM
	echo "FAIL: a child of the worker was still alive 3 s after the tests (process group not killed?)"
fi
[ $rc = 0 ] && [ $failed = 0 ]
