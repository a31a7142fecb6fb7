#!/bin/bash
# 60-lvm-ext4: sysrq crash, kcap activates vg0/dump (a linear LV, after another LV on the same
# PV) from the LVM metadata it reads itself and saves to the ext4 in it (kcap.ext4=/dev/vg0/dump).
# The host reads the dump back from the LV's extents in the disk image.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-dm.sh
. "$(dirname "$0")/lib-dm.sh"

disk=$T/disk.img
truncate -s 1100M "$disk"
{
	echo 'pvcreate -q /dev/vda'
	echo 'vgcreate -q -s 4M vg0 /dev/vda'
	echo 'lvcreate -q -an -Zn -L 16M -n other vg0'
	echo 'lvcreate -q -an -Zn -L 900M -n dump vg0'
	lvm_report_script
} >"$T/lvm.sh"
lvm_helper "$T/lvm.sh" "$disk"
sector=$(lvm_lv_sector dump)
{ [ -n "$sector" ] && [ "$sector" -gt 0 ]; } || fail "no offset for vg0/dump in: $LVM_OUT"
note "vg0/dump starts at sector $sector of the disk"

mkdir -p "$T/fs.d/var/crash"
truncate -s 900M "$T/fs.img"
mkfs.ext4 -q -F -L LVDUMP -d "$T/fs.d" "$T/fs.img" || fail "mkfs.ext4 failed"
write_fs_at "$disk" "$sector" "$T/fs.img"
rm -f "$T/fs.img"

capture_test --panic sysrq --disk "$disk" --part "@$sector" --kcap "kcap.ext4=/dev/vg0/dump" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
grep -qa 'kcap: .*/dev/vg0/dump -> /dev/mapper/vg0-dump' "$T/serial.log" ||
	fail "the capture log does not show vg0/dump activated as /dev/mapper/vg0-dump; serial log: $T/serial.log"
pass "capture ${CAPTURE_SECS}s after the panic"
