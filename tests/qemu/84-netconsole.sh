#!/bin/bash
# 84-netconsole: "netconsole 10.0.2.2:PORT": once the network is up, the capture kernel's log,
# with kcap's own lines, goes to a UDP listener started here on 127.0.0.1:PORT (a free one).
# The listener must receive the "capture complete" line (the dump itself goes to a local disk).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"
# shellcheck source-path=SCRIPTDIR source=lib-net.sh
. "$(dirname "$0")/lib-net.sh"

need_tools python3
port=$(net_free_port)
uuid=$(new_uuid)
cat >"$T/kcap.conf" <<EOF
ext4 UUID=$uuid
netconsole 10.0.2.2:$port
EOF
net_image "$T/kcap.conf"
net_qemu_nic
mkdisk_gpt "$T/disk.img" 1024 "ext4:900:KCAPDUMP:$uuid"
udp_listen "$port" "$T/udp.log"
cap_boot --image "$NET_IMG" --panic sysrq --disk "$T/disk.img"
sleep 1
udp_stop

dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of the local disk, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_need_klog "netconsole" "netconsole: kernel log to 10\\.0\\.2\\.2:$port via eth0"
n=$(grep -ca 'kcap' "$T/udp.log" || true)
note "UDP listener: $(wc -l <"$T/udp.log") lines, $n kcap lines"
grep -qa "kcap: capture complete: vmcore on target 1/1 (ext4 UUID=$uuid)" "$T/udp.log" ||
	check_err "expected the 'capture complete' line at the UDP listener ($T/udp.log), got $n kcap lines"
grep -qa "kcap: netconsole from 10\\.0\\.2\\.15 (eth0) starting" "$T/udp.log" ||
	check_err "expected kcap's first datagram at the UDP listener, got none"
cap_done
pass "capture complete line received over netconsole ($n kcap lines), capture ${CAPTURE_SECS}s after the panic"
