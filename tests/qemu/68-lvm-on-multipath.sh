#!/bin/bash
# 68-lvm-on-multipath: the LUN of 65 (two SCSI paths, same WWN) is an LVM physical volume;
# the target is ext4 in vg0/dump (kcap.ext4=/dev/vg0/dump). kcap joins the paths into the
# multipath device first, the LVM scan takes the PV on it (the paths are skipped: they would
# be three copies of one PV), and vg0/dump is mapped onto the multipath device (253:N), not
# onto a path (8:N).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-dm.sh
. "$(dirname "$0")/lib-dm.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

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
if [ -z "$sector" ] || [ "$sector" -le 0 ]; then
	fail "no offset for vg0/dump in: $LVM_OUT"
fi
mkdir -p "$T/fs.d/var/crash"
truncate -s 900M "$T/fs.img"
mkfs.ext4 -q -F -L LVDUMP -d "$T/fs.d" "$T/fs.img" || fail "mkfs.ext4 failed"
write_fs_at "$disk" "$sector" "$T/fs.img"
rm -f "$T/fs.img"

echo "map mpathlvm $MPATH_WWID" >"$T/map"
mpath_image "$T/map"
mpath_paths "$disk"
capture_test --panic sysrq --disk "$disk" --part "@$sector" --attach extra --image "$MPATH_IMG" \
	--kcap "kcap.ext4=/dev/vg0/dump" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
log=$T/serial.log
line=$(mpath_klog "$log" "multipath: /dev/mapper/mpathlvm \(253:([0-9]+)\) WWID $MPATH_WWID, 2 paths" | head -n 1)
[ -n "$line" ] || fail "no multipath device mpathlvm over the two paths in the capture log; serial log: $log"
note "log: $line"
mpminor=$(sed -E 's/.*\(253:([0-9]+)\).*/\1/' <<<"$line")
grep -qa 'kcap: .*/dev/vg0/dump -> /dev/mapper/vg0-dump' "$log" ||
	check_err "the capture log does not show vg0/dump activated as /dev/mapper/vg0-dump"
# the LV's table maps onto the multipath device, not onto a path (8:N)
line=$(tr -d '\r' <"$log" | { grep -aE "kcap: .*vg0-dump.* linear [0-9]+:[0-9]+ " || true; } | head -n 1)
if [ -z "$line" ]; then
	check_err "no dm-linear table of vg0-dump in the capture log"
elif ! grep -qE " linear 253:$mpminor " <<<"$line"; then
	check_err "expected vg0-dump on the multipath device 253:$mpminor, got: $line"
else
	note "log: ${line#*kcap: }"
fi
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $log"
pass "LVM on multipath: capture ${CAPTURE_SECS}s after the panic"
