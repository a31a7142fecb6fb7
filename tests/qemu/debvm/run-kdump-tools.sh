#!/bin/sh
# /root/kcaptest/run BOOT in the Debian VM for the anchor (tests/bench/vs-kdump-tools):
# Debian's kdump-tools as its documentation says. Boot 1: install the packages (its kernel
# hook builds /var/lib/kdump/initrd.img-<release>), load (kdump-config load), status, crash
# with sysrq. Boot 2: kdump-config status and the dump directory, power off.
set -u
echo 1 >/proc/sys/kernel/printk
section() {	# section NAME COMMAND...
	name=$1
	shift
	echo "KCAPTEST-$name-BEGIN"
	"$@"
	echo "exit $?"
	echo "KCAPTEST-$name-END"
}
case $1 in
1)
	# the packages' triggers would rebuild /boot/initrd.img, minutes under TCG, for nothing
	sed -i 's/^update_initramfs=.*/update_initramfs=no/' /etc/initramfs-tools/update-initramfs.conf
	section INSTALL env DEBIAN_FRONTEND=noninteractive dpkg -i /root/debs-kdump-tools/*.deb
	sed -i 's/^USE_KDUMP=.*/USE_KDUMP=1/' /etc/default/kdump-tools
	# its initrd for this kernel (the kernel hook's job at kernel installs)
	[ -f "/var/lib/kdump/initrd.img-$(uname -r)" ] ||
		section INITRD /etc/kernel/postinst.d/kdump-tools "$(uname -r)"
	section LOAD kdump-config load
	section STATUS1 kdump-config status
	echo "KCAPTEST-IMGSIZE $(stat -c %s "/var/lib/kdump/initrd.img-$(uname -r)")"
	# shellcheck disable=SC2013 # the words of the kernel command line
	for w in $(cat /proc/cmdline); do
		case $w in kcaptest.marker=*) echo "<0>KCAPTEST-MARKER-${w#*=}" >/dev/kmsg ;; esac
	done
	sync
	echo 1 >/proc/sys/kernel/sysrq
	echo c >/proc/sysrq-trigger
	systemctl poweroff
	;;
2)
	section STATUS2 kdump-config status
	section DUMPS ls -lR /var/crash
	sync
	systemctl poweroff
	;;
*)
	systemctl poweroff
	;;
esac
