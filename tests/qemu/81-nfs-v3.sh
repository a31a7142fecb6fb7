#!/bin/bash
# 81-nfs-v3: NFSv3 and a static address. nfs-ganesha serves NFSv3 (and its MOUNT service on a
# port of its own) on 127.0.0.1; the capture command line carries what kcapctl passes from the
# production interface, kcap.network=<mac>,<addr>/<prefix>,<gateway>,<dns> (an address QEMU's
# DHCP would not give), and kcap.nfs_vers=3. kcap mounts with nolock, port= and mountport=
# (no rpcbind query, no lockd), and the dump read back from the export passes every check.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

nfs_start --v3
cat >"$T/kcap.conf" <<EOF
nfs 10.0.2.2:/export
nfs_options port=$NFS_PORT,mountport=$NFS_MOUNT_PORT
path /dumps
device_timeout 20
EOF
net_image "$T/kcap.conf"
net_qemu_nic
mkdisk_gpt "$T/disk.img" 64 "ext4:60:SPARE:$(new_uuid)"
cap_boot --image "$NET_IMG" --panic sysrq --disk "$T/disk.img" \
	--kcap "kcap.network=52:54:00:12:34:56,10.0.2.20/24,10.0.2.2,10.0.2.3 kcap.nfs_vers=3"

dirs=$(net_dump_dirs "$NFS_EXPORT/dumps")
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in the export's dumps/, got '$(tr '\n' ' ' <<<"$dirs")'"
net_check_dump "$NFS_EXPORT/dumps/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'

cap_need_klog "interface by MAC" 'network: waiting for interface 52:54:00:12:34:56'
cap_need_klog "static address" 'network: eth0: address 10\.0\.2\.20/24 \(static\) in [0-9]+ ms, gateway 10\.0\.2\.2, DNS 10\.0\.2\.3'
cap_need_klog "v3 options" "mount -t nfs -o vers=3,soft,.*nolock,mountproto=tcp,addr=10\\.0\\.2\\.2,port=$NFS_PORT,mountport=$NFS_MOUNT_PORT"
cap_need_klog "mount" 'mounted 10\.0\.2\.2:/export \(NFS 3\) on /mnt/target1'
cap_need_klog "result" 'capture complete: vmcore on target 1/1 \(nfs 10\.0\.2\.2:/export\)'
! grep -qa 'udhcpc' "$CAP_LOG" || check_err "expected no DHCP client with a static address, got udhcpc in the log"
cap_done
pass "dump over NFSv3 from 10.0.2.20 (static), capture ${CAPTURE_SECS}s after the panic"
