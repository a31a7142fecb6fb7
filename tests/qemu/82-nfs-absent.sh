#!/bin/bash
# 82-nfs-absent: the NFS server is not there (nothing listens on its port). The first target
# must give up within device_timeout (10 s) with a line that says so, and the second target, a
# local ext4 disk, gets the complete dump.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

! net_wait_port "$NFS_PORT" 0 || fail "something listens on 127.0.0.1:$NFS_PORT: this test needs it free"
uuid=$(new_uuid)
cat >"$T/kcap.conf" <<EOF
nfs 10.0.2.2:/export
nfs_options port=$NFS_PORT
ext4 UUID=$uuid
device_timeout 10
EOF
net_image "$T/kcap.conf"
net_qemu_nic
mkdisk_gpt "$T/disk.img" 1024 "ext4:900:KCAPDUMP:$uuid"
cap_boot --image "$NET_IMG" --panic sysrq --disk "$T/disk.img"

dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_need_klog "the failed mount" 'target 1/2: nfs 10\.0\.2\.2:/export: (mount on /mnt/target1 failed: skipping|mount gave no answer within device_timeout 10 s: skipping)'
cap_need_klog "fallback" "target 2/2: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid\\)"
t1=$(cap_klog_time "kcap: target 1/2: network: waiting for interface")
t2=$(cap_klog_time "kcap: target 2/2: falling back")
if [ -z "$t1" ] || [ -z "$t2" ]; then
	check_err "expected timestamps on the 'waiting for interface' and 'falling back' lines, got '$t1' '$t2'"
else
	wait_s=$(cap_secs "$t1" "$t2")
	# network up (about 1 s of DHCP) plus at most device_timeout for the mount
	awk -v s="$wait_s" 'BEGIN { exit !(s < 13) }' ||
		check_err "expected the absent server to be given up within device_timeout (10 s) plus the network's start, got ${wait_s}s"
fi
cap_done
pass "absent NFS server given up after ${wait_s}s, dump on the local disk, capture ${CAPTURE_SECS}s after the panic"
