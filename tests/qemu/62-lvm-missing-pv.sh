#!/bin/bash
# 62-lvm-missing-pv: VG vg0 spans two PVs (two disks); the capture VM gets only the first, plus
# a disk with a plain ext4. Target 1 (kcap.ext4=/dev/vg0/dump) must be refused with a line that
# names the missing PV's UUID, nothing may be activated, and target 2 (the plain ext4 by UUID)
# gets a complete dump.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-dm.sh
. "$(dirname "$0")/lib-dm.sh"

pv1=$T/pv1.img pv2=$T/pv2.img
truncate -s 128M "$pv1"
truncate -s 128M "$pv2"
cat >"$T/lvm.sh" <<'SH'
pvcreate -q /dev/vda /dev/vdb
vgcreate -q -s 4M vg0 /dev/vda /dev/vdb
lvcreate -q -an -Zn -l 20 -n dump vg0 /dev/vda
lvextend -q -l +10 vg0/dump /dev/vdb
for d in /dev/vda /dev/vdb; do
	echo "LVMOUT pv $d $(pvs --noheadings -o pv_uuid "$d" | tr -d ' ')"
done
SH
lvm_helper "$T/lvm.sh" "$pv1" "$pv2"
absent_pv=$(awk '$1 == "pv" && $2 == "/dev/vdb" { print $3 }' <<<"$LVM_OUT")
[ -n "$absent_pv" ] || fail "no PV UUID for /dev/vdb in: $LVM_OUT"
note "second PV (withheld from the capture VM): $absent_pv"
# The metadata names both PVs: kcap lvm on the first alone must refuse, naming the second.
"$BUILD/kcap" lvm "$pv1" >"$T/kcap-lvm.out" 2>&1 || true
grep -qF "PV $absent_pv" "$T/kcap-lvm.out" ||
	fail "kcap lvm $pv1 does not name the missing PV $absent_pv: $(cat "$T/kcap-lvm.out")"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:900:KCAPDUMP:$uuid"
cap_boot --panic sysrq --disk "$pv1" --disk "$T/disk.img" \
	--kcap "kcap.ext4=/dev/vg0/dump kcap.device_timeout=3 kcap.ext4=UUID=$uuid"
cap_need_klog "refusal naming the missing PV" \
	"target 1/2: ext4 /dev/vg0/dump: refused \\(VG vg0: PV $absent_pv \\(pv1, last seen as /dev/vdb\\) is missing"
cap_need_klog "fallback" "target 2/2: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid\\)"
! grep -qa 'activated as' "$CAP_LOG" || check_err "an LV was activated although its VG is incomplete"
dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of the ext4 disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "vg0 refused (PV $absent_pv missing), dump on target 2, capture ${CAPTURE_SECS}s after the panic"
