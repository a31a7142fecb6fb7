#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The capture worker's supervision (worker.c): exit status passed through,
# death by a signal and a missed deadline reported as failures with their
# numbers, the worker's process group killed at the deadline (the test is a
# child subreaper, like PID 1: nothing may be left alive afterwards). Builds
# 50-worker.c with gcc against make hostlib's build of the collector.
set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
scratch worker
host_prog "$work/worker" "$here/50-worker.c"
# The worker crashes on purpose: its SIGSEGV must reach the supervisor, not
# AddressSanitizer's handler; the killed children leave their memory behind.
export ASAN_OPTIONS=handle_segv=0:detect_leaks=0
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
