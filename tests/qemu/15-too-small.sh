#!/bin/bash
# 15-too-small: the only target cannot hold the dump. The dump is uncompressed at dump level 0
# (kcap.core_collector="makedumpfile -d 0"): kcap estimates it at about 320 MB for this guest
# (zero pages are stored once, it counts a tenth of the memory as zero).
#
#  1. skip: a 64 MB ext4 file system. kcap saves the kernel log first, then sees that the dump
#     cannot fit and skips it, with a log line that gives both numbers. On the disk: a dump
#     directory with a complete vmcore-dmesg.txt and kexec-dmesg.log, and neither vmcore nor
#     vmcore-incomplete.
#  2. mid-way: the production VM fills 235 MiB of memory first (the dump then really is about
#     340 MB), and the file system has about 330 MB free: more than the estimate, less than the
#     dump. kcap must try, run out of space, and leave vmcore-incomplete, never a vmcore.
# Both captures fail, so kcap takes the failure action (reboot).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

LEVEL0='kcap.core_collector="makedumpfile -d 0"'

# space_line UUID: the free-space line of target 1/1; sets FREE NEEDS (MB) from it.
space_line() {
	local line
	FREE="?" NEEDS="?"
	line=$(cap_klog "target 1/1: ext4 UUID=$1: [0-9]+ MB free, dump needs about [0-9]+ MB")
	[ -n "$line" ] || return 0
	note "log: $line"
	read -r FREE NEEDS < <(sed -E 's/.*: ([0-9]+) MB free, dump needs about ([0-9]+) MB.*/\1 \2/' <<<"$line")
}

# dump_dir IMG: the one dump directory on partition 1 (DIR), its "name type perm size" entries
# (ENTRIES) and sorted names (NAMES); checks the files are 0600 and the file system is clean.
dump_dir() {
	local dirs got
	dirs=$(cap_dump_dirs "$1" 1 /var/crash)
	[ "$(wc -w <<<"$dirs")" = 1 ] ||
		cap_fail "expected one dump directory in /var/crash of $1, got '$(tr '\n' ' ' <<<"$dirs")'"
	DIR=/var/crash/$dirs
	ENTRIES=$(cap_ls "$1" 1 "$DIR")
	NAMES=$(awk '{ print $1 }' <<<"$ENTRIES" | sort | tr '\n' ' ')
	note "dump directory $DIR: $(awk '{ print $1 " (" $4 ")" }' <<<"$ENTRIES" | tr '\n' ' ')"
	got=$(awk '$2 != "f" || $3 != 600 { print $1 ": " $2 " " $3 }' <<<"$ENTRIES" | tr '\n' ' ')
	[ -z "$got" ] || check_err "expected regular files with mode 600 in $DIR, got: $got"
	cap_check_clean "$1" 1
	if grep -q '^vmcore-dmesg.txt ' <<<"$ENTRIES"; then
		disk_get "$1" 1 "$DIR/vmcore-dmesg.txt" "$T/$2-vmcore-dmesg.txt"
		cap_check_text "$T/$2-vmcore-dmesg.txt"
	fi
}

failed_capture() {
	cap_need_klog "capture result" 'capture failed: no target got a complete vmcore \(1 tried\)'
	cap_need_klog "failure action" 'failure action: reboot'
	[ "$QEMU_END" = reboot ] || check_err "expected the failure action to reboot the VM, QEMU ended by: $QEMU_END"
}

# --- 1. skipped for space --------------------------------------------------------------------
uuid=$(new_uuid)
mkdisk_gpt "$T/small.img" 80 "ext4:64:SMALL:$uuid"
cap_boot --log skip --panic sysrq --disk "$T/small.img" --kcap "kcap.ext4=UUID=$uuid" --kcap-file "$LEVEL0"
skip_secs=$QEMU_SECS
cap_need_klog "configuration" 'config: 1 target\(s\),.* kdump-compressed uncompressed, dump level 0,'
cap_need_klog "text before the space check" 'target 1/1: vmcore-dmesg.txt: [0-9]+ bytes'
space_line "$uuid"
skip_free=$FREE skip_needs=$NEEDS
if ! grep -qa "kcap: target 1/1: ext4 UUID=$uuid: [0-9]* MB free, dump needs about [0-9]* MB: skipping" "$CAP_LOG"; then
	check_err "expected 'target 1/1: ext4 UUID=$uuid: N MB free, dump needs about M MB: skipping', got '$(cap_klog 'MB free')'"
elif [ "$FREE" -le 40 ] || [ "$FREE" -gt 64 ]; then
	check_err "expected about 40 to 64 MB free on a 64 MB file system, got $FREE MB"
elif [ "$NEEDS" -le 200 ]; then
	check_err "expected an uncompressed level-0 dump of this guest to need more than 200 MB, got $NEEDS MB"
fi
! grep -qa 'kcap: .*writing .*vmcore-incomplete' "$CAP_LOG" ||
	check_err "expected no attempt to write the vmcore, got: $(cap_klog 'writing .*vmcore-incomplete')"
failed_capture
dump_dir "$T/small.img" skip
[ "$NAMES" = "kexec-dmesg.log report.json vmcore-dmesg.txt " ] ||
	check_err "expected $DIR to hold 'kexec-dmesg.log report.json vmcore-dmesg.txt ' (no vmcore, no vmcore-incomplete), got '$NAMES'"
cap_done
note "skip case passed"

# --- 2. out of space mid-way -----------------------------------------------------------------
# -m 0: no blocks reserved for root, so what statvfs says is free is all kcap can write. 370
# MiB of ext4 (1 KiB blocks) leave about 330 MB: between the estimate (about 320 MB) and the
# dump (about 340 MB with 235 MiB of memory filled). The log's "it may not fit" line below
# shows where the numbers fell if they ever move.
uuid=$(new_uuid)
mkdir -p "$T/seed/var/crash"
cap_mkdisk_seed "$T/tight.img" 372 TIGHT "$uuid" "$T/seed" -m 0
cap_boot --log midway --panic sysrq --disk "$T/tight.img" --kcap "kcap.ext4=UUID=$uuid" \
	--kcap-file "$LEVEL0" --fill 235
midway_secs=$QEMU_SECS
grep -qa 'kcapfill: 60160 pages (235 MiB) filled' "$CAP_LOG" ||
	cap_fail "the production VM did not fill 235 MiB of memory (kcapfill)"
space_line "$uuid"
if ! grep -qaE "kcap: target 1/1: ext4 UUID=$uuid: [0-9]+ MB free, dump needs about [0-9]+ MB, at most [0-9]+ MB: it may not fit" "$CAP_LOG"; then
	cap_fail "expected the free space ($FREE MB) to lie between the estimate and the largest possible dump ('... MB free, dump needs about N MB, at most M MB: it may not fit'), got: $(cap_klog 'MB free')"
fi
cap_need_klog "the attempt" 'target 1/1: writing .*/vmcore-incomplete: kdump-compressed uncompressed, dump level 0'
cap_need_klog "running out of space" 'target 1/1: vmcore failed after [0-9.]+ s, [0-9]+ MB written to .*/vmcore-incomplete: No space left on device'
cap_need_klog "partial dump kept" 'target 1/1: kept .*/vmcore-incomplete'
! grep -qa 'kcap: .*vmcore saved' "$CAP_LOG" ||
	check_err "expected no 'vmcore saved' line, got: $(cap_klog 'vmcore saved')"
failed_capture
dump_dir "$T/tight.img" midway
# kexec-dmesg.log comes after the dump: on a full file system it may be empty or partial.
# report.json is written last: on the full file system it may be missing.
NAMES=${NAMES/report.json /}
[ "$NAMES" = "kexec-dmesg.log vmcore-dmesg.txt vmcore-incomplete " ] ||
	check_err "expected $DIR to hold 'kexec-dmesg.log vmcore-dmesg.txt vmcore-incomplete ' (no vmcore), got '$NAMES'"
partial=$(awk '$1 == "vmcore-incomplete" { print int($4 / 1048576) }' <<<"$ENTRIES")
if [ -z "$partial" ] || [ "$FREE" = "?" ] || [ "$partial" -lt $((FREE - 8)) ]; then
	check_err "expected vmcore-incomplete to fill the file system (about $FREE MB), got '${partial:-none}' MB"
fi
cap_done
pass "skip: $skip_free MB free, $skip_needs MB needed, text only (QEMU ${skip_secs}s); mid-way: $FREE MB free, $NEEDS MB estimated, ${partial} MB of vmcore-incomplete (QEMU ${midway_secs}s)"
