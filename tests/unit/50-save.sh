#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `kcap save VMCORE DIR`: the capture sequence's directory part on the host
# (what an ext4 target gets): dump directory name and modes, vmcore-dmesg.txt
# first and identical to makedumpfile's, a vmcore that makedumpfile reads,
# no overwriting (a second dump of the same second gets "-2"), and the
# skip-for-space path (needs root for a small tmpfs; skipped otherwise).
#
# Uses build/kcap (or $KCAP) on the synthetic dump of save.lib.
set -u

work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-save.XXXXXX") || exit 1
trap 'umount "$work/small" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=save.lib
. "$(dirname "$0")/save.lib"
# 1. a kdump-compressed dump, as the capture kernel writes it by default
"$kcap" save -c -d 31 "$vmcore" "$work/out" >"$work/1.out" 2>"$work/1.log"
check "save exit status" 0 $? "$work/1.log"
dir=$(cat "$work/1.out")
case $dir in
"$work"/out/*-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ok ;;
*) fail "dump directory name" "$work/out/<host>-YYYY-MM-DD-HH:MM:SS" "$dir" "$work/1.log" ;;
esac
check "dump directory mode" 700 "$(mode "$dir")"
check "vmcore-dmesg.txt mode" 600 "$(mode "$dir/vmcore-dmesg.txt")"
check "vmcore mode" 600 "$(mode "$dir/vmcore")"
check "files in the dump directory" "report.json vmcore vmcore-dmesg.txt" "$(cd "$dir" && echo *)"
if cmp -s "$dir/vmcore-dmesg.txt" "$ref_dmesg"; then ok; else
	fail "vmcore-dmesg.txt" "same as makedumpfile --dump-dmesg ($ref_dmesg)" \
		"$(cmp "$dir/vmcore-dmesg.txt" "$ref_dmesg" 2>&1)"
fi
grep -q 'save: vmcore saved: ' "$work/1.log"
check "log says 'vmcore saved'" 0 $? "$work/1.log"
# dmesg is written before the vmcore (the order the capture kernel relies on)
l_dmesg=$(grep -n 'save: vmcore-dmesg.txt: [0-9]* bytes' "$work/1.log" | cut -d: -f1)
l_vmcore=$(grep -n 'save: writing .*/vmcore-incomplete' "$work/1.log" | cut -d: -f1)
if [ -n "$l_dmesg" ] && [ -n "$l_vmcore" ] && [ "$l_dmesg" -lt "$l_vmcore" ]; then ok; else
	fail "vmcore-dmesg.txt written before vmcore" "its log line first" \
		"lines '$l_dmesg' and '$l_vmcore'" "$work/1.log"
fi
if makedumpfile --dump-dmesg "$dir/vmcore" "$work/1.dmesg" >"$work/1.mdf" 2>&1 &&
	cmp -s "$work/1.dmesg" "$ref_dmesg"; then ok; else
	fail "makedumpfile --dump-dmesg on the saved vmcore" "the reference log" \
		"$(tail -n 3 "$work/1.mdf")"
fi

# 2. the same crash again into the same DIR: a new directory, the old one untouched
sum1=$(md5sum <"$dir/vmcore")
"$kcap" save -E "$vmcore" "$work/out" >"$work/2.out" 2>"$work/2.log"
check "second save exit status" 0 $? "$work/2.log"
check "second dump directory" "$dir-2" "$(cat "$work/2.out")" "$work/2.log"
check "first vmcore untouched" "$sum1" "$(md5sum <"$dir/vmcore")"
if head -c 4 "$dir-2/vmcore" | cmp -s - <(printf '\177ELF'); then ok; else
	fail "-E writes ELF" "\\177ELF" "$(head -c 4 "$dir-2/vmcore" | od -c | head -n 1)"
fi

# 3. usage errors
"$kcap" save "$vmcore" >/dev/null 2>&1
check "save with one argument" 2 $?
"$kcap" save -d 32 "$vmcore" "$work/x" >/dev/null 2>&1
check "save -d 32" 2 $?
"$kcap" save "$work/nonexistent" "$work/x" >/dev/null 2>"$work/3.log"
check "save of a missing vmcore" 1 $? "$work/3.log"

# 4. not enough space: the text is kept, the dump skipped, nothing half-written
if [ "$(id -u)" = 0 ] && mkdir -p "$work/small" &&
	mount -t tmpfs -o size=64k kcaptest "$work/small" 2>/dev/null; then
	"$kcap" save -c -d 31 "$vmcore" "$work/small" >"$work/4.out" 2>"$work/4.log"
	check "save to a full target: exit status" 1 $? "$work/4.log"
	if grep -qE 'save: .*: [0-9]+ MB free, dump needs about [0-9]+ MB: skipping' "$work/4.log"; then
		ok
	else
		fail "skip-for-space log line" "'N MB free, dump needs about M MB: skipping'" \
			"$(cat "$work/4.log")"
	fi
	d4=$(cat "$work/4.out")
	# report.json (status failed) is small enough to fit where the dump did not
	check "full target keeps vmcore-dmesg.txt (and report.json) only" "report.json vmcore-dmesg.txt" "$(cd "$d4" && echo *)" "$work/4.log"
	umount "$work/small"
else
	echo "note: not root or no tmpfs: skip-for-space case not run"
fi

finish
