#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kcap.conf parser: golden files, in the manner of OpenBSD's config tests.
#
# For each tests/unit/conf/NAME.conf:
#   kcap check-config [ARGS] NAME.conf     (ARGS: NAME.args, one per line)
# must print NAME.out on stdout, followed by a last line "exit N", and
# NAME.err on stderr. When it succeeds, its output is fed back through
# check-config with the same ARGS: the result must be the same text, with
# no diagnostic about it that the original did not have (round trip).
# Then a few cases that need no golden file (usage, I/O errors, NUL
# bytes, a build with LZO).
#
# Builds a host binary from collector/conf.c, log.c and conf/main.c with
# gcc; needs nothing else. UPDATE=1 rewrites the golden files from the
# current output (review the diff before committing it).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
golden=$here/conf
cc=${CC:-gcc}
cflags="-std=gnu11 -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror"

if ! command -v "${cc%% *}" >/dev/null 2>&1; then
	echo "SKIP: $cc not found"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-conf.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

build() {	# build OUTPUT [extra cflags...]
	local outp=$1
	shift
	# shellcheck disable=SC2086 # cflags is a list of words
	if ! $cc $cflags "$@" -I"$top/collector" -o "$outp" \
		"$top/collector/conf.c" "$top/collector/conf_host.c" "$top/collector/log.c" \
		"$golden/main.c" 2>"$work/cc.log"; then
		echo "FAIL: building $outp:"
		cat "$work/cc.log"
		exit 1
	fi
}

kcap=$work/kcap-conf
build "$kcap"

passed=0
failed=0

pass() { passed=$((passed + 1)); }

fail() {	# fail NAME WHAT EXPECTED-FILE GOT-FILE
	failed=$((failed + 1))
	echo "FAIL: $1: $2"
	diff -u --label expected --label got "$3" "$4" | sed 's/^/    /'
}

check() {	# check NAME WHAT EXPECTED-FILE GOT-FILE
	if [ "${UPDATE:-0}" = 1 ] && [ "$3" != "${3#"$golden"/}" ]; then
		cp "$4" "$3"
	fi
	if cmp -s "$3" "$4"; then
		pass
	else
		fail "$@"
	fi
}

# run DIR OUT ERR ARGS...: check-config in DIR, "exit N" appended to OUT
run() {
	local dir=$1 outp=$2 errp=$3 rc
	shift 3
	(cd "$dir" && "$kcap" check-config "$@") >"$outp" 2>"$errp"
	rc=$?
	echo "exit $rc" >>"$outp"
	return $rc
}

nr_cases=0
for conf in "$golden"/*.conf; do
	name=$(basename "$conf" .conf)
	nr_cases=$((nr_cases + 1))
	args=()
	if [ -f "$golden/$name.args" ]; then
		mapfile -t args <"$golden/$name.args"
	fi
	[ -f "$golden/$name.out" ] || : >"$golden/$name.out"
	[ -f "$golden/$name.err" ] || : >"$golden/$name.err"

	run "$golden" "$work/$name.out" "$work/$name.err" "${args[@]}" "$name.conf"
	rc=$?
	check "$name" "stdout (+ exit code)" "$golden/$name.out" "$work/$name.out"
	check "$name" "stderr" "$golden/$name.err" "$work/$name.err"
	[ $rc -eq 0 ] || continue

	# round trip: the normalised output is a config that gives itself,
	# and parsing it says nothing new (a value's own warning may repeat)
	sed '$d' "$work/$name.out" >"$work/rt.conf"
	run "$work" "$work/rt.out" "$work/rt.err" "${args[@]}" rt.conf
	check "$name" "round trip: output of its output" "$work/$name.out" "$work/rt.out"
	strip='s/^[^:]*:[0-9]*: //'
	sed "$strip" "$work/$name.err" >"$work/orig.msgs"
	grep '^rt\.conf' "$work/rt.err" | sed "$strip" |
		grep -vxF -f "$work/orig.msgs" >"$work/rt.new"
	check "$name" "round trip: new diagnostics about the normalised file" /dev/null "$work/rt.new"

	# and conf_parse_buf takes it as it is: strict, no errors, no --cmdline
	run "$work" "$work/rt.out" "$work/rt.err" rt.conf
	grep -F ': error: ' "$work/rt.err" >"$work/rt.new"
	tail -n 1 "$work/rt.out" >>"$work/rt.new"
	echo "exit 0" >"$work/rt.want"
	check "$name" "normalised output parsed strictly on its own" "$work/rt.want" "$work/rt.new"
done

# Cases without a golden file: NAME, expected exit, expected stderr
# (grep -E; "" for none), ARGS...
expect() {
	local name=$1 want_rc=$2 want_err=$3 rc err_ok
	shift 3
	run "$work" "$work/x.out" "$work/x.err" "$@"
	rc=$?
	if [ -z "$want_err" ]; then
		[ ! -s "$work/x.err" ]
	else
		grep -Eq -- "$want_err" "$work/x.err"
	fi
	err_ok=$?
	if [ $rc -eq "$want_rc" ] && [ $err_ok -eq 0 ]; then
		pass
	else
		failed=$((failed + 1))
		echo "FAIL: $name: expected exit $want_rc and stderr matching '$want_err'," \
			"got exit $rc and:"
		sed 's/^/    /' "$work/x.err"
	fi
}

printf 'path /var/crash\n\0path /x\n' >"$work/nul.conf"
awk 'BEGIN { for (i = 0; i < 7000; i++) print "# padding padding" }' >"$work/big.conf"
: >"$work/ok.conf"
expect "no arguments" 2 '^usage: kcap check-config'
expect "two files" 2 '^usage:' ok.conf ok.conf
expect "unknown option" 2 '^usage:' --strict ok.conf
expect "--cmdline without value" 2 '^usage:' ok.conf --cmdline
expect "missing file" 1 '^kcap: missing\.conf: No such file or directory$' missing.conf
expect "a directory" 1 '^kcap: \.: Is a directory$' .
expect "NUL byte" 1 '^nul\.conf:2: error: NUL byte in the file' nul.conf
expect "NUL byte, lenient" 0 '^nul\.conf:2: warning: NUL byte.*; ignored$' --lenient nul.conf
expect "file over 64 KiB" 1 '^kcap: big\.conf: larger than 65536 bytes' big.conf
expect "--cmdline=WORDS form" 0 '^cmdline: warning: unknown parameter .kcap\.x.' \
	--cmdline='kcap.x=1' ok.conf
expect "-- ends options" 0 "" -- ok.conf

# A build with LZO keeps -l as LZO and says nothing about it.
build "$work/kcap-lzo" -DKCAP_WITH_LZO
(cd "$golden" && "$work/kcap-lzo" check-config rhel9-default.conf) >"$work/lzo.out" 2>"$work/lzo.err"
if grep -qx 'core_collector makedumpfile -l -d 31' "$work/lzo.out" &&
   ! grep -q 'lzo' "$work/lzo.err"; then
	pass
else
	failed=$((failed + 1))
	echo "FAIL: KCAP_WITH_LZO: expected 'core_collector makedumpfile -l -d 31', got:"
	sed 's/^/    /' "$work/lzo.out" "$work/lzo.err"
fi

# Every golden case must have been looked at by a human: no stray files.
for f in "$golden"/*; do
	case $f in
	*.conf | *.out | *.err | *.args | */main.c) ;;
	*)
		failed=$((failed + 1))
		echo "FAIL: unexpected file $f"
		;;
	esac
	case $f in
	*.out | *.err | *.args)
		[ -f "${f%.*}.conf" ] || {
			failed=$((failed + 1))
			echo "FAIL: $f has no ${f%.*}.conf"
		}
		;;
	esac
done

echo "20-conf: $nr_cases golden configs, $passed checks passed, $failed failed"
[ $failed -eq 0 ]
