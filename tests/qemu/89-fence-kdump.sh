#!/bin/bash
# 89-fence-kdump: a cluster node's fence_kdump agent (the real listener from Debian's
# fence-agents, started here on the host) waits for this node's notification. The dump goes
# to a local ext4 disk, so the network is only there for fence_kdump (the sender brings it up
# itself, DHCP from QEMU); kcap must notify 10.0.2.2 (the host, as seen from the guest) every
# second while the capture runs, and the listener must accept it (it exits 0 on a valid
# message from its node, 1 on its timeout) before the capture ends.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-ssh.sh
. "$(dirname "$0")/lib-ssh.sh"

[ -x /usr/sbin/fence_kdump ] || fail "missing /usr/sbin/fence_kdump (package fence-agents; run: make deps)"
FK_PID=""
trap '[ -z "$FK_PID" ] || kill "$FK_PID" 2>/dev/null; lib_cleanup' EXIT

uuid=$(new_uuid)
port=$(ssh_free_port)
cat >"$T/kcap.conf" <<EOC
ext4 UUID=$uuid
fence_kdump_nodes 10.0.2.2
fence_kdump_args -p $port -i 1
EOC
ssh_image "$T/kcap.img" "$T/kcap.conf"
QEMU_NIC=("${SSH_NIC[@]}")
mkdisk_gpt "$T/disk.img" 256 "ext4:250:KCAPDUMP:$uuid"

# The guest's datagrams to 10.0.2.2 reach the host from 127.0.0.1 (QEMU user networking).
(
	timeout -k 5 400 /usr/sbin/fence_kdump -n 127.0.0.1 -p "$port" -t 300 -o off -v \
		>"$T/fence_kdump.log" 2>&1
	echo $? >"$T/fence_kdump.rc"
	date +%s.%N >"$T/fence_kdump.at"
) &
FK_PID=$!
# (its messages go to a file, buffered until it exits: wait for its socket instead)
for _ in $(seq 50); do
	ss -Hlun "sport = :$port" | grep -q . && break
	sleep 0.1
done
ss -Hlun "sport = :$port" | grep -q . ||
	fail "the fence_kdump listener does not listen on UDP port $port: $(tail -n 3 "$T/fence_kdump.log")"
cap_boot --image "$T/kcap.img" --panic sysrq --disk "$T/disk.img" --watch 'kcap: .* starting as PID 1'
t_end=$(date +%s.%N)
wait "$FK_PID" 2>/dev/null || true
FK_PID=""

rc=$(cat "$T/fence_kdump.rc" 2>/dev/null || echo none)
[ "$rc" = 0 ] ||
	check_err "expected fence_kdump (the listener) to exit 0 on kcap's notification, got '$rc': $(tail -n 2 "$T/fence_kdump.log")"
grep -q "received valid message from '127.0.0.1'" "$T/fence_kdump.log" ||
	check_err "expected 'received valid message' in $T/fence_kdump.log"
if [ "$rc" = 0 ]; then
	at=$(cat "$T/fence_kdump.at")
	# accepted after the capture kernel's collector started and before QEMU ended
	awk -v a="$at" -v s="$CAP_WATCH_AT" -v e="$t_end" 'BEGIN { exit !(a >= s && a <= e) }' ||
		check_err "expected the notification between the collector's start ($CAP_WATCH_AT) and QEMU's end ($t_end), got $at"
	note "fence_kdump accepted the notification $(cap_secs "$CAP_WATCH_AT" "$at")s after the collector started"
fi
cap_need_klog "sending" 'fence_kdump: notifying 10\.0\.2\.2 port [0-9]+ every 1 s until the capture ends'
cap_need_klog "result" "capture complete: vmcore on target 1/1 \\(ext4 UUID=$uuid\\)"
dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory on the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "fence_kdump notification accepted by the real listener during the capture, dump on ext4, capture ${CAPTURE_SECS}s after the panic"
