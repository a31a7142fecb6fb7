#!/bin/sh
# tests/qemu/debvm/customize.sh ROOT: mmdebstrap's customize hook for the test VM
# (lib-debvm.sh): host name, fstab, no root password, the test driver unit, and Debian's
# kdump-tools packages in /root/debs-kdump-tools (not installed).
set -eu
root=$1
echo debvm >"$root/etc/hostname"
printf '127.0.1.1 debvm\n' >>"$root/etc/hosts"
printf 'UUID=5bd1d0e4-3c1a-4d6e-9f0b-2b1a7c0d9e01 / ext4 errors=remount-ro 0 1\n' >"$root/etc/fstab"
chroot "$root" passwd -d root >/dev/null
mkdir -p "$root/usr/local/sbin"
cat >"$root/usr/local/sbin/kcaptest-guest" <<'EOS'
#!/bin/sh
# Counts the boots and runs /root/kcaptest/run BOOT (put there by the test).
n=$(cat /var/lib/kcaptest.boot 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >/var/lib/kcaptest.boot
sync
echo "KCAPTEST-BOOT $n up $(cut -d' ' -f1 /proc/uptime)"
if [ -x /root/kcaptest/run ]; then
	# also into a file the host reads from the disk afterwards
	/root/kcaptest/run "$n" 2>&1 | tee "/root/kcaptest/out.$n"
fi
echo "KCAPTEST-DONE $n"
EOS
chmod 755 "$root/usr/local/sbin/kcaptest-guest"
cat >"$root/etc/systemd/system/kcaptest.service" <<'EOS'
[Unit]
Description=kcap test driver
After=multi-user.target kcap.service kcap-savecore.service kdump-tools.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/kcaptest-guest
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
[Install]
WantedBy=multi-user.target
EOS
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/kcaptest.service "$root/etc/systemd/system/multi-user.target.wants/kcaptest.service"
# boot faster: nothing waits for a network that is not there, no timers; and no getty on
# the serial console (its vhangup would cut the test driver's output off)
for u in systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer \
	e2scrub_all.timer fstrim.timer serial-getty@ttyS0.service getty@tty1.service; do
	ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# Debian's kdump-tools and makedumpfile (only a Recommends of it) for the anchor
# (tests/bench/vs-kdump-tools), as packages to install
# in the VM: installed here its kernel hook fails (mkinitramfs MODULES=dep finds no root
# device in a chroot), and the kcap tests want a system without it.
rm -f "$root"/var/cache/apt/archives/*.deb	# what mmdebstrap installed: not wanted twice
chroot "$root" apt-get -q -y --download-only --no-install-recommends install kdump-tools makedumpfile >/dev/null
mkdir -p "$root/root/debs-kdump-tools"
mv "$root"/var/cache/apt/archives/*.deb "$root/root/debs-kdump-tools/"
ls "$root/root/debs-kdump-tools"
