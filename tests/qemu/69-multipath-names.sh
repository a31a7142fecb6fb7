#!/bin/bash
# 69-multipath-names: the names a config copied from the running system may use for a LUN
# that kcap assembles itself. Two targets on the two-path LUN of 65:
#   1. ext4 /dev/disk/by-id/wwn-0x5000c50015ea71ac-part1 (udev's name): found as the
#      multipath partition 1, which holds no file system: the mount fails, the chain goes on;
#   2. ext4 /dev/sdb2, a path named as itself: taken as the multipath partition on top of it
#      (with a warning), never the path; the dump lands there.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPMP:$uuid"
: >"$T/map"
mpath_image "$T/map"
mpath_paths "$T/disk.img"
capture_test --panic sysrq --disk "$T/disk.img" --part 2 --attach extra --image "$MPATH_IMG" \
	--kcap "kcap.ext4=/dev/disk/by-id/wwn-${MPATH_WWN}-part1 kcap.ext4=/dev/sdb2" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
log=$T/serial.log
line=$(mpath_klog "$log" "target 1/2: ext4 /dev/disk/by-id/wwn-${MPATH_WWN}-part1 -> /dev/mapper/${MPATH_WWID}1\$" | head -n 1)
[ -n "$line" ] || check_err "expected target 1 (udev's wwn-...-part1) found as /dev/mapper/${MPATH_WWID}1"
[ -z "$line" ] || note "log: $line"
line=$(mpath_klog "$log" "blkdev: /dev/sdb2 is a path of a multipath LUN: using /dev/mapper/${MPATH_WWID}2" | head -n 1)
[ -n "$line" ] || check_err "expected /dev/sdb2 to be taken as /dev/mapper/${MPATH_WWID}2 with a warning"
[ -z "$line" ] || note "log: $line"
mpath_check_log "$log" "/dev/mapper/${MPATH_WWID}2"
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $log"
pass "udev's wwn- name and a path's own name both land on the multipath device"
