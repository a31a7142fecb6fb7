#!/bin/bash
# 64-lvm-striped-uuid: VG vg1 over two disks holds a linear LV (with a decoy ext4) and a
# striped LV (2 stripes of 64 KiB) with the target ext4. The target is kcap.ext4=UUID=...:
# kcap must find the file system by reading the superblock through the PV offset of each LV's
# first extent, activate only that LV with dm-striped, and save the dump there. The host puts
# the file system in and takes it out stripe by stripe.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-dm.sh
. "$(dirname "$0")/lib-dm.sh"

d1=$T/d1.img d2=$T/d2.img
truncate -s 200M "$d1"
truncate -s 200M "$d2"
cat >"$T/lvm.sh" <<'SH'
pvcreate -q /dev/vda /dev/vdb
vgcreate -q -s 4M vg1 /dev/vda /dev/vdb
lvcreate -q -an -Zn -L 32M -n plain vg1 /dev/vda
lvcreate -q -an -Zn -i 2 -I 64k -L 256M -n dump vg1
echo "LVMOUT ext $(vgs --noheadings --nosuffix --units s -o vg_extent_size vg1 | tr -d ' ')"
for d in /dev/vda /dev/vdb; do
	echo "LVMOUT pe_start $d $(pvs --noheadings --nosuffix --units s -o pe_start "$d" | tr -d ' ')"
done
lvs --noheadings --nosuffix --units s -o lv_name,stripes,stripe_size,seg_pe_ranges vg1 |
	while read -r line; do echo "LVMOUT lv $line"; done
SH
lvm_helper "$T/lvm.sh" "$d1" "$d2"
ext=$(awk '$1 == "ext" { print $2 }' <<<"$LVM_OUT")
# "lv dump 2 128 /dev/vda:8-39 /dev/vdb:0-31": the stripes in order, with their first extent.
read -r _ _ nstripes ssize r1 r2 <<<"$(awk '$1 == "lv" && $2 == "dump"' <<<"$LVM_OUT")"
{ [ "$nstripes" = 2 ] && [ "$ssize" = 128 ]; } || fail "vg1/dump is not 2 stripes of 128 sectors: $LVM_OUT"
areas=()
for r in "$r1" "$r2"; do
	dev=${r%%:*} pe=${r#*:}
	pe=${pe%%-*}
	start=$(awk -v d="$dev" '$1 == "pe_start" && $2 == d { print $3 }' <<<"$LVM_OUT")
	case $dev in /dev/vda) img=$d1 ;; /dev/vdb) img=$d2 ;; *) fail "unexpected PV $dev" ;; esac
	areas+=("$img:$((start + pe * ext))")
done
# "lv plain 1 0 /dev/vda:0-7"
plain=$(awk '$1 == "lv" && $2 == "plain" { print $5 }' <<<"$LVM_OUT")
[ "${plain%%:*}" = /dev/vda ] || fail "vg1/plain is not on /dev/vda: $LVM_OUT"
plain_pe=${plain#*:}
plain_pe=${plain_pe%%-*}
plain_sector=$(( $(awk '$1 == "pe_start" && $2 == "/dev/vda" { print $3 }' <<<"$LVM_OUT") + plain_pe * ext ))
note "vg1/dump stripes: ${areas[*]}"

# The decoy: an ext4 with another UUID in vg1/plain (its first extents are the PV's first).
mkdir -p "$T/fs.d/var/crash"
truncate -s 32M "$T/decoy.img"
mkfs.ext4 -q -F -L DECOY -U "$(new_uuid)" -d "$T/fs.d" "$T/decoy.img" || fail "mkfs.ext4 (decoy) failed"
write_fs_at "$d1" "$plain_sector" "$T/decoy.img"
uuid=$(new_uuid)
truncate -s 256M "$T/fs.img"
mkfs.ext4 -q -F -L STRIPED -U "$uuid" -d "$T/fs.d" "$T/fs.img" || fail "mkfs.ext4 failed"
lvm_stripes write "$T/fs.img" 128 "${areas[@]}"
rm -f "$T/fs.img"

cap_boot --panic sysrq --disk "$d1" --disk "$d2" --kcap "kcap.ext4=UUID=$uuid"
cap_need_klog "activation" "LV vg1/dump activated as vg1-dump: 0 524288 striped 2 128 "
cap_need_klog "device" "target 1/1: ext4 UUID=$uuid -> /dev/mapper/vg1-dump"
! grep -qa 'vg1/plain activated' "$CAP_LOG" || check_err "vg1/plain was activated too"

truncate -s 256M "$T/lv.img"
lvm_stripes read "$T/lv.img" 128 "${areas[@]}"
dirs=$(cap_dump_dirs "$T/lv.img" @0 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of vg1/dump, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/lv.img" @0 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "ext4 by UUID in a striped LV, capture ${CAPTURE_SECS}s after the panic"
