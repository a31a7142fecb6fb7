#!/bin/bash
# 17-panic-reboot: the production kernel runs with kernel.panic=5 (panic=5), which the
# production side hands to kcap as kcap.panic=5 (payload/init.sh, like kcapctl). After a
# complete dump kcap must reboot about 5 s later, as the crashed kernel would have: measured on
# the guest's clock (its "rebooting in 5 s" line to the kernel's "reboot: Restarting system")
# and on the host's (that line showing in the serial log to QEMU's exit: -no-reboot turns the
# reboot into an exit). 18-panic-halt covers kernel.panic=0.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

# in_range VALUE MIN MAX: MIN <= VALUE < MAX (decimals).
in_range() {
	awk -v v="$1" -v a="$2" -v b="$3" 'BEGIN { exit !(v != "" && v >= a && v < b) }'
}

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
cap_boot --panic sysrq --disk "$T/disk.img" --kcap "kcap.ext4=UUID=$uuid" --prod-panic 5 \
	--watch 'kcap: rebooting in 5 s'
t_exit=$(date +%s.%N)

cap_need_klog "kcap.panic handed over" 'config: .*kcap.panic=5'
cap_need_klog "result" 'capture complete: vmcore on target 1/1'
cap_need_klog "policy" 'final action: reboot after 5 s \(kcap.panic\)'
cap_need_klog "delay" 'rebooting in 5 s'
[ "$QEMU_END" = reboot ] || check_err "expected QEMU to end with a reboot, got: $QEMU_END"

# Guest clock: "rebooting in 5 s" -> the kernel's restart line; dump complete -> restart.
t_done=$(cap_klog_time 'kcap: capture complete')
t_wait=$(cap_klog_time 'kcap: rebooting in 5 s')
t_boot=$(cap_klog_time 'reboot: Restarting system')
guest=$(cap_secs "${t_wait:-0}" "${t_boot:-0}")
after_dump=$(cap_secs "${t_done:-0}" "${t_boot:-0}")
if [ -z "$t_done" ] || [ -z "$t_wait" ] || [ -z "$t_boot" ]; then
	check_err "expected 'capture complete', 'rebooting in 5 s' and 'reboot: Restarting system' lines, got timestamps '$t_done' '$t_wait' '$t_boot'"
else
	in_range "$guest" 4.9 7 ||
		check_err "expected the reboot 5 s (4.9 to 7 s, guest clock) after 'rebooting in 5 s', got ${guest}s"
	in_range "$after_dump" 4.9 10 ||
		check_err "expected the reboot 5 to 10 s (guest clock) after the dump was complete, got ${after_dump}s"
fi
# Host clock: from the line showing in the log (polled every 0.2 s) to QEMU's exit (seen within
# 0.2 s); generous above, the two cores are shared.
if [ -z "$CAP_WATCH_AT" ]; then
	check_err "expected to see 'kcap: rebooting in 5 s' in the serial log while QEMU ran, got nothing"
	host="?"
else
	host=$(cap_secs "$CAP_WATCH_AT" "$t_exit")
	in_range "$host" 4.4 15 ||
		check_err "expected QEMU to exit about 5 s (4.4 to 15 s, host clock) after 'rebooting in 5 s', got ${host}s"
fi
note "reboot ${guest}s after 'rebooting in 5 s' (guest), ${host}s (host); ${after_dump}s after the dump was complete"

dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "reboot ${guest}s (guest) / ${host}s (host) after 'rebooting in 5 s', capture ${CAPTURE_SECS}s after the panic"
