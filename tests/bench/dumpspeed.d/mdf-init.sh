#!/bin/sh
# /init of the makedumpfile capture initramfs of tests/bench/dumpspeed: busybox, Debian's
# makedumpfile with its libraries, the virtio modules, benchrun, and kcap (the /init of
# build/kcap.img) as a command-line tool. It reads the same /proc/vmcore several times, one
# measurement after the other, in the order given, each timed by benchrun:
#   kcapbench.runs=floor,c31:vda1,kcap-c31:vdb1,...
#     floor          cat /proc/vmcore >/dev/null (the read floor)
#     c31:DEV        makedumpfile -c -d 31 onto the ext4 file system on /dev/DEV
#     l31:DEV        makedumpfile -l -d 31
#     d1:DEV         makedumpfile -d 1 (kdump format, uncompressed)
#     kcap-LEVEL:DEV `kcap save --conf /bench/kcap-LEVEL.conf` (core_collector makedumpfile
#                    with the same flags): the same crash, the same boot
# Each file system is mounted just before its dump and unmounted after it, as kcap does;
# makedumpfile writes /bench/vmcore-<level>, kcap save /bench/<host>-<date>/vmcore.
# Results are "KCAPBENCH ..." lines on the console; then the machine powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() {
	echo "kcapbench: $*"
}

bye() {
	say "done: powering off"
	sync
	poweroff -f
	sleep 10
}

while read -r ko; do
	insmod "$ko" || say "insmod $ko failed"
done </bench/modules

runs=""
# Split /proc/cmdline into words on purpose (the kernel already did the quoting).
# shellcheck disable=SC2013
for w in $(cat /proc/cmdline); do
	case $w in
	kcapbench.runs=*) runs=${w#*=} ;;
	esac
done
[ -n "$runs" ] || {
	say "FATAL: no kcapbench.runs= on the command line"
	bye
}
say "$(makedumpfile -v 2>&1 | head -n 1)"
say "vmcore: $(stat -c %s /proc/vmcore) bytes; MemFree $(sed -n 's/^MemFree: *//p' /proc/meminfo)"

# wait_dev DEV: up to 10 s for /dev/DEV.
wait_dev() {
	i=0
	while [ ! -b "/dev/$1" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -b "/dev/$1" ]
}

# show_log FILE: the end of a tool's output, progress bars (\r) turned into lines.
show_log() {
	tr '\r' '\n' <"$1" | grep -v '^[[:space:]]*$' | tail -n 4 | sed 's/^/  | /'
}

# mount_dev RUN DEV: the ext4 file system on /dev/DEV on /mnt.
mount_dev() {
	if ! wait_dev "$2"; then
		say "FATAL: $1: no /dev/$2"
		return 1
	fi
	mkdir -p /mnt
	if ! mount -t ext4 "/dev/$2" /mnt; then
		say "FATAL: $1: cannot mount /dev/$2"
		return 1
	fi
	mkdir -p /mnt/bench
}

# mdf RUN DEV FLAGS...: one makedumpfile measurement.
mdf() {
	run=$1 dev=$2
	shift 2
	mount_dev "$run" "$dev" || return
	say "$run: makedumpfile $* /proc/vmcore /mnt/bench/vmcore-$run"
	benchrun "mdf-$run" "/mnt/bench/vmcore-$run" "/tmp/mdf-$run.log" \
		makedumpfile "$@" /proc/vmcore "/mnt/bench/vmcore-$run" ||
		say "$run: makedumpfile exit status $?"
	show_log "/tmp/mdf-$run.log"
	umount /mnt || say "$run: umount /mnt failed"
}

# kcapsave RUN DEV: one kcap save measurement (kcap fsyncs its dump itself). The flags come
# from a config file, as in the capture image: `kcap save -d 1` alone would keep kcap's
# default compression, while makedumpfile -d 1 writes uncompressed pages.
kcapsave() {
	run=$1 dev=$2
	mount_dev "kcap-$run" "$dev" || return
	say "kcap-$run: kcap save --conf /bench/kcap-$run.conf /proc/vmcore /mnt/bench ($(grep '^core_collector' "/bench/kcap-$run.conf"))"
	benchrun "kcap-$run" - "/tmp/kcap-$run.log" \
		kcap save --conf "/bench/kcap-$run.conf" /proc/vmcore /mnt/bench ||
		say "kcap-$run: kcap save exit status $?"
	grep -E 'writing|vmcore written' "/tmp/kcap-$run.log" | sed "s/^/  | kcap-$run: /"
	show_log "/tmp/kcap-$run.log"
	umount /mnt || say "kcap-$run: umount /mnt failed"
}

for r in $(echo "$runs" | tr ',' ' '); do
	case $r in
	floor)
		say "floor: cat /proc/vmcore >/dev/null"
		benchrun floor - /dev/null cat /proc/vmcore || say "floor: cat exit status $?"
		;;
	c31:*) mdf c31 "${r#*:}" -c -d 31 ;;
	l31:*) mdf l31 "${r#*:}" -l -d 31 ;;
	d1:*) mdf d1 "${r#*:}" -d 1 ;;
	kcap-c31:* | kcap-l31:* | kcap-d1:*)
		r=${r#kcap-}
		kcapsave "${r%%:*}" "${r#*:}"
		;;
	*) say "unknown run '$r'" ;;
	esac
done
bye
