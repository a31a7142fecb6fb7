#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# raw target round trip on a file-backed "partition": `kcap save --raw`
# writes what the capture kernel writes to a raw device (header, text,
# dump); `kcap savecore` copies it out after the "reboot" and marks it
# consumed. Covers: complete dump, already saved, --force, a dump that does
# not fit (text only), an interrupted capture (state "writing"), no header,
# generation counting.
#
# Uses build/kcap (or $KCAP) on the synthetic dump of save.lib.
set -u

work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-savecore.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=save.lib
. "$(dirname "$0")/save.lib"

grepcheck() {	# grepcheck WHAT ERE LOG
	if grep -qE "$2" "$3"; then ok; else fail "$1" "a line matching '$2'" "(none)" "$3"; fi
}
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }	# little-endian on x86
u64() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '; }

part=$work/part.img
truncate -s 300M "$part"

# 1. capture to the raw "partition"
"$kcap" save --raw -c -d 31 "$vmcore" "$part" >"$work/1.out" 2>"$work/1.log"
check "save --raw exit status" 0 $? "$work/1.log"
check "header magic" KCAPRAW1 "$(head -c 8 "$part")"
check "header state (2 = complete)" 2 "$(u32 "$part" 12)"
check "header generation" 1 "$(u64 "$part" 16)"
grepcheck "log line for a saved raw dump" 'save: vmcore saved: .* at offset [0-9]+, generation 1' "$work/1.log"

# 2. savecore copies it out
"$kcap" savecore "$part" "$work/out" >"$work/2.out" 2>"$work/2.log"
check "savecore exit status" 0 $? "$work/2.log"
dir=$(cat "$work/2.out")
case $dir in
"$work"/out/*-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-[0-9][0-9]:[0-9][0-9]:[0-9][0-9]) ok ;;
*) fail "savecore dump directory" "$work/out/<host>-YYYY-MM-DD-HH:MM:SS" "$dir" "$work/2.log" ;;
esac
check "dump directory mode" 700 "$(mode "$dir")"
check "vmcore mode" 600 "$(mode "$dir/vmcore")"
check "vmcore-dmesg.txt mode" 600 "$(mode "$dir/vmcore-dmesg.txt")"
check "files copied out" "vmcore vmcore-dmesg.txt" "$(cd "$dir" && echo *)"
if cmp -s "$dir/vmcore-dmesg.txt" "$ref_dmesg"; then ok; else
	fail "vmcore-dmesg.txt" "same as $ref_dmesg" \
		"$(cmp "$dir/vmcore-dmesg.txt" "$ref_dmesg" 2>&1)"
fi
if makedumpfile --dump-dmesg "$dir/vmcore" "$work/2.dmesg" >"$work/2.mdf" 2>&1 &&
	cmp -s "$work/2.dmesg" "$ref_dmesg"; then ok; else
	fail "makedumpfile --dump-dmesg on the copied vmcore" "the reference log" \
		"$(tail -n 3 "$work/2.mdf")"
fi
# the same dump written to a directory is byte for byte what savecore copied out
"$kcap" save -c -d 31 "$vmcore" "$work/direct" >"$work/2b.out" 2>"$work/2b.log"
if cmp -s "$(cat "$work/2b.out")/vmcore" "$dir/vmcore"; then ok; else
	fail "raw round trip" "vmcore identical to kcap save's" \
		"$(cmp "$(cat "$work/2b.out")/vmcore" "$dir/vmcore" 2>&1)"
fi
[ "$(u64 "$part" 40)" != 0 ]
check "header marked consumed" 0 $?

# 3. already saved: nothing new, no new directory
"$kcap" savecore "$part" "$work/out" >"$work/3.out" 2>"$work/3.log"
check "savecore of a consumed dump: exit status" 0 $? "$work/3.log"
grepcheck "already-saved message" 'already saved at .*nothing new' "$work/3.log"
check "no new directory" 1 "$(find "$work/out" -mindepth 1 -maxdepth 1 | wc -l)"
"$kcap" savecore --force "$part" "$work/out" >"$work/3f.out" 2>"$work/3f.log"
check "savecore --force of a consumed dump" "$dir-2" "$(cat "$work/3f.out")" "$work/3f.log"

# 4. a second capture on the same device: generation 2, and a warning when
#    the previous one was never saved
"$kcap" save --raw -c "$vmcore" "$part" >/dev/null 2>"$work/4.log"
"$kcap" save --raw -c "$vmcore" "$part" >/dev/null 2>"$work/4b.log"
check "generation after two more captures" 3 "$(u64 "$part" 16)"
grepcheck "warning about an unsaved dump" 'overwriting dump generation 2 .*never saved' "$work/4b.log"

# 5. interrupted capture (state "writing"): refused, --force gives vmcore-incomplete
printf '\001' | dd of="$part" bs=1 seek=12 conv=notrunc status=none
"$kcap" savecore "$part" "$work/out5" >"$work/5.out" 2>"$work/5.log"
check "savecore of an interrupted capture: exit status" 1 $? "$work/5.log"
grepcheck "refusal message" 'not complete \(state writing.*--force' "$work/5.log"
[ ! -e "$work/out5" ] || [ -z "$(ls -A "$work/out5")" ]
check "nothing copied without --force" 0 $?
"$kcap" savecore --force "$part" "$work/out5" >"$work/5f.out" 2>"$work/5f.log"
check "savecore --force: exit status" 0 $? "$work/5f.log"
d5=$(cat "$work/5f.out")
check "--force copies the partial dump" "vmcore-dmesg.txt vmcore-incomplete" "$(cd "$d5" && echo *)" "$work/5f.log"

# 6. a partition too small for the dump: text only, state failed
small=$work/small.img
truncate -s 1100K "$small"
"$kcap" save --raw -c -d 31 "$vmcore" "$small" >/dev/null 2>"$work/6.log"
check "save --raw to a small partition: exit status" 1 $? "$work/6.log"
grepcheck "skip-for-space log line" 'save: raw .*: [0-9]+ MB free, dump needs about [0-9]+ MB: skipping' "$work/6.log"
check "header state (3 = failed)" 3 "$(u32 "$small" 12)"
"$kcap" savecore "$small" "$work/out6" >/dev/null 2>"$work/6s.log"
check "savecore of a failed capture: exit status" 1 $? "$work/6s.log"
"$kcap" savecore --force "$small" "$work/out6" >"$work/6f.out" 2>"$work/6f.log"
check "savecore --force of a failed capture: exit status" 0 $? "$work/6f.log"
check "text only" "vmcore-dmesg.txt" "$(cd "$(cat "$work/6f.out")" && echo *)" "$work/6f.log"

# 7. no header
truncate -s 4M "$work/empty.img"
"$kcap" savecore "$work/empty.img" "$work/out7" >/dev/null 2>"$work/7.log"
check "savecore without a header: exit status" 1 $? "$work/7.log"
grepcheck "no-header message" 'no kcap dump here' "$work/7.log"
"$kcap" savecore "$part" >/dev/null 2>&1
check "savecore usage error" 2 $?

finish
