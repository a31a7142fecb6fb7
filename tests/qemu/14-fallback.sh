#!/bin/bash
# 14-fallback: a chain of two targets whose first is missing. Target 1 is an ext4 UUID that no
# disk has (kcap.device_timeout=3), target 2 an ext4 partition by UUID: kcap must give up on
# the first after about 3 s, say so on the console, and save a complete dump on the second.
# Nothing may be written to the other partitions of the disk.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

absent=$(new_uuid)
uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:64:OTHER:$(new_uuid)" "ext4:900:KCAPDUMP:$uuid"
cap_boot --panic sysrq --disk "$T/disk.img" \
	--kcap "kcap.ext4=UUID=$absent kcap.device_timeout=3 kcap.ext4=UUID=$uuid"
dirs=$(cap_dump_dirs "$T/disk.img" 2 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of partition 2, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 2 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'

cap_need_klog "configuration" 'config: 2 target\(s\),.* device_timeout 3 s'
cap_need_klog "first target's failure" "target 1/2: ext4 UUID=$absent: no such device after 3 s: skipping"
cap_need_klog "fallback" "target 2/2: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid\\)"
# device_timeout is honoured: the search for the missing device took 3 s (not 30, and not less:
# a device that shows up late must get all of its 3 s).
t1=$(cap_klog_time "kcap: target 1/2: .*looking for the device")
t2=$(cap_klog_time "kcap: target 1/2: .*no such device")
if [ -z "$t1" ] || [ -z "$t2" ]; then
	check_err "expected timestamps on the 'looking for the device' and 'no such device' lines, got '$t1' '$t2'"
else
	wait_s=$(cap_secs "$t1" "$t2")
	awk -v s="$wait_s" 'BEGIN { exit !(s >= 2.9 && s < 5) }' ||
		check_err "expected the missing device to be given up after 3 s (2.9 to 5 s), got ${wait_s}s"
fi
got=$(disk_ls "$T/disk.img" 1 /var/crash | tr '\n' ' ')
[ -z "$got" ] || check_err "expected nothing in /var/crash of partition 1 (not a target), got '$got'"
cap_done
pass "target 1 given up after ${wait_s}s, dump on target 2, capture ${CAPTURE_SECS}s after the panic"
