#!/bin/bash
# 00-boot-normal: kcap.img booted as an ordinary initramfs (no crash, no /proc/vmcore) must say
# it is not a capture kernel and power the machine off by itself.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

kernel_setup
[ -f "$KCAP_IMG" ] || fail "$KCAP_IMG is missing (run: make)"
log=$T/serial.log
QEMU_TIMEOUT=${KCAP_QEMU_TIMEOUT:-90}
run_qemu "$log" "$VMLINUZ" "$KCAP_IMG" "console=ttyS0 panic=5" ||
	fail "QEMU did not end on its own ($QEMU_END after ${QEMU_SECS}s); serial log: $log"
grep -qaE 'kcap: .*not a capture kernel' "$log" ||
	fail "expected a line matching 'kcap: .*not a capture kernel', got none; serial log: $log"
[ "$QEMU_END" = poweroff ] ||
	fail "expected 'reboot: Power down', the guest ended with: $QEMU_END; serial log: $log"
pass "$(grep -aoE 'kcap: .*not a capture kernel.*' "$log" | head -n 1 | tr -d '\r'); powered off after ${QEMU_SECS}s"
