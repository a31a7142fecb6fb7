#!/bin/bash
# 85-ssh: the dump goes over SSH to a real OpenSSH server started here on 127.0.0.1 (its own
# host key, pinned in the image from a hashed "[host]:port" known_hosts as kcapctl propagate
# writes it; the image's key in its authorized_keys; a port other than 22). The capture kernel
# gets its address from QEMU's DHCP, reaches the server as 10.0.2.2 with dbclient, and leaves
# <path>/<host>-<date>/ there: vmcore-dmesg.txt, vmcore.flat (flattened whatever
# core_collector says), kexec-dmesg.log, 0700/0600. Read back on the host: kcap convert and
# makedumpfile -R of vmcore.flat, crash, makedumpfile --dump-dmesg, kcap dmesg.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-ssh.sh
. "$(dirname "$0")/lib-ssh.sh"
trap 'ssh_server_stop; lib_cleanup' EXIT

ssh_server_init "$T/ssh"
ssh_known_hosts "$SSH_DIR/known_hosts" 10.0.2.2
ssh_conf "$T/kcap.conf" "core_collector makedumpfile -c -d 31"
ssh_image "$T/kcap.img" "$T/kcap.conf"
ssh_server_start
QEMU_NIC=("${SSH_NIC[@]}")
mkdisk_gpt "$T/disk.img" 64 "ext4:60:SPARE:$(new_uuid)"
cap_boot --image "$T/kcap.img" --panic sysrq --disk "$T/disk.img"
ssh_server_stop

dirs=$(find "$SSH_SRV/dumps" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in $SSH_SRV/dumps, got '$(tr '\n' ' ' <<<"$dirs")'"
grep -qE -- "$CAP_DATED_RE" <<<"$dirs" || check_err "expected a <host>-<date> name, got '$dirs'"
got=$(stat -c %a "$SSH_SRV/dumps")
[ "$got" = 700 ] || check_err "expected $SSH_SRV/dumps (made by mkdir -p under umask 077) to have mode 700, got $got"
ssh_check_dump "$SSH_SRV/dumps/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_need_klog "flattened forced" 'a stream cannot seek: writing the flattened format \(-F\)'
cap_need_klog "pinned key" 'ssh root@10\.0\.2\.2: port [0-9]+, key .*, 1 pinned host key\(s\) for 10\.0\.2\.2'
cap_need_klog "size check" 'the server holds all [0-9]+ bytes of the stream'
cap_need_klog "result" 'capture complete: vmcore on target 1/1 \(ssh root@10\.0\.2\.2\)'
got=$(disk_ls "$T/disk.img" 1 /var/crash | tr '\n' ' ')
[ -z "$got" ] || check_err "expected nothing in /var/crash of the local disk (not a target), got '$got'"
cap_done
pass "dump over SSH (dbclient, port $SSH_PORT) to the host's sshd, capture ${CAPTURE_SECS}s after the panic"
