#!/bin/bash
# 87-ssh-hostkey-changed: the image pins the server's host key, but the server that answers
# presents another one (a rebuilt server, or a man in the middle). kcap must refuse it and
# say so ("host key CHANGED"), send nothing (no directory appears on the server), and fall
# back to the next target, a local ext4 disk.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-ssh.sh
. "$(dirname "$0")/lib-ssh.sh"
trap 'ssh_server_stop; lib_cleanup' EXIT

uuid=$(new_uuid)
ssh_server_init "$T/ssh"
ssh_known_hosts "$SSH_DIR/known_hosts" 10.0.2.2
ssh_conf "$T/kcap.conf" "ext4 UUID=$uuid"
ssh_image "$T/kcap.img" "$T/kcap.conf"
# the server now has another host key (the image keeps the old one)
rm -f "$SSH_DIR/host_ed25519" "$SSH_DIR/host_ed25519.pub"
ssh-keygen -q -t ed25519 -N '' -C another-host -f "$SSH_DIR/host_ed25519" || fail "ssh-keygen failed"
ssh_server_start
QEMU_NIC=("${SSH_NIC[@]}")
mkdisk_gpt "$T/disk.img" 256 "ext4:250:KCAPDUMP:$uuid"
cap_boot --image "$T/kcap.img" --panic sysrq --disk "$T/disk.img"
ssh_server_stop

cap_need_klog "refused" "target 1/2: ssh root@10\\.0\\.2\\.2: mkdir: the server's host key CHANGED"
cap_need_klog "fallback" "target 2/2: falling back to ext4 UUID=$uuid"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid\\)"
[ ! -e "$SSH_SRV/dumps" ] ||
	check_err "expected nothing on the server, got $SSH_SRV/dumps: $(find "$SSH_SRV/dumps" | tr '\n' ' ')"
grep -q 'Accepted publickey' "$SSH_DIR/sshd.log" &&
	check_err "expected no login at all (the host key is checked first), sshd says: $(grep 'Accepted publickey' "$SSH_DIR/sshd.log" | head -n 1)"
# (path is the same for every target: the server's directory, on the disk too)
dirs=$(cap_dump_dirs "$T/disk.img" 1 "$SSH_SRV/dumps")
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory on the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "$SSH_SRV/dumps/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "changed host key refused, nothing sent, dump on the local ext4 target, capture ${CAPTURE_SECS}s after the panic"
