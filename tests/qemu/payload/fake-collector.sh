#!/bin/sh
# A stand-in collector for checking the test harness itself (tests/qemu/lib.sh fake_kcap_image):
# it does, with the host's makedumpfile, what kcap's collector promises:
#   <path>/<host>-<YYYY-MM-DD-HH:MM:SS>/{vmcore-dmesg.txt, vmcore, kexec-dmesg.log}
# on the ext4 file system named by kcap.ext4= (UUID=, LABEL= or a device), path kcap.path=
# (default /var/crash), then powers off.  kcap.fake=nothing: write nothing; kcap.fake=elf: the
# vmcore is a plain copy of /proc/vmcore (every page) instead of makedumpfile -l -d 31.
# It is not kcap; the committed scenarios test build/kcap.img.
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() {
	echo "<5>kcap-fake: $*" >/dev/kmsg
}

out() {
	say "$*"
	sleep 1
	poweroff -f
}

[ -e /proc/vmcore ] || out "not a capture kernel (no /proc/vmcore)"
target="" path=/var/crash mode=""
# Split /proc/cmdline into words on purpose (the kernel already did the quoting).
# shellcheck disable=SC2013
for w in $(cat /proc/cmdline); do
	case $w in
	kcap.ext4=*) target=${w#*=} ;;
	kcap.path=*) path=${w#*=} ;;
	kcap.fake=*) mode=${w#*=} ;;
	esac
done
[ "$mode" != nothing ] || out "told to write nothing"
while read -r ko; do
	insmod "$ko" || say "insmod $ko failed"
done </fake/modules
case $target in
UUID=* | LABEL=*)
	n=0
	until dev=$(findfs "$target" 2>/dev/null); do
		n=$((n + 1))
		[ $n -lt 50 ] || out "no device for $target"
		sleep 0.1
	done
	;;
*) dev=$target ;;
esac
mkdir -p /mnt
mount -t ext4 "$dev" /mnt || out "mount $dev failed"
dir=/mnt$path/kcaptest-$(date +%Y-%m-%d-%H:%M:%S)
mkdir -p "$dir"
makedumpfile --dump-dmesg /proc/vmcore "$dir/vmcore-dmesg.txt" || say "dmesg failed"
if [ "$mode" = elf ]; then
	cat /proc/vmcore >"$dir/vmcore-incomplete"
else
	makedumpfile -l -d 31 /proc/vmcore "$dir/vmcore-incomplete"
fi && mv "$dir/vmcore-incomplete" "$dir/vmcore"
dmesg >"$dir/kexec-dmesg.log"
umount /mnt
out "saved to $dev:$path"
