#!/bin/bash
# 74-write-error: the first target's disk fails writes in the middle of the dump (QEMU blkdebug
# injects EIO on every write that touches one of the sectors every 4 MiB from 100 to 200 MiB
# into the partition: where this mkfs.ext4 puts the data of a large file, past the directory
# and the text, short of the journal at 256 MiB). kcap must fail that target (the vmcore is never named vmcore there; a
# vmcore-incomplete may stay) and save a complete dump on the second target, another disk.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

uuid1=$(new_uuid)
uuid2=$(new_uuid)
mkdisk_gpt "$T/bad.img" 1024 "ext4:1000:KCAPBAD:$uuid1"
mkdisk_gpt "$T/good.img" 1024 "ext4:1000:KCAPDUMP:$uuid2"
start=$(part_start "$T/bad.img" 1)
: >"$T/blkdebug.cfg"
for mib in $(seq 100 4 200); do
	printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "%d"\nonce = "off"\n\n' \
		$((start + mib * 2048)) >>"$T/blkdebug.cfg"
done
# (run_qemu passes the --disk string as file=...: blkdebug:CONFIG:IMAGE)
cap_boot --panic sysrq --disk "blkdebug:$T/blkdebug.cfg:$T/bad.img" --disk "$T/good.img" \
	--fill 64 --kcap "kcap.ext4=UUID=$uuid1 kcap.ext4=UUID=$uuid2" \
	--kcap-file 'kcap.core_collector="makedumpfile -d 0"'
cap_need_klog "the write error" 'target 1/2: vmcore failed after .*(I/O error|Input/output error)'
cap_need_klog "vmcore-incomplete kept" 'target 1/2: kept .*/vmcore-incomplete'
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid2\\)"
dirs=$(cap_dump_dirs "$T/good.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory on the second disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/good.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
# the failed target, after a journal replay as the next mount would do
dd if="$T/bad.img" of="$T/p1.img" bs=1M skip=$((start * 512)) iflag=skip_bytes count=1000 status=none
e2fsck -fy "$T/p1.img" >"$T/e2fsck.log" 2>&1 || true
for d in $(debugfs -R "ls -p /var/crash" "$T/p1.img" 2>/dev/null |
	awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $6 }'); do
	names=$(debugfs -R "ls -p /var/crash/$d" "$T/p1.img" 2>/dev/null |
		awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $6 }' | sort | tr '\n' ' ')
	note "failed target: /var/crash/$d: $names"
	case " $names " in
	*" vmcore "*) check_err "expected no vmcore on the target that failed, got '$names'" ;;
	esac
done
cap_done
pass "write error on target 1, dump on target 2, capture ${CAPTURE_SECS}s after the panic"
