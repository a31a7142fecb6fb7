#!/bin/bash
# 63-xfs: XFS targets. One disk holds a decoy XFS (another UUID and label) and the target XFS;
# the capture image is built by mkimage for a kcap.conf with an xfs target, so it carries the
# xfs module. Two crashes: kcap.xfs=UUID=... and kcap.xfs=LABEL=...; each must land on the
# target XFS (two dump directories there, nothing on the decoy). The host reads them back
# through a read-only loop mount after xfs_repair -n.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-dm.sh
. "$(dirname "$0")/lib-dm.sh"

need_tools mkfs.xfs xfs_repair
uuid=$(new_uuid) decoy=$(new_uuid)
disk=$T/disk.img
mkdisk_gpt "$disk" 740 "raw:320" "raw:400"
for p in "1:$decoy:DECOYXFS" "2:$uuid:KCAPXFS"; do
	IFS=: read -r n u l <<<"$p"
	truncate -s "$( [ "$n" = 1 ] && echo 320M || echo 400M )" "$T/p.img"
	mkfs.xfs -q -f -m uuid="$u" -L "$l" "$T/p.img" || fail "mkfs.xfs $l failed"
	dd if="$T/p.img" of="$disk" bs=1M seek=$(($(part_start "$disk" "$n") * 512)) oflag=seek_bytes \
		conv=notrunc,sparse status=none
	rm -f "$T/p.img"
done

printf 'xfs UUID=%s\npath /var/crash\ncore_collector makedumpfile -c -d 31\n' "$uuid" >"$T/kcap.conf"
kcap_image "$T/kcap.conf" "$T/kcap-xfs.img"
xz -dc "$T/kcap-xfs.img" | cpio -t --quiet >"$T/kcap-xfs.list" || fail "cannot list $T/kcap-xfs.img"
grep -q '/xfs\.ko$' "$T/kcap-xfs.list" || fail "the image for an xfs target has no xfs.ko"
! grep -q '/xfs\.ko$' <(xz -dc "$KCAP_IMG" | cpio -t --quiet) ||
	fail "$KCAP_IMG (no xfs target in its kcap.conf) carries xfs.ko"
note "image with xfs.ko: $(stat -c %s "$T/kcap-xfs.img") bytes, without: $(stat -c %s "$KCAP_IMG")"

runs=""
for spec in "UUID=$uuid" "LABEL=KCAPXFS"; do
	cap_boot --panic sysrq --disk "$disk" --image "$T/kcap-xfs.img" --kcap "kcap.xfs=$spec" \
		--log "serial-${spec%%=*}"
	cap_need_klog "device" "target 1/1: xfs $spec -> /dev/vda2"
	cap_need_klog "mount" "target 1/1: mounted /dev/vda2 on /mnt/target1"
	cap_need_klog "result" "capture complete: vmcore on target 1/1 \\(xfs $spec\\)"
	part_extract "$disk" 2 "$T/target.img"
	rm -rf "$T/got"
	xfs_copy_out "$T/target.img" /var/crash "$T/got"
	dirs=$(cd "$T/got" && find . -maxdepth 1 -name 'kcaptest-*' -printf '%f\n' | sort)
	want=$(( $(wc -w <<<"$runs") + 1 ))
	[ "$(wc -w <<<"$dirs")" = "$want" ] ||
		cap_fail "expected $want dump directories on the target XFS, got '$(tr '\n' ' ' <<<"$dirs")'"
	new=$(for d in $dirs; do grep -qxF "$d" <<<"$runs" || echo "$d"; done)
	runs+="$new"$'\n'
	d=$T/got/$new
	names=$(cd "$d" && echo *)
	[ "$names" = "kexec-dmesg.log report.json vmcore vmcore-dmesg.txt" ] ||
		check_err "expected $new to hold 'kexec-dmesg.log report.json vmcore vmcore-dmesg.txt', got '$names'"
	got=$(stat -c %a "$d")
	[ "$got" = 700 ] || check_err "expected $new to have mode 700, got $got"
	[ ! -f "$d/vmcore-dmesg.txt" ] || cap_check_text "$d/vmcore-dmesg.txt"
	rm -rf "$T/verify" # verify_readers writes its files there (makedumpfile does not overwrite)
	[ ! -f "$d/vmcore" ] || verify_dump "$d/vmcore" "$CAP_MARKER" 'sysrq triggered crash' 'sysrq_handle_crash'
	cap_done
	note "$spec: dump in $new, capture ${CAPTURE_SECS}s after the panic"
done

# The decoy XFS was not written.
part_extract "$disk" 1 "$T/decoy.img"
rm -rf "$T/decoy"
xfs_copy_out "$T/decoy.img" / "$T/decoy"
got=$(cd "$T/decoy" && find . -mindepth 1 | tr '\n' ' ')
[ -z "$got" ] || check_err "expected the decoy XFS to stay empty, got: $got"
cap_done
pass "XFS by UUID and by LABEL, decoy untouched"
