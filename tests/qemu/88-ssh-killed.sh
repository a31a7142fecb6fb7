#!/bin/bash
# 88-ssh-killed: the server dies in the middle of the dump: as soon as 2 MiB of the stream
# have arrived, the test kills sshd and its sessions (QEMU_HOOK). The write must fail instead
# of blocking, no vmcore.flat may appear on the server (its vmcore-incomplete stays, partial),
# the next target (a local ext4 disk) must get a complete dump, and the machine must reach its
# final action (reboot) on its own.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-ssh.sh
. "$(dirname "$0")/lib-ssh.sh"
trap 'ssh_server_stop; lib_cleanup' EXIT

KILL_AT=$((2 * 1024 * 1024))
killed_at=""
# kill_mid_dump LOG MONITOR_IN: run_qemu's hook, every 0.2 s (called through QEMU_HOOK).
# shellcheck disable=SC2317
kill_mid_dump() {
	local f size
	[ -z "$killed_at" ] || return 0
	for f in "$SSH_SRV"/dumps/*/vmcore-incomplete; do
		[ -f "$f" ] || continue
		size=$(stat -c %s "$f")
		if [ "$size" -ge "$KILL_AT" ]; then
			ssh_server_stop
			killed_at=$size
			echo "$size" >"$T/killed_at"
			note "killed sshd with $size bytes of the stream on the server"
		fi
	done
}

uuid=$(new_uuid)
ssh_server_init "$T/ssh"
ssh_known_hosts "$SSH_DIR/known_hosts" 10.0.2.2
# uncompressed and only zero pages left out, with 64 MiB of filled memory: a stream long
# enough to be cut in the middle
ssh_conf "$T/kcap.conf" "ext4 UUID=$uuid" "core_collector makedumpfile -d 1"
ssh_image "$T/kcap.img" "$T/kcap.conf"
ssh_server_start
QEMU_NIC=("${SSH_NIC[@]}")
QEMU_HOOK=kill_mid_dump
mkdisk_gpt "$T/disk.img" 512 "ext4:500:KCAPDUMP:$uuid"
cap_boot --image "$T/kcap.img" --panic sysrq --disk "$T/disk.img" --fill 64
QEMU_HOOK=""
ssh_server_stop

[ -s "$T/killed_at" ] || cap_fail "the stream never reached $KILL_AT bytes on the server: sshd was not killed mid-dump"
[ "$QEMU_END" = reboot ] || check_err "expected the final action reboot, got $QEMU_END"
cap_need_klog "stream failed" 'target 1/2: vmcore failed after .* written to .*/vmcore-incomplete'
cap_need_klog "dbclient's reason" 'target 1/2: ssh root@10\.0\.2\.2: the dump stream: '
cap_need_klog "fallback" "target 2/2: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid\\)"
names=$(find "$SSH_SRV/dumps" -mindepth 2 -maxdepth 2 -printf '%f\n' | sort | tr '\n' ' ')
note "on the server: $names"
case " $names " in
*" vmcore.flat "*) check_err "expected no vmcore.flat on the server after it was killed, got '$names'" ;;
esac
case " $names " in
*" vmcore-incomplete "*) ;;
*) check_err "expected the partial vmcore-incomplete on the server, got '$names'" ;;
esac
# (path is the same for every target: the server's directory, on the disk too)
dirs=$(cap_dump_dirs "$T/disk.img" 1 "$SSH_SRV/dumps")
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory on the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "$SSH_SRV/dumps/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "sshd killed after $(cat "$T/killed_at") bytes: no vmcore.flat, dump on the local ext4 target, reboot, capture ${CAPTURE_SECS}s after the panic"
