#!/bin/bash
# 80-nfs-v4: the dump goes to a real NFS server. nfs-ganesha (started here) exports a
# directory on 127.0.0.1 (a free port, given to kcap as nfs_options port=); the capture kernel
# gets its address from QEMU's DHCP server, mounts 10.0.2.2:/export over NFSv4 (4.2, or the
# newest the server takes) with mount(2) and text options, and writes the usual <host>-<date>
# directory there. The directory is read back on the host: names, modes 0700/0600, the text,
# crash, makedumpfile and kcap dmesg. The local disk is not a target and must stay untouched.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

nfs_start
cat >"$T/kcap.conf" <<EOF
nfs 10.0.2.2:/export
nfs_options port=$NFS_PORT
device_timeout 20
EOF
net_image "$T/kcap.conf"
net_qemu_nic
mkdisk_gpt "$T/disk.img" 64 "ext4:60:SPARE:$(new_uuid)"
cap_boot --image "$NET_IMG" --panic sysrq --disk "$T/disk.img"

dirs=$(net_dump_dirs "$NFS_EXPORT/var/crash")
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in the export's var/crash, got '$(tr '\n' ' ' <<<"$dirs")'"
net_check_dump "$NFS_EXPORT/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'

cap_need_klog "interface" 'network: eth0 \(52:54:00:12:34:56\) found after [0-9]+ ms'
cap_need_klog "link" 'network: eth0: link up after [0-9]+ ms'
cap_need_klog "address" 'network: eth0: address 10\.0\.2\.15/24 \(DHCP\) in [0-9]+ ms, gateway 10\.0\.2\.2'
cap_need_klog "mount" 'mounted 10\.0\.2\.2:/export \(NFS 4\.[0-2]\) on /mnt/target1'
cap_need_klog "result" 'capture complete: vmcore on target 1/1 \(nfs 10\.0\.2\.2:/export\)'
vers=$(cap_klog 'mounted 10\.0\.2\.2:/export' | sed -n 's/.*(NFS \([0-9.]*\)).*/\1/p')
got=$(disk_ls "$T/disk.img" 1 /var/crash | tr '\n' ' ')
[ -z "$got" ] || check_err "expected nothing in /var/crash of the local disk (not a target), got '$got'"
cap_done
pass "dump over NFS $vers to the host's export, capture ${CAPTURE_SECS}s after the panic"
