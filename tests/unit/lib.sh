# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The unit tests' one helper: source it first.
#
#   need TOOL...                  a tool that `make deps` installs: missing is a
#                                 failure (never a skip, never a passing note)
#   hostlib                       `make hostlib` (the collector minus main.c, built
#                                 once for the host); sets libkcap to
#                                 build/host/libkcap.a (give host_cc libkcap-ld.a or
#                                 libkcap-lzo.a as libkcap=... for the other builds)
#   host_cc OUT SRC... [-- LIB...]  a test program against $libkcap, with the
#                                 library's flags (AddressSanitizer and UBSan)
#   host_prog OUT SRC... [-- LIB...]  need gcc, hostlib, host_cc; a failed build
#                                 is reported with its log and fails the test
#   scratch NAME                  work: a new scratch directory, removed at exit
#   check WHAT EXPECTED GOT [LOG] one assertion on strings; LOG is shown on failure
#   check_file WHAT EXPECTED-FILE GOT-FILE   the same on files (a diff is shown)
#   check_test WHAT TEST-ARGS...  the same on a test(1) expression
#   ok / fail WHAT EXPECTED GOT [LOG]   count a pass / report and count a failure
#   finish                        prints the counts; returns 0 when nothing failed
#
# Sets: here (the calling test's directory), top (the checkout), passed, failed.

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
passed=0 failed=0

need() {	# need TOOL...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		echo "FAIL: $t not installed (run make deps)"
		exit 1
	done
}

hostlib() {
	if ! make -s -C "$top" hostlib >"${TMPDIR:-/tmp}/kcap-hostlib.$$.log" 2>&1; then
		echo "FAIL: make hostlib:"
		cat "${TMPDIR:-/tmp}/kcap-hostlib.$$.log"
		rm -f "${TMPDIR:-/tmp}/kcap-hostlib.$$.log"
		exit 1
	fi
	rm -f "${TMPDIR:-/tmp}/kcap-hostlib.$$.log"
	libkcap=$top/build/host/libkcap.a
	read -r -a host_cflags <"$top/build/host/cflags" || host_cflags=()
	host_cflags=(-std=gnu11 -O1 -g -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror
		"${host_cflags[@]}")
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
}

host_cc() {	# host_cc OUT SRC... [-- LIB...]
	local out=$1 srcs=() libs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		srcs+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	libs=("$@")
	"${CC:-gcc}" "${host_cflags[@]}" -I"$top/collector" -o "$out" "${srcs[@]}" \
		"$libkcap" "${libs[@]}"
}

host_prog() {	# host_prog OUT SRC... [-- LIB...]
	need "${CC:-gcc}"
	[ -n "${libkcap:-}" ] || hostlib
	if ! host_cc "$@" 2>"$1.cc.log"; then
		echo "FAIL: building $(basename "$1"):"
		cat "$1.cc.log"
		exit 1
	fi
}

scratch() {	# scratch NAME
	work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-$1.XXXXXX") || exit 1
	# shellcheck disable=SC2064 # $work is meant to be expanded now
	trap "rm -rf '$work'" EXIT
}

ok() { passed=$((passed + 1)); }

fail() {	# fail WHAT EXPECTED GOT [LOG]
	failed=$((failed + 1))
	echo "FAIL: $1"
	echo "    expected: $2"
	echo "    got:      $3"
	if [ -n "${4:-}" ] && [ -f "$4" ]; then
		echo "    log $4:"
		sed 's/^/      /' "$4" | head -n 40
	fi
}

check() {	# check WHAT EXPECTED GOT [LOG]
	if [ "$2" = "$3" ]; then ok; else fail "$@"; fi
}

check_file() {	# check_file WHAT EXPECTED-FILE GOT-FILE
	if cmp -s "$2" "$3"; then
		ok
	else
		failed=$((failed + 1))
		echo "FAIL: $1: $(basename "$3") differs from $(basename "$2")"
		diff -a "$2" "$3" | head -20
	fi
}

check_test() {	# check_test WHAT TEST-ARGS...
	local what=$1
	shift
	if test "$@"; then ok; else fail "$what" "test $*" "false"; fi
}

finish() {
	echo "$passed checks passed, $failed failed"
	[ "$failed" = 0 ]
}
