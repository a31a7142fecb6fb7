#!/bin/bash
# 72-stalled-target: the only target stalls (QEMU throttles its writes to 64 KiB/s) in the
# middle of the dump. PID 1's deadline (kcap.capture_timeout=20) must fire: the worker is
# killed, the failure action runs (reboot: QEMU ends, -no-reboot), and what was written is
# never named vmcore.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
# (run_qemu passes the --disk string as file=...: the throttling options ride along)
cap_boot --panic sysrq --disk "$T/disk.img,throttling.bps-write=65536" --fill 64 \
	--kcap "kcap.ext4=UUID=$uuid kcap.capture_timeout=20 kcap.device_timeout=10 kcap.failure_action=reboot" \
	--kcap-file 'kcap.core_collector="makedumpfile -d 0"'
cap_need_klog "deadline" 'capture worker [0-9]+ still running after [0-9]+ s \(capture_timeout 20 s\): killing it'
cap_need_klog "failure action" 'failure action: reboot'
[ "$QEMU_END" = reboot ] || check_err "expected the failure action to reboot (QEMU ends), got $QEMU_END"
dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
for d in $dirs; do
	names=$(disk_ls "$T/disk.img" 1 "/var/crash/$d" | sort | tr '\n' ' ')
	note "/var/crash/$d: $names"
	case " $names " in
	*" vmcore "*) check_err "expected no vmcore after the deadline killed the dump, got '$names'" ;;
	esac
done
cap_done
pass "deadline fired on a stalled target, failure action ran ${CAPTURE_SECS}s after the panic"
