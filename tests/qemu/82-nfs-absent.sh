#!/bin/bash
# 82-nfs-absent: two NFS servers that cannot take the dump, then a local disk. The first
# (10.0.2.100, forwarded by QEMU to a TCP server here that accepts and never answers) must be
# given up when device_timeout (8 s) is over: the mount runs in a child that is killed then. The
# second (10.0.2.2: nothing listens on its port) fails at once. The third target, a local ext4
# disk, gets the complete dump.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

! net_wait_port "$NFS_PORT" 0 || fail "something listens on 127.0.0.1:$NFS_PORT: this test needs it free"
silent=$(net_free_port)
tcp_blackhole "$silent"
uuid=$(new_uuid)
cat >"$T/kcap.conf" <<EOF
nfs 10.0.2.100:/export
nfs 10.0.2.2:/export
nfs_options port=$NFS_PORT
ext4 UUID=$uuid
device_timeout 8
EOF
net_image "$T/kcap.conf"
net_qemu_nic "guestfwd=tcp:10.0.2.100:$NFS_PORT-tcp:127.0.0.1:$silent"
mkdisk_gpt "$T/disk.img" 1024 "ext4:900:KCAPDUMP:$uuid"
cap_boot --image "$NET_IMG" --panic sysrq --disk "$T/disk.img"

dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_need_klog "the silent server" 'target 1/3: nfs 10\.0\.2\.100:/export: mount gave no answer within device_timeout 8 s: skipping'
cap_need_klog "the absent server" 'target 2/3: nfs 10\.0\.2\.2:/export: mount on /mnt/target2 failed: skipping: Connection refused'
cap_need_klog "fallback" "target 3/3: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 3/3 \\(ext4 UUID=$uuid\\)"
t1=$(cap_klog_time "kcap: target 1/3: nfs .*: mount -t nfs")
t2=$(cap_klog_time "kcap: target 2/3: falling back")
t3=$(cap_klog_time "kcap: target 3/3: falling back")
silent_s="" absent_s=""
if [ -z "$t1" ] || [ -z "$t2" ] || [ -z "$t3" ]; then
	check_err "expected timestamps on the mount and 'falling back' lines, got '$t1' '$t2' '$t3'"
else
	silent_s=$(cap_secs "$t1" "$t2")
	absent_s=$(cap_secs "$t2" "$t3")
	# all of device_timeout for the silent one (a slow server gets its 8 s), and not much more
	awk -v s="$silent_s" 'BEGIN { exit !(s >= 7.9 && s < 11) }' ||
		check_err "expected the silent server to be given up after device_timeout (8 s; 7.9 to 11 s), got ${silent_s}s"
	awk -v s="$absent_s" 'BEGIN { exit !(s < 3) }' ||
		check_err "expected the absent server to be given up at once (under 3 s), got ${absent_s}s"
fi
cap_done
pass "silent NFS server given up after ${silent_s}s, absent one after ${absent_s}s, dump on the local disk, capture ${CAPTURE_SECS}s after the panic"
