#!/bin/bash
# 83-nfs-killed: the NFS server dies in the middle of the dump (SIGKILL as soon as the serial
# log says the vmcore is being written). The soft mount must turn that into write errors, not a
# capture that blocks forever: nothing named vmcore may appear on the server (vmcore-incomplete
# or nothing), the second target (a local ext4 disk) gets the complete dump, and the machine
# reaches its final action (reboot).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

nfs_start
uuid=$(new_uuid)
cat >"$T/kcap.conf" <<EOF
nfs 10.0.2.2:/export
nfs_options port=$NFS_PORT
ext4 UUID=$uuid
device_timeout 10
capture_timeout 200
EOF
net_image "$T/kcap.conf"
net_qemu_nic
mkdisk_gpt "$T/disk.img" 1024 "ext4:900:KCAPDUMP:$uuid"

KILLED_AT=""
# shellcheck disable=SC2317 # called by run_qemu as QEMU_HOOK
kill_server_hook() {	# LOG MONITOR_IN: kill ganesha once target 1 starts writing the vmcore
	[ -z "$KILLED_AT" ] || return 0
	grep -qa 'kcap: target 1/2: writing .*vmcore-incomplete' "$1" 2>/dev/null || return 0
	nfs_kill
	KILLED_AT=$(date +%s.%N)
	note "nfs-ganesha killed"
}
QEMU_HOOK=kill_server_hook
cap_boot --image "$NET_IMG" --panic sysrq --disk "$T/disk.img"
[ -n "$KILLED_AT" ] || cap_fail "the server was never killed: no 'target 1/2: writing' line"
[ "$QEMU_END" = reboot ] || check_err "expected the final action reboot, got '$QEMU_END'"

got=$(find "$NFS_EXPORT" -name vmcore -printf '%P\n')
[ -z "$got" ] || check_err "expected no file named vmcore on the killed server, got '$got'"
note "on the server: $(find "$NFS_EXPORT" -mindepth 1 -printf '%P ' )"
cap_need_klog "the watchdog" 'target 1/2: NFS server gone: no connection for 15 s; aborting the I/O on /mnt/target1'
cap_need_klog "first target's failure" 'target 1/2: vmcore failed after .* written to /mnt/target1/.*/vmcore-incomplete'
cap_need_klog "forced unmount" 'target 1/2: umount /mnt/target1 \(forcing and detaching it\)'
cap_need_klog "fallback" "target 2/2: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid\\)"
dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
t1=$(cap_klog_time "kcap: target 1/2: writing")
t2=$(cap_klog_time "kcap: target 2/2: falling back")
fall_s=""
if [ -z "$t1" ] || [ -z "$t2" ]; then
	check_err "expected timestamps on the 'writing' and 'falling back' lines, got '$t1' '$t2'"
else
	# 15 s of watchdog, the writer's last RPCs aborted, a 2 s probe before the forced unmount
	fall_s=$(cap_secs "$t1" "$t2")
	awk -v s="$fall_s" 'BEGIN { exit !(s < 40) }' ||
		check_err "expected the fallback within 40 s of the server's death, got ${fall_s}s"
fi
cap_done
pass "server killed mid-dump: no vmcore there, fallback after ${fall_s}s, dump on the local disk, $QEMU_END ${CAPTURE_SECS}s after the panic"
