#!/bin/bash
# 61-lvm-raw: sysrq crash, kcap writes the dump raw into an LVM logical volume
# (kcap.raw=/dev/mapper/vg--kcap-raw, the mapper name of vg-kcap/raw with its dash doubled),
# which it activates from the metadata it reads itself. The host copies the LV's extents out of
# the disk image and `kcap savecore` takes the dump from them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-dm.sh
. "$(dirname "$0")/lib-dm.sh"

disk=$T/disk.img
truncate -s 200M "$disk"
{
	echo 'pvcreate -q /dev/vda'
	echo 'vgcreate -q -s 4M vg-kcap /dev/vda'
	echo 'lvcreate -q -an -Zn -L 8M -n first vg-kcap'
	echo 'lvcreate -q -an -Zn -L 128M -n raw vg-kcap'
	lvm_report_script
} >"$T/lvm.sh"
lvm_helper "$T/lvm.sh" "$disk"
sector=$(lvm_lv_sector raw)
{ [ -n "$sector" ] && [ "$sector" -gt 0 ]; } || fail "no offset for vg-kcap/raw in: $LVM_OUT"
sectors=$((128 * 2048))
# Not zeros: whatever was in the LV before must not matter.
head -c $((sectors * 512)) /dev/urandom |
	dd of="$disk" bs=1M seek=$((sector * 512)) oflag=seek_bytes conv=notrunc status=none

cap_boot --panic sysrq --disk "$disk" --kcap "kcap.raw=/dev/mapper/vg--kcap-raw"
cap_need_klog "activation" '/dev/mapper/vg--kcap-raw -> /dev/mapper/vg--kcap-raw'
cap_need_klog "capture result" 'capture complete: vmcore on target 1/1 \(raw /dev/mapper/vg--kcap-raw\)'

lv=$T/lv.img
dd if="$disk" of="$lv" bs=1M skip=$((sector * 512)) count=$((sectors * 512)) \
	iflag=skip_bytes,count_bytes status=none
saved=$T/saved
"$BUILD/kcap" savecore "$lv" "$saved" >"$T/savecore.out" 2>"$T/savecore.err" ||
	cap_fail "kcap savecore $lv $saved: exit $? (expected 0): $(cat "$T/savecore.err")"
grep -q 'state complete' "$T/savecore.err" ||
	check_err "expected savecore to report 'state complete', got: $(head -n 1 "$T/savecore.err")"
dir=$(cat "$T/savecore.out")
[ -d "$dir" ] || cap_fail "kcap savecore printed no directory: '$dir'"
names=$(cd "$dir" && echo *)
[ "$names" = "vmcore vmcore-dmesg.txt" ] ||
	check_err "expected $dir to hold 'vmcore vmcore-dmesg.txt', got '$names'"
[ ! -f "$dir/vmcore-dmesg.txt" ] || cap_check_text "$dir/vmcore-dmesg.txt"
[ -f "$dir/vmcore" ] && verify_dump "$dir/vmcore" "$CAP_MARKER" 'sysrq triggered crash' 'sysrq_handle_crash'
# The LV before it (vg-kcap/first, the first 8 MiB of extents) was not written.
first=$(lvm_lv_sector first)
if [ "$(dd if="$disk" bs=512 skip="$first" count=16384 status=none | tr -d '\0' | wc -c)" != 0 ]; then
	check_err "vg-kcap/first (sector $first) is no longer all zeros"
fi
cap_done
pass "raw dump in an LV taken by savecore, capture ${CAPTURE_SECS}s after the panic"
