# shellcheck shell=bash
# The scenarios that source this file read MPATH_IMG MPATH_WWID ...:
# shellcheck disable=SC2034
# tests/qemu/lib-mpath.sh: dm-multipath scenarios (65, 66) on top of lib.sh (source it first).
#
#   mpath_paths DISK      QEMU_EXTRA: DISK as one SCSI LUN seen through two virtio-scsi HBAs
#                         (two paths, same WWN and serial), devices mpath-path0, mpath-path1
#   mpath_image MAP       a capture image whose kcap.conf is rootfs-overlay's, built by
#                         mkimage with KCAP_MULTIPATH_MAP=MAP (the names a production machine
#                         would have recorded); sets MPATH_IMG
#   mpath_check_log LOG DEV [by-id]
#                         the capture log shows the multipath table over both paths, the
#                         target found and mounted as DEV (/dev/mapper/...), no path mounted;
#                         by-id (a UUID=/LABEL= target): both paths' copy of the file system
#                         seen and refused
#
# The LUN: NAA WWN 0x5000c50015ea71ac, so its WWID (multipath-tools' form, VPD 0x83 NAA
# designator behind a "3") is MPATH_WWID.
MPATH_WWN=0x5000c50015ea71ac
MPATH_WWID=35000c50015ea71ac
MPATH_SERIAL=KCAPMP1

mpath_paths() {
	local disk=$1 i
	QEMU_EXTRA=()
	# Two HBAs, as a SAN host has: each path its own SCSI host. share-rw and no locking:
	# two QEMU block backends on one file, as two fabric paths on one array LUN.
	for i in 0 1; do
		QEMU_EXTRA+=(-device "virtio-scsi-pci,id=hba$i"
			-drive "file=$disk,if=none,id=lun$i,format=raw,file.locking=off"
			-device "scsi-hd,drive=lun$i,bus=hba$i.0,id=mpath-path$i,wwn=$MPATH_WWN,serial=$MPATH_SERIAL,share-rw=on")
	done
}

mpath_image() {
	local map=$1
	kernel_setup --dbg
	MPATH_IMG=$T/kcap-mpath.img
	KCAP_MULTIPATH_MAP=$map "$TOP/initramfs/mkimage" -o "$MPATH_IMG" -k "$KVER" -m "$KROOT" \
		-c "$TOP/rootfs-overlay/etc/kcap.conf" -b "$BUILD" -r "$TOP/rootfs-overlay" \
		-i "$BUILD/inputs.txt" >"$T/mkimage.log" 2>&1 ||
		fail "mkimage with KCAP_MULTIPATH_MAP=$map failed: $(tail -n 3 "$T/mkimage.log")"
	note "$(tail -n 1 "$T/mkimage.log")"
	# the image carries the map and the multipath modules
	xz -dc "$MPATH_IMG" | cpio -it --quiet >"$T/image.list" 2>/dev/null ||
		fail "cannot list $MPATH_IMG"
	grep -qx 'etc/kcap-multipath' "$T/image.list" || fail "$MPATH_IMG has no /etc/kcap-multipath"
	grep -q '/dm-multipath.ko$' "$T/image.list" || fail "$MPATH_IMG has no dm-multipath.ko"
	grep -q '/dm-service-time.ko$' "$T/image.list" || fail "$MPATH_IMG has no dm-service-time.ko"
}

# mpath_klog RE: kcap lines of the capture kernel matching RE (timestamps cut).
mpath_klog() {
	tr -d '\r' <"$1" | { grep -aE -- "kcap: .*$2" || true; } | sed 's/^\[[^]]*\] //'
}

mpath_check_log() {
	local log=$1 dev=$2 line
	line=$(mpath_klog "$log" "multipath: /dev/mapper/[^ ]+ \([0-9]+:[0-9]+\) WWID $MPATH_WWID, 2 paths: sd[a-z]+ sd[a-z]+; table: 0 [0-9]+ multipath 0 0 1 1 service-time 0 2 [12] [0-9]+:[0-9]+ [0-9 ]+ [0-9]+:[0-9]+ " | head -n 1)
	if [ -z "$line" ]; then
		check_err "expected a 'multipath: ... WWID $MPATH_WWID, 2 paths ... table: ... multipath ...' line (the live table over both paths), got: $(mpath_klog "$log" multipath | head -n 3)"
	else
		note "log: $line"
	fi
	line=$(mpath_klog "$log" "multipath: $dev: partition [0-9]+ of .*linear [0-9]+:[0-9]+ [0-9]+" | head -n 1)
	[ -n "$line" ] || check_err "expected the partition map $dev (dm-linear on the multipath device) in the log"
	[ -z "$line" ] || note "log: $line"
	line=$(mpath_klog "$log" "-> $dev\$" | head -n 1)
	[ -n "$line" ] || check_err "expected the target to be found as $dev, got: $(mpath_klog "$log" ' -> ' | head -n 2)"
	mpath_klog "$log" "mounted $dev on " | grep -q . ||
		check_err "expected 'mounted $dev on ...' in the capture log"
	line=$(mpath_klog "$log" 'mounted /dev/(sd|vd)' | head -n 1)
	[ -z "$line" ] || check_err "a path was mounted directly: $line"
	# by UUID=/LABEL=: the same file system seen on both paths, refused there
	[ "${3:-}" = by-id ] || return 0
	line=$(mpath_klog "$log" "blkdev: /dev/sd[a-z]+[0-9]+ has .* but is a path of a multipath LUN")
	[ "$(grep -c . <<<"$line")" = 2 ] ||
		check_err "expected both paths' partitions refused as paths of a multipath LUN, got: $line"
}
