#!/bin/sh
# /init of the RHEL-pipeline capture initramfs (tests/bench/network): what kdump's dracut
# module does for a network target, reduced to its core, with Debian's makedumpfile and
# OpenSSH client: the NIC, a static address, then
#   ssh:  makedumpfile -F -l -d 31 /proc/vmcore | ssh ... "dd of=<dir>/vmcore.flat"
#   nfs:  mount -t nfs4 ...; makedumpfile -l -d 31 /proc/vmcore /mnt/pipe/vmcore; sync
# Times from /proc/uptime on the console. BusyBox sh; the values come from /bench/env
# (MODE, PORT, DEST, NFS_PORT: written by the benchmark).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# shellcheck disable=SC1091 # written by tests/bench/network into the image
. /bench/env
up() { cut -d' ' -f1 /proc/uptime; }
while read -r m; do insmod "$m"; done </bench/modules
i=0
while ! ip link show eth0 >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
if [ "$MODE" = nfs ]; then
	mkdir -p /mnt
	mount -t nfs4 -o "vers=4.1,port=$NFS_PORT,addr=10.0.2.2,clientaddr=10.0.2.15" \
		10.0.2.2:/export /mnt || echo "BENCH-PIPE-MOUNT-FAILED"
	mkdir -p /mnt/pipe
	echo "BENCH-PIPE-START $(up)"
	makedumpfile -l -d 31 /proc/vmcore /mnt/pipe/vmcore >/tmp/mdf.err 2>&1 && sync
	rc=$?
else
	echo "BENCH-PIPE-START $(up)"
	makedumpfile -F -l -d 31 /proc/vmcore 2>/tmp/mdf.err |
		ssh -i /bench/key -p "$PORT" -o BatchMode=yes -o StrictHostKeyChecking=yes \
			-o UserKnownHostsFile=/bench/known_hosts "root@10.0.2.2" \
			"umask 077 && dd of='$DEST' bs=1M 2>/dev/null"
	rc=$?
fi
echo "BENCH-PIPE-END $(up) rc=$rc"
tail -n 3 /tmp/mdf.err
[ "$MODE" != nfs ] || umount /mnt
sync
reboot -f
