#!/bin/bash
# 85-nfs-ipv6: the same dump as 80 over IPv6. nfs-ganesha listens on ::1, which QEMU's user
# network shows the guest as fec0::2; kcap.conf says "nfs [fec0::2]:/export" and gives the
# capture kernel a static IPv6 address ("network <mac>,fec0::15/64,fec0::2"). The dump read
# back from the export passes every check.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

nfs_start --v6
cat >"$T/kcap.conf" <<EOF
nfs [fec0::2]:/export
nfs_options port=$NFS_PORT
network 52:54:00:12:34:56,fec0::15/64,fec0::2
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
cap_need_klog "address" 'network: eth0: address fec0::15/64 \(static\) in [0-9]+ ms, gateway fec0::2'
cap_need_klog "mount" 'mounted \[fec0::2\]:/export \(NFS 4\.[0-2]\) on /mnt/target1'
cap_need_klog "result" 'capture complete: vmcore on target 1/1 \(nfs \[fec0::2\]:/export\)'
cap_done
pass "dump over NFS on IPv6 (fec0::15 to fec0::2), capture ${CAPTURE_SECS}s after the panic"
