#!/bin/bash
# 18-panic-halt: the production kernel runs with kernel.panic=0 (panic=0: "stay on the panic
# screen"), handed to kcap as kcap.panic=0. After a complete dump kcap must halt, not reboot:
# the kernel says "reboot: System halted" and the machine stays there. With -no-reboot QEMU
# does not exit on a halt, so the test waits for that line, checks that QEMU is still running
# 5 s later (no reboot, no power-off), then quits QEMU through its monitor. The dump was
# written and the file system unmounted cleanly before the halt.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
cap_boot --panic sysrq --disk "$T/disk.img" --kcap "kcap.ext4=UUID=$uuid" --prod-panic 0 \
	--watch 'reboot: System halted' --quit-after 5
t_exit=$(date +%s.%N)

cap_need_klog "kcap.panic handed over" 'config: .*kcap.panic=0'
cap_need_klog "result" 'capture complete: vmcore on target 1/1'
cap_need_klog "policy" 'final action: halt \(kcap.panic=0'
cap_need_klog "halt" 'halting'
[ -n "$CAP_WATCH_AT" ] ||
	cap_fail "expected 'reboot: System halted' in the serial log, got none (QEMU ended by: $QEMU_END)"
[ -n "$CAP_QUIT_AT" ] ||
	check_err "expected QEMU to keep running after the halt (the test quits it 5 s later), but it ended by itself: $QEMU_END"
! grep -qaE 'reboot: (Restarting system|Power down)' "$CAP_LOG" ||
	check_err "expected no restart and no power-off after the halt, got: $(grep -aE 'reboot: (Restarting|Power)' "$CAP_LOG" | head -n 1)"
! grep -qa 'kcap: rebooting' "$CAP_LOG" ||
	check_err "expected no 'kcap: rebooting' line, got: $(cap_klog 'rebooting')"
t_done=$(cap_klog_time 'kcap: capture complete')
t_halt=$(cap_klog_time 'reboot: System halted')
halt_after=$(cap_secs "${t_done:-0}" "${t_halt:-0}")
note "halted ${halt_after}s after the dump was complete (guest clock); QEMU quit by the test"

dirs=$(cap_dump_dirs "$T/disk.img" 1 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 1 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
# run_qemu's CAPTURE_SECS runs from the panic to QEMU's exit: take off the time after the halt.
pass "halted ${halt_after}s after the dump, still halted 5 s later; panic to halt $(cap_secs "$(cap_secs "$CAP_WATCH_AT" "$t_exit")" "$CAPTURE_SECS")s"
