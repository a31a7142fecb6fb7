#!/bin/bash
# 66-multipath-pathloss: as 65, but one of the two paths is removed from the QEMU monitor
# (device_del, a hot-unplugged SCSI disk) about a second after kcap starts writing the
# dump. dm-multipath fails the path and retries its I/O on the other (no queue_if_no_path
# is needed while one path lives): the dump completes and passes every reader. The target
# is named /dev/mapper/mpatha-part2, the name the recorded production map gives partition 2
# (SUSE/Debian kpartx naming: not kcap's default, so only the map can give it).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPMP:$uuid"
printf 'map mpatha %s\npart mpatha-part2 %s 2\n' "$MPATH_WWID" "$MPATH_WWID" >"$T/map"
mpath_image "$T/map"
mpath_paths "$T/disk.img"

# The hook (run_qemu, every 0.2 s): 5 calls after the dump file is opened, unplug path 0.
seen=0 pulled="" saved_before=""
# shellcheck disable=SC2317 # called by run_qemu through QEMU_HOOK
pull_path() {
	local log=$1 mon=$2
	[ -z "$pulled" ] || return 0
	grep -qaE 'kcap: .*writing .*vmcore-incomplete' "$log" 2>/dev/null || return 0
	seen=$((seen + 1))
	[ "$seen" -ge 5 ] || return 0
	! grep -qaE 'kcap: .*vmcore saved' "$log" || saved_before=1
	echo "device_del mpath-path0" 1<>"$mon"
	pulled=$(date +%s.%N)
}
QEMU_HOOK=pull_path
# 235 MiB of filled pages kept at -d 1, zlib: the writing takes well over a second.
capture_test --panic sysrq --disk "$T/disk.img" --part 2 --attach extra --image "$MPATH_IMG" \
	--fill 235 --kcap "kcap.ext4=/dev/mapper/mpatha-part2" \
	--kcap-file 'kcap.core_collector="makedumpfile -c -d 1"' \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
log=$T/serial.log
[ -n "$pulled" ] || fail "the path was never removed (no 'writing ... vmcore-incomplete' seen); serial log: $log"
[ -z "$saved_before" ] ||
	fail "the dump was saved before the path was removed: make it slower (more --fill); serial log: $log"
mpath_check_log "$log" /dev/mapper/mpatha-part2
# the kernel saw the path go in the middle of the dump: after the writing began, before it ended
t_write=$(tr -d '\r' <"$log" | grep -aE 'kcap: .*writing .*vmcore-incomplete' | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
t_fail=$(tr -d '\r' <"$log" | grep -aE 'device-mapper: multipath: [0-9]+:[0-9]+: Failing path' | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
t_saved=$(tr -d '\r' <"$log" | grep -aE 'kcap: .*vmcore saved' | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
if [ -z "$t_fail" ]; then
	check_err "expected the kernel's 'device-mapper: multipath: ...: Failing path' line after device_del"
elif ! awk -v w="$t_write" -v f="$t_fail" -v s="$t_saved" 'BEGIN { exit !(w < f && f < s) }'; then
	check_err "expected writing ($t_write s) < path failed ($t_fail s) < vmcore saved ($t_saved s)"
else
	note "path failed at ${t_fail} s, between the start of the writing (${t_write} s) and vmcore saved (${t_saved} s)"
fi
bad='kcap: .*(vmcore failed|capture failed|marking the dump failed|Input/output error)|Buffer I/O error|EXT4-fs error'
! grep -qaE "$bad" "$log" ||
	check_err "the capture log reports a failure: $(grep -aE "$bad" "$log" | head -n 1)"
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $log"
pass "a path lost mid-dump: the dump completed ${CAPTURE_SECS}s after the panic"
