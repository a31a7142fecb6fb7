# shellcheck shell=bash
# tests/qemu/lib-dm.sh: device-mapper scenarios (LVM, XFS, multipath), sourced after lib.sh.
# Each feature keeps its helpers in its own block below.

# --- LVM and XFS (branch lvm) --------------------------------------------------------------
#
# This host has no device-mapper, so volume groups are made in a helper VM: the Debian cloud
# kernel with dm-mod, BusyBox and the host's own lvm binary. The helper only writes LVM
# metadata; file systems are made on the host and written at the LV's offset in the disk
# image, which lvm_helper reports. Nothing is cached: each scenario builds its disks in $T.

# lvm_helper SCRIPT DISK...: run the POSIX sh SCRIPT in the helper VM with DISK... as
# /dev/vda, /dev/vdb, ... Its output is in $T/lvm-helper.log; the lines it prints as
# "LVMOUT <words>" are in LVM_OUT. Fails when the script does not end with status 0.
lvm_helper() {
	local script=$1 root=$T/lvm-helper.d img=$T/lvm-helper.img log=$T/lvm-helper.log d
	shift
	kernel_setup
	rm -rf "$root"
	mkdir -p "$root/etc/lvm" "$root/run/lock/lvm" "$root/kcaptest"
	add_busybox "$root"
	add_dynamic "$root" /sbin/lvm /sbin/lvm
	for d in pvcreate vgcreate lvcreate lvextend pvs vgs lvs vgchange; do
		ln -s lvm "$root/sbin/$d"
	done
	add_modules "$root" /kcaptest/modules virtio_pci virtio_blk dm-mod
	# No udev in the helper: lvm makes its own nodes and waits for nobody.
	cat >"$root/etc/lvm/lvm.conf" <<-'EOF'
		devices { obtain_device_list_from_udev = 0 filter = [ "a|^/dev/vd|", "r|.*|" ] }
		activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }
		global { use_lvmpolld = 0 }
	EOF
	cat >"$root/init" <<-'EOF'
		#!/bin/sh
		export PATH=/bin:/sbin
		mount -t proc proc /proc
		mount -t sysfs sysfs /sys
		mount -t devtmpfs devtmpfs /dev
		while read -r ko; do insmod "$ko" || echo "LVMHELPER insmod $ko failed"; done </kcaptest/modules
		n=0
		while [ ! -b /dev/vda ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
		sh -eu /kcaptest/script.sh
		echo "LVMHELPER-RC=$?"
		sync
		poweroff -f
	EOF
	chmod 755 "$root/init"
	cp "$script" "$root/kcaptest/script.sh"
	cpio_dir "$root" "$img"
	rm -rf "$root"
	# shellcheck disable=SC2034 # read by run_qemu (lib.sh)
	QEMU_DISKS=("$@")
	local qmem=$QEMU_MEM
	QEMU_MEM=256
	run_qemu "$log" "$VMLINUZ" "$img" "console=ttyS0 panic=-1 quiet loglevel=3" ||
		fail "LVM helper VM did not end ($QEMU_END after ${QEMU_SECS}s); log: $log"
	QEMU_MEM=$qmem
	grep -qa '^LVMHELPER-RC=0' "$log" || fail "LVM helper script failed; log: $log"
	LVM_OUT=$(sed -n 's/\r$//; s/^LVMOUT //p' "$log")
	note "LVM helper VM ${QEMU_SECS}s"
}

# lvm_lv_sector NAME: first sector on its PV's disk of the LV's first segment, from the
# "LVMOUT lv NAME <pe_start sectors> <extent sectors> <first PE>" lines the scripts print
# (see lvm_report_script).
lvm_lv_sector() {
	awk -v n="$1" '$1 == "lv" && $2 == n { print $3 + $4 * $5; exit }' <<<"$LVM_OUT"
}

# lvm_report_script: shell lines for a helper script that report each LV's first segment
# (lv NAME PE_START EXTENT_SECTORS FIRST_PE), all numbers in 512-byte sectors.
lvm_report_script() {
	cat <<-'EOF'
		lvs --noheadings --nosuffix --units s -o lv_name,vg_extent_size,seg_pe_ranges |
		while read -r lv ext ranges; do
			dev=${ranges%%:*}
			pe=${ranges#*:}
			pe=${pe%%-*}
			start=$(pvs --noheadings --nosuffix --units s -o pe_start "$dev" | tr -d ' ')
			echo "LVMOUT lv $lv $start $ext $pe"
		done
	EOF
}

# write_fs_at IMG SECTOR FSIMG: copy the file system image FSIMG into IMG at SECTOR.
write_fs_at() {
	dd if="$3" of="$1" bs=1M seek=$(($2 * 512)) oflag=seek_bytes conv=notrunc,sparse status=none ||
		fail "dd $3 into $1 at sector $2 failed"
}

# kcap_image CONF OUT: a capture initramfs built by mkimage for kcap.conf CONF (its targets pick
# the module groups, e.g. [xfs]), from build/kcap and the cloud kernel's modules.
kcap_image() {
	kernel_setup
	"$TOP/initramfs/mkimage" -o "$2" -k "$KVER" -m "$BUILD/kernel/root" -c "$1" -b "$BUILD" \
		-r "$TOP/rootfs-overlay" -i "$BUILD/inputs.txt" >"$2.log" 2>&1 ||
		fail "mkimage for $1 failed: $(tail -n 3 "$2.log")"
	note "$(grep 'mkimage: .*entries' "$2.log" | sed 's/^mkimage: //')"
}

# part_extract IMG N OUT: partition N of IMG as a file of its own (sparse).
part_extract() {
	local start sectors
	start=$(part_start "$1" "$2")
	sectors=$(sfdisk -d "$1" | awk -v n="$1$2" '$1 == n { sub(/,/, "", $6); print $6 }')
	{ [ -n "$start" ] && [ -n "$sectors" ]; } || fail "$1 has no partition $2"
	dd if="$1" of="$3" bs=1M skip=$((start * 512)) count=$((sectors * 512)) \
		iflag=skip_bytes,count_bytes conv=sparse status=none || fail "dd of $1 partition $2 failed"
}

# xfs_copy_out FSIMG DIR OUT: copy DIR of the XFS image FSIMG to OUT (cp -a), through a
# read-only loop mount (this host's kernel has XFS) that is gone when the function returns.
# xfs_repair -n first: the file system must be consistent with a clean log.
xfs_copy_out() {
	local mnt=$T/xfs.mnt rc=0
	xfs_repair -n -f "$1" >"$1.repair" 2>&1 ||
		check_err "xfs_repair -n $1 found problems (a dirty log, or damage): $(tail -n 2 "$1.repair")"
	mkdir -p "$mnt" "$3"
	mount -t xfs -o loop,ro,norecovery "$1" "$mnt" || fail "mount -o loop,ro $1 failed"
	cp -a "$mnt/$2/." "$3/" || rc=$?
	umount "$mnt" || umount -l "$mnt"
	[ $rc = 0 ] || fail "copying $2 out of $1 failed"
}

# lvm_stripes write|read FILE CHUNK_SECTORS DISK:SECTOR...: copy FILE into (write) or out of
# (read) a striped LV whose stripes start at SECTOR of each DISK, in stripe order, the way
# dm-striped lays it out (chunk k on stripe k mod N, at chunk k div N of that stripe).
# read takes the length from FILE's current size (create it with truncate first).
lvm_stripes() {
	python3 - "$@" <<-'PY' || fail "lvm_stripes $* failed"
		import os, sys
		mode, path, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]) * 512
		areas = [(d, int(s) * 512) for d, s in (a.rsplit(":", 1) for a in sys.argv[4:])]
		fds = [os.open(d, os.O_RDWR) for d, _ in areas]
		size = os.path.getsize(path)
		with open(path, "r+b") as f:
		    for k in range(0, (size + chunk - 1) // chunk):
		        i, off = k % len(areas), areas[k % len(areas)][1] + (k // len(areas)) * chunk
		        f.seek(k * chunk)
		        if mode == "write":
		            os.pwrite(fds[i], f.read(chunk), off)
		        else:
		            f.write(os.pread(fds[i], min(chunk, size - k * chunk), off))
	PY
}
