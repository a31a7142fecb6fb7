#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# initramfs/mkimage and multipath (issue 12): the production machine's maps are recorded
# into the image's /etc/kcap-multipath from sysfs (dm uuid mpath-WWID, partN-mpath-WWID;
# other dm devices ignored) and then /etc/multipath/bindings (LUNs not mapped now); the
# [multipath] modules go in for a /dev/mapper target that does not exist here, and not for a
# plain UUID= target; a malformed KCAP_MULTIPATH_MAP is refused. The machine is a fake root
# (KCAP_MULTIPATH_ROOT). Reuses build/ and the pinned kernel's modules (make first).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
b=$top/build
for f in kcap busybox dbclient host/gen_cpio kernel/release inputs.txt; do
	if [ ! -e "$b/$f" ]; then
		echo "SKIP: no build/$f (run make first)"
		exit 77
	fi
done
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
scratch mkimage-mpath
kver=$(cat "$b/kernel/release")
root=$work/root
w1=3600a0b800012345600000000000000aa w2=3600a0b800012345600000000000000bb
mkdir -p "$root/sys/block/dm-0/dm" "$root/sys/block/dm-1/dm" "$root/sys/block/dm-2/dm" \
	"$root/etc/multipath"
echo "mpath-$w1" >"$root/sys/block/dm-0/dm/uuid"
echo mpatha >"$root/sys/block/dm-0/dm/name"
echo "part2-mpath-$w1" >"$root/sys/block/dm-1/dm/uuid"
echo mpatha-part2 >"$root/sys/block/dm-1/dm/name"
echo "LVM-abcdef" >"$root/sys/block/dm-2/dm/uuid"
echo vg0-lv0 >"$root/sys/block/dm-2/dm/name"
printf '# Multipath bindings, Version : 1.0\nmpatha %s\nmpathb %s\n' "$w1" "$w2" \
	>"$root/etc/multipath/bindings"

# mk NAME CONF [ENV...]: mkimage into $work/NAME.img, the list of names in $work/NAME.list
mk() {
	local name=$1 conf=$2
	shift 2
	env "$@" "$top/initramfs/mkimage" -o "$work/$name.img" -k "$kver" -m "$b/kernel/root" \
		-c "$conf" -b "$b" -r "$top/rootfs-overlay" >"$work/$name.log" 2>&1 || return 1
	xz -dc "$work/$name.img" | cpio -it --quiet >"$work/$name.list" 2>/dev/null
}

printf 'ext4 /dev/mapper/mpatha-part2\npath /var/crash\n' >"$work/mapper.conf"
if mk mapper "$work/mapper.conf" KCAP_MULTIPATH_ROOT="$root"; then
	ok
	check "mapper target: dm-multipath in the image" 1 \
		"$(grep -c '/dm-multipath.ko$' "$work/mapper.list")"
	(cd "$work" && xz -dc mapper.img | cpio -id --quiet etc/kcap-multipath 2>/dev/null)
	printf 'map mpatha %s\npart mpatha-part2 %s 2\nmap mpathb %s\n' "$w1" "$w1" "$w2" >"$work/want"
	check_file "the recorded map" "$work/want" "$work/etc/kcap-multipath"
else
	fail "mkimage with a /dev/mapper target" "exit 0" "failed" "$work/mapper.log"
fi

printf 'ext4 UUID=0b5c3e2a-1111-2222-3333-444455556666\n' >"$work/plain.conf"
if mk plain "$work/plain.conf" KCAP_MULTIPATH_ROOT="$root"; then
	ok
	check "plain UUID= target: no dm-multipath" 0 "$(grep -c '/dm-multipath.ko$' "$work/plain.list")"
	check "plain UUID= target: no map" 0 "$(grep -c '^etc/kcap-multipath$' "$work/plain.list")"
else
	fail "mkimage with a UUID= target" "exit 0" "failed" "$work/plain.log"
fi

printf 'map mpatha\n' >"$work/bad.map"
if mk bad "$work/plain.conf" KCAP_MULTIPATH_MAP="$work/bad.map"; then
	fail "a malformed KCAP_MULTIPATH_MAP" "mkimage fails" "it built an image"
else
	check "a malformed KCAP_MULTIPATH_MAP is named" 1 \
		"$(grep -c 'bad.map:1: expected "map NAME WWID"' "$work/bad.log")" "$work/bad.log"
fi
finish
