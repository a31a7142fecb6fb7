#!/bin/bash
# 65-multipath: one disk image is one SCSI LUN seen through two virtio-scsi HBAs (same WWN
# and serial: two paths). kcap joins the paths into a dm-multipath device itself, maps the
# GPT partitions on it like kpartx, and the dump to ext4 by UUID lands through the multipath
# partition: the log shows the live table over both paths, the target found as
# /dev/mapper/<WWID>2 (no name recorded for it: named by its WWID, as multipath-tools does
# without user_friendly_names; kpartx's default partition name), and no path mounted.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPMP:$uuid"
# A production machine with another LUN only: this one gets no recorded name.
echo "map mpathz 3600a0b800012345600000000deadbeef" >"$T/map"
mpath_image "$T/map"
mpath_paths "$T/disk.img"
capture_test --panic sysrq --disk "$T/disk.img" --part 2 --attach extra --image "$MPATH_IMG" \
	--kcap "kcap.ext4=UUID=$uuid" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
mpath_check_log "$T/serial.log" "/dev/mapper/${MPATH_WWID}2" by-id
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $T/serial.log"
pass "capture ${CAPTURE_SECS}s after the panic, through the multipath device"
