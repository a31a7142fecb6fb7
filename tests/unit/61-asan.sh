#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The unit tests that build with plain gcc or use build/kcap, once more
# under AddressSanitizer and UBSan: CC is gcc with the sanitizers, KCAP the
# host kcap of host.lib. (The reader and writer tests, 30-*, 31-*, 40-*,
# build with them already.) Any sanitizer report fails the test it is in.
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-asan.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=host.lib
. "$(dirname "$0")/host.lib"

cat >"$work/cc" <<'CC'
#!/bin/sh
exec gcc -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer "$@"
CC
chmod +x "$work/cc"
export CC=$work/cc KCAP=$kcap
# leaks are not what this run is about: the tools exit right after
export ASAN_OPTIONS=detect_leaks=0:exitcode=99

failed=0
for t in 20-conf 50-final-policy 50-worker 50-save 50-savecore; do
	opts=$ASAN_OPTIONS
	# 50-worker crashes its workers on purpose: the signal is the test's
	[ $t = 50-worker ] && opts=$opts:handle_segv=0:handle_sigfpe=0:handle_abort=0:handle_sigbus=0
	ASAN_OPTIONS=$opts "$here/$t.sh" >"$work/$t.log" 2>&1
	rc=$?
	if [ $rc = 0 ] && ! grep -qE 'ERROR: AddressSanitizer|runtime error:' "$work/$t.log"; then
		echo "ok: $t under ASan+UBSan"
	else
		failed=$((failed + 1))
		echo "FAIL: $t under ASan+UBSan (exit $rc):"
		grep -E -A12 'ERROR: AddressSanitizer|runtime error:|^FAIL' "$work/$t.log" | head -n 40
	fi
done
[ $failed = 0 ]
