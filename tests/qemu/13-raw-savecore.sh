#!/bin/bash
# 13-raw-savecore: sysrq crash, kcap writes the dump to a raw partition (kcap.raw=/dev/vda2,
# filled with random bytes beforehand). After QEMU exits the partition is copied out and
# `kcap savecore` takes the dump from it: a dated directory (0700) with vmcore and
# vmcore-dmesg.txt (0600) that pass the usual checks. A second savecore of the same partition
# must say it was already saved and copy nothing.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

disk=$T/disk.img
mkdisk_gpt "$disk" 160 "ext4:16:DECOY:$(new_uuid)" "raw:128"
start=$(part_start "$disk" 2)
sectors=$(sfdisk -d "$disk" | awk -v n="${disk}2" '$1 == n { sub(/,/, "", $6); print $6 }')
[ -n "$start" ] || fail "no partition 2 in $disk: $(sfdisk -d "$disk")"
[ -n "$sectors" ] || fail "no partition 2 in $disk: $(sfdisk -d "$disk")"
# Not zeros: whatever was on the partition before must not matter.
head -c $((sectors * 512)) /dev/urandom |
	dd of="$disk" bs=1M seek=$((start * 512)) oflag=seek_bytes conv=notrunc status=none

cap_boot --panic sysrq --disk "$disk" --kcap "kcap.raw=/dev/vda2"
cap_need_klog "raw target" 'target 1/1: vmcore saved: /dev/vda2 at offset [0-9]+, generation 1 '
cap_need_klog "capture result" 'capture complete: vmcore on target 1/1 \(raw /dev/vda2\)'

# The partition as the host would see it after the reboot.
part=$T/vda2.img
dd if="$disk" of="$part" bs=1M skip=$((start * 512)) count=$((sectors * 512)) \
	iflag=skip_bytes,count_bytes status=none
saved=$T/saved
t0=$(date +%s.%N)
"$BUILD/kcap" savecore "$part" "$saved" >"$T/savecore1.out" 2>"$T/savecore1.err" ||
	cap_fail "kcap savecore $part $saved: exit $? (expected 0): $(cat "$T/savecore1.err")"
note "kcap savecore: $(cap_secs "$t0" "$(date +%s.%N)")s; $(head -n 1 "$T/savecore1.err")"
grep -q 'state complete' "$T/savecore1.err" ||
	check_err "expected savecore to report 'state complete', got: $(head -n 1 "$T/savecore1.err")"
dir=$(cat "$T/savecore1.out")
if [ ! -d "$dir" ] || [ "$(dirname "$dir")" != "$saved" ] ||
	! grep -qE -- "/kcaptest$CAP_DATED_RE" <<<"$dir"; then
	cap_fail "expected savecore to print a new $saved/kcaptest-<date> directory, got '$dir'"
fi
names=$(cd "$dir" && echo *)
[ "$names" = "vmcore vmcore-dmesg.txt" ] ||
	check_err "expected $dir to hold 'vmcore vmcore-dmesg.txt', got '$names'"
got=$(stat -c %a "$dir")
[ "$got" = 700 ] || check_err "expected $dir to have mode 700, got $got"
for f in "$dir"/*; do
	got=$(stat -c %a "$f")
	[ "$got" = 600 ] || check_err "expected $f to have mode 600, got $got"
done
[ ! -f "$dir/vmcore-dmesg.txt" ] || cap_check_text "$dir/vmcore-dmesg.txt"
if [ -f "$dir/vmcore" ]; then
	note "vmcore: $(stat -c %s "$dir/vmcore") bytes"
	verify_dump "$dir/vmcore" "$CAP_MARKER" 'sysrq triggered crash' 'sysrq_handle_crash'
fi
cap_done

# Second savecore: nothing new, nothing copied.
rc=0
"$BUILD/kcap" savecore "$part" "$saved" >"$T/savecore2.out" 2>"$T/savecore2.err" || rc=$?
note "second savecore: exit $rc: $(tail -n 1 "$T/savecore2.err")"
grep -q 'already saved' "$T/savecore2.err" ||
	check_err "expected the second savecore to say 'already saved', got: $(cat "$T/savecore2.err")"
[ ! -s "$T/savecore2.out" ] ||
	check_err "expected the second savecore to print no directory, got '$(cat "$T/savecore2.out")'"
got=$(cd "$saved" && echo *)
[ "$got" = "$(basename "$dir")" ] ||
	check_err "expected $saved to hold only $(basename "$dir") after the second savecore, got '$got'"
cap_done
pass "raw dump of $(($(stat -c %s "$dir/vmcore") / 1024)) KiB taken by savecore, second savecore: nothing new (exit $rc); capture ${CAPTURE_SECS}s after the panic"
