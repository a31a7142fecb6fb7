#!/bin/bash
# 67-multipath-nomodule: the two-path LUN of 65 with the default image, which has no
# dm-multipath module (its kcap.conf names no target on a multipath device). kcap tries the
# multipath device once, says why it cannot make it, and then uses the paths as plain disks:
# the dump still lands (through one path, without failover), and the log says so.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPMP:$uuid"
mpath_paths "$T/disk.img"
capture_test --panic sysrq --disk "$T/disk.img" --part 2 --attach extra \
	--kcap "kcap.ext4=UUID=$uuid" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
log=$T/serial.log
n=$(mpath_klog "$log" "multipath: WWID $MPATH_WWID \(sd[a-z] sd[a-z]\): " | wc -l)
[ "$n" = 1 ] || check_err "expected one failed try of the multipath device (not one per poll), got $n"
line=$(mpath_klog "$log" "multipath: WWID $MPATH_WWID: no multipath device: its 2 paths are plain disks")
[ -n "$line" ] || check_err "expected 'its 2 paths are plain disks' in the capture log"
[ -z "$line" ] || note "log: $line"
line=$(mpath_klog "$log" 'matches 1 more device\(s\): using /dev/sd[a-z]2')
[ -n "$line" ] || check_err "expected the duplicate UUID on the other path to be reported"
[ -z "$line" ] || note "log: $line"
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $log"
pass "no dm-multipath in the image: the dump went through one path, ${CAPTURE_SECS}s after the panic"
