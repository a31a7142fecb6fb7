#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kcap dmesg on synthetic dumps made by mkvmcore.c: a Linux 6.1 lockless
# printk ring (records in every state, a wrapped block, multi-line, control
# and non-ASCII bytes, truncated text), a Linux 5.4 log_buf of printk_log
# records and a Linux 3.2 plain-text log_buf, each as ELF (/proc/vmcore layout), kdump-compressed (raw and
# zlib pages), and flattened (of both); 4- and 5-level page tables.
#
# Expected output: the golden files 30-dmesg-*.golden, which are what
# Debian 12's makedumpfile 1.7.2 --dump-dmesg printed for the same ELF
# dumps. When makedumpfile is installed it is also run live on the ELF and
# kdump files (it cannot read flattened files directly), so a difference
# between the golden files and makedumpfile shows up too.
set -u
# shellcheck source-path=SCRIPTDIR source=reader.lib
. "$(dirname "$0")/reader.lib"

fail=0

have_mdf=0
command -v makedumpfile >/dev/null 2>&1 && have_mdf=1
[ $have_mdf = 1 ] || echo "note: makedumpfile not installed: golden files only"

#	kind		mkvmcore format flags
cases="
	lockless	-f elf
	lockless	-f kdump
	lockless	-f kdump -z
	lockless	-f flat -z
	lockless	-f flat-elf
	lockless	-5 -f elf
	lockless	-5 -f kdump -z
	printk_log	-f elf
	printk_log	-f kdump -z
	printk_log	-f flat
	printk_log	-f flat-elf
	plain		-f elf
	plain		-f kdump -z
"
while read -r kind flags; do
	[ -n "$kind" ] || continue
	name="$kind ${flags//-f /}"
	golden=$here/30-dmesg-$kind.golden
	dump=$work/dump
	# shellcheck disable=SC2086 # flags are words
	if ! "$mkvmcore" -k "$kind" $flags "$dump"; then
		echo "FAIL: $name: mkvmcore failed"
		fail=1
		continue
	fi
	if ! "$kcap" dmesg "$dump" "$work/out" 2>"$work/err"; then
		echo "FAIL: $name: kcap dmesg exited $?"
		cat "$work/err"
		fail=1
		continue
	fi
	check_file "$name (file)" "$golden" "$work/out"
	"$kcap" dmesg "$dump" >"$work/stdout" 2>/dev/null
	check_file "$name (stdout)" "$golden" "$work/stdout"
	case $flags in
	*flat*) ;;
	*)
		if [ $have_mdf = 1 ]; then
			rm -f "$work/mdf"
			if makedumpfile --dump-dmesg "$dump" "$work/mdf" >"$work/mdf.log" 2>&1; then
				check_file "$name (makedumpfile)" "$work/mdf" "$work/out"
			else
				echo "FAIL: $name: makedumpfile --dump-dmesg failed:"
				cat "$work/mdf.log"
				fail=1
			fi
		fi
		;;
	esac
done <<<"$cases"

# errors: usage 2, unreadable 1, a dump missing the ring's pages 1
"$kcap" dmesg >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || { echo "FAIL: usage: expected exit 2, got $rc"; fail=1; }
"$kcap" dmesg "$work/nonexistent" >/dev/null 2>&1
rc=$?
[ $rc = 1 ] || { echo "FAIL: missing file: expected exit 1, got $rc"; fail=1; }
head -c 100000 /dev/zero >"$work/zeros"
"$kcap" dmesg "$work/zeros" >/dev/null 2>"$work/err"
rc=$?
[ $rc = 1 ] || { echo "FAIL: not a dump: expected exit 1, got $rc"; fail=1; }
"$mkvmcore" -k lockless -f kdump -i "$work/inc"
"$kcap" dmesg "$work/inc" "$work/inc.out" 2>"$work/err"
rc=$?
if [ $rc != 1 ] || ! grep -q "cannot extract the kernel log" "$work/err"; then
	echo "FAIL: kdump with unwritten pages: expected exit 1 and an error, got $rc:"
	cat "$work/err"
	fail=1
else
	echo "ok: unwritten pages fail ($(cat "$work/err"))"
fi

finish || fail=1
[ $fail = 0 ] && echo "all dmesg checks passed"
exit $fail
