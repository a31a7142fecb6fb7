#!/bin/bash
# 71-power-cut: the power goes in the middle of the dump (QEMU quits through its monitor 2 s
# after kcap starts writing vmcore-incomplete, without any sync). After the "reboot" (the
# partition's journal replayed by e2fsck, as a mount would), nothing in the dump directory is
# named vmcore, and kcap info on what is there says INCOMPLETE (exit 1).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
# 235 MiB of filled pages kept at -d 1 and compressed with zlib: the dump takes well over 2 s
cap_boot --panic sysrq --disk "$T/disk.img" --fill 235 --kcap "kcap.ext4=UUID=$uuid" \
	--kcap-file 'kcap.core_collector="makedumpfile -c -d 1"' \
	--watch 'kcap: .*writing .*vmcore-incomplete' --quit-after 2
[ -n "$CAP_QUIT_AT" ] ||
	cap_fail "expected QEMU to be cut off 2 s into the dump, but it ended by itself: $QEMU_END"
grep -qa 'kcap: .*vmcore saved' "$CAP_LOG" &&
	cap_fail "the dump finished before the power cut: make it slower (more --fill)"

# the reboot: replay the journal on a copy of the partition
start=$(part_start "$T/disk.img" 1)
dd if="$T/disk.img" of="$T/p1.img" bs=1M skip=$((start * 512)) iflag=skip_bytes \
	count=1000 status=none
rc=0
e2fsck -fy "$T/p1.img" >"$T/e2fsck.log" 2>&1 || rc=$?
[ $rc -le 1 ] || cap_fail "e2fsck could not repair partition 1: $(tail -n 3 "$T/e2fsck.log")"
ls_p1() { debugfs -R "ls -p $1" "$T/p1.img" 2>/dev/null |
	awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $6 }'; }
dirs=$(ls_p1 /var/crash | grep -E -- "$CAP_DATED_RE" || true)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash after the power cut, got '$(tr '\n' ' ' <<<"$dirs")'"
names=$(ls_p1 "/var/crash/$dirs" | sort | tr '\n' ' ')
note "after the power cut: /var/crash/$dirs: $names"
case " $names " in
*" vmcore "*) check_err "expected no file named vmcore after a power cut mid-dump, got '$names'" ;;
esac
case " $names " in
*" vmcore-incomplete "*)
	debugfs -R "dump /var/crash/$dirs/vmcore-incomplete $T/vmcore-incomplete" "$T/p1.img" >/dev/null 2>&1
	rc=0
	"$BUILD/kcap" info "$T/vmcore-incomplete" >"$T/info.txt" 2>&1 || rc=$?
	note "kcap info: exit $rc, $(grep -E '^(status|incomplete_reason):' "$T/info.txt" | tr '\n' ' ')"
	if [ $rc != 1 ] || ! grep -qx 'status: INCOMPLETE' "$T/info.txt"; then
		check_err "expected kcap info to say 'status: INCOMPLETE' (exit 1) for vmcore-incomplete, got exit $rc: $(head -c 300 "$T/info.txt")"
	fi
	;;
*) check_err "expected vmcore-incomplete (its name is synced before the first page), got '$names'" ;;
esac
cap_done
pass "power cut ${CAPTURE_SECS}s after the panic: no vmcore, vmcore-incomplete says INCOMPLETE"
