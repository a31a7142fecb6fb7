#!/bin/sh
# /init of the production test VM (built into build/qemu/prod*.img by tests/qemu/lib.sh).
# It plays the production side of kcap: load the capture kernel, leave a marker in the
# kernel log, optionally fill memory with a known pattern, then crash the way it is told.
# Everything comes from the kernel command line (unknown dotted parameters never reach init):
#   kcaptest.capture="..."   capture kernel command line (kcap.panic=<kernel.panic> is added,
#                            and the contents of /kcaptest/capture.cmdline if it exists)
#   kcaptest.panic=sysrq|oops|scribble|softlockup|hungtask|nmi|none
#   kcaptest.marker=UUID     logged as "KCAPTEST-MARKER-UUID" at KERN_EMERG before the crash
#   kcaptest.fill=MIB        fill MIB of anonymous memory with "KCAPFILL<page index>" pages
#   kcaptest.freeze=DEV      hungtask: the ext4 device to mount, freeze and write to
#   kcaptest.noload          do not load a capture kernel (negative tests)
# Progress lines go to /dev/kmsg (so they are in the serial log and in the dump).
export PATH=/bin:/sbin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() {
	echo "<5>kcaptest: $*" >/dev/kmsg
}

die() {
	echo "<2>kcaptest: FATAL: $*" >/dev/kmsg
	sleep 1
	poweroff -f
}

hostname kcaptest

panic="" marker="" fill="" freeze="/dev/vda1" noload=0
# Split /proc/cmdline into words on purpose (the kernel already did the quoting).
# shellcheck disable=SC2013
for w in $(cat /proc/cmdline); do
	case $w in
	kcaptest.panic=*) panic=${w#*=} ;;
	kcaptest.marker=*) marker=${w#*=} ;;
	kcaptest.fill=*) fill=${w#*=} ;;
	kcaptest.freeze=*) freeze=${w#*=} ;;
	kcaptest.noload) noload=1 ;;
	esac
done
capture=$(sed -n 's/.*kcaptest\.capture="\([^"]*\)".*/\1/p' /proc/cmdline)
# Options that need quotes of their own come in a file (a cpio appended to the initramfs).
[ ! -r /kcaptest/capture.cmdline ] || capture="$capture $(cat /kcaptest/capture.cmdline)"

while read -r ko; do
	insmod "$ko" || die "insmod $ko failed"
done </kcaptest/modules

if [ $noload = 0 ]; then
	kpanic=$(cat /proc/sys/kernel/panic)
	append="$capture kcap.panic=$kpanic"
	say "kexec -p /kcaptest/vmlinuz --initrd=/kcaptest/capture.img --append=\"$append\""
	kexec -p /kcaptest/vmlinuz --initrd=/kcaptest/capture.img --append="$append" ||
		die "kexec -p failed"
	loaded=$(cat /sys/kernel/kexec_crash_loaded)
	[ "$loaded" = 1 ] || die "/sys/kernel/kexec_crash_loaded is '$loaded' after kexec -p"
	say "capture kernel loaded"
fi

if [ -n "$fill" ]; then
	kcapfill "$fill" >/dev/kmsg 2>&1 || die "kcapfill $fill failed"
fi

[ -z "$marker" ] || echo "<0>KCAPTEST-MARKER-$marker" >/dev/kmsg

case $panic in
sysrq)
	echo 1 >/proc/sys/kernel/sysrq
	say "panic: sysrq c"
	echo c >/proc/sysrq-trigger
	;;
oops)
	echo 1 >/proc/sys/kernel/panic_on_oops
	say "panic: oops (insmod kcapoops.ko, panic_on_oops=1)"
	insmod /kcaptest/kcapoops.ko
	;;
scribble)
	say "panic: scribbled mem_map (insmod kcapoops.ko mode=scribble)"
	insmod /kcaptest/kcapoops.ko mode=scribble
	;;
softlockup)
	echo 1 >/proc/sys/kernel/softlockup_panic
	echo 1 >/proc/sys/kernel/watchdog_thresh
	say "panic: soft lockup (insmod kcapoops.ko mode=softlockup, softlockup_panic=1)"
	insmod /kcaptest/kcapoops.ko mode=softlockup
	;;
hungtask)
	mkdir -p /mnt
	mount -t ext4 "$freeze" /mnt || die "mount $freeze failed"
	echo 1 >/proc/sys/kernel/hung_task_panic
	echo 2 >/proc/sys/kernel/hung_task_timeout_secs
	echo 1 >/proc/sys/kernel/hung_task_check_interval_secs 2>/dev/null
	fsfreeze --freeze /mnt || die "fsfreeze --freeze /mnt failed"
	say "panic: hung task (write to frozen $freeze, hung_task_panic=1)"
	echo blocked >/mnt/kcaptest-blocked &
	;;
nmi)
	echo 1 >/proc/sys/kernel/unknown_nmi_panic
	say "panic: waiting for an NMI (unknown_nmi_panic=1)"
	echo "<5>KCAPTEST-NMI-READY" >/dev/kmsg
	;;
none | "")
	say "no panic requested; powering off"
	poweroff -f
	;;
*)
	die "unknown kcaptest.panic=$panic"
	;;
esac

sleep 120
die "still running 120 s after the '$panic' trigger"
