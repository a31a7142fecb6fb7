#!/bin/bash
# 75-multipath-onepath: the production machine had the LUN as multipath device mpatha (the
# image records it), but in the capture kernel only one of its paths is there (the other
# died with the crash). kcap waits 2 s for more paths, then makes mpatha with the one path,
# so the config's /dev/mapper/mpatha-part2 still exists, and the lone path is never mounted
# directly.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPMP:$uuid"
printf 'map mpatha %s\npart mpatha-part2 %s 2\n' "$MPATH_WWID" "$MPATH_WWID" >"$T/map"
mpath_image "$T/map"
mpath_paths "$T/disk.img"
QEMU_EXTRA=("${QEMU_EXTRA[@]:0:6}")	# the first HBA and its path only
capture_test --panic sysrq --disk "$T/disk.img" --part 2 --attach extra --image "$MPATH_IMG" \
	--kcap "kcap.ext4=/dev/mapper/mpatha-part2" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
log=$T/serial.log
line=$(mpath_klog "$log" "multipath: mpatha \(WWID $MPATH_WWID\) is a multipath device on the production machine but has one path here \(sd[a-z]\) after 2000 ms" | head -n 1)
[ -n "$line" ] || check_err "expected the one-path warning for mpatha in the capture log"
[ -z "$line" ] || note "log: $line"
line=$(mpath_klog "$log" "multipath: /dev/mapper/mpatha \([0-9]+:[0-9]+\) WWID $MPATH_WWID, 1 paths: sd[a-z]; table: 0 [0-9]+ multipath 0 0 1 1 service-time 0 1 [12] [0-9]+:[0-9]+ " | head -n 1)
[ -n "$line" ] || check_err "expected mpatha made with one path, got: $(mpath_klog "$log" multipath | head -n 2)"
[ -z "$line" ] || note "log: $line"
mpath_klog "$log" "-> /dev/mapper/mpatha-part2\$" | grep -q . ||
	check_err "expected the target found as /dev/mapper/mpatha-part2"
line=$(mpath_klog "$log" 'mounted /dev/(sd|vd)' | head -n 1)
[ -z "$line" ] || check_err "the path was mounted directly: $line"
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $log"
pass "one path left: mpatha made with it, capture ${CAPTURE_SECS}s after the panic"
