#!/bin/sh
# /root/kcaptest/run BOOT in the Debian VM (tests/qemu/50-debian-deb, 51-debian-raw): the
# administrator's steps. Boot 1: install the .deb (with our /etc/kcap.conf already in place,
# kept as the admin's), kcapctl status/show/estimate, crash with kcapctl test --yes. Boot 2
# (after the capture rebooted the machine): kcapctl status and status --json, power off.
# Output sections are framed by KCAPTEST-<NAME>-BEGIN/END lines for the host.
set -u
# only emergencies on the console: the sections stay readable (panics are emergencies)
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
	cp /root/kcaptest/kcap.conf /etc/kcap.conf
	if [ -f /root/kcaptest/fallback ]; then
		# load through the kexec_load fallback: kexec-tools, and the admin's /etc/default/kcap
		# (kexec-tools with its dependencies, the Xen libraries among them; not kdump-tools)
		# the packages' triggers would rebuild /boot/initrd.img, minutes under TCG, for nothing
		sed -i 's/^update_initramfs=.*/update_initramfs=no/' /etc/initramfs-tools/update-initramfs.conf
		mkdir -p /root/debs-kexec
		for deb in /root/debs-kdump-tools/*.deb; do
			case $deb in */kdump-tools_*) ;; *) cp "$deb" /root/debs-kexec/ ;; esac
		done
		section KEXECTOOLS env DEBIAN_FRONTEND=noninteractive dpkg -i /root/debs-kexec/*.deb
		echo KCAP_LOAD_FALLBACK=always >/etc/default/kcap
	fi
	section INSTALL env DEBIAN_FRONTEND=noninteractive dpkg --force-confold -i /root/kcaptest/kcap.deb
	section SERVICE systemctl is-active kcap.service
	section STATUS1 kcapctl status
	section SHOW kcapctl show
	section ESTIMATE kcapctl estimate
	echo "KCAPTEST-IMGSIZE $(stat -c %s "/var/lib/kcap/kcap-$(uname -r).img")"
	# shellcheck disable=SC2013 # the words of the kernel command line
	for w in $(cat /proc/cmdline); do
		case $w in kcaptest.marker=*) echo "<0>KCAPTEST-MARKER-${w#*=}" >/dev/kmsg ;; esac
	done
	sync
	kcapctl test --yes
	echo "KCAPTEST-FATAL: still running after kcapctl test --yes"
	systemctl poweroff
	;;
2)
	section SAVECORE journalctl -b -u kcap-savecore.service --no-pager -o cat
	section STATUS2 kcapctl status
	section JSON kcapctl status --json
	section LOADED cat /sys/kernel/kexec_crash_loaded
	sync
	systemctl poweroff
	;;
*)
	systemctl poweroff
	;;
esac
