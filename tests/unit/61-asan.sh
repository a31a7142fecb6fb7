#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The unit tests that run build/kcap (the static musl binary), once more
# with the host kcap of host.lib, built with AddressSanitizer and UBSan
# (KCAP). The others link make hostlib's library, which has the
# sanitizers already. Any sanitizer report fails the test it is in.
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
for t in 50-save 50-savecore; do
	"$here/$t.sh" >"$work/$t.log" 2>&1
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
