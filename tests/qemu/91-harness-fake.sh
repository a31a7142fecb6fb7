#!/bin/bash
# 91-harness-fake: positive control for the harness. A stand-in collector (busybox + the host's
# makedumpfile, tests/qemu/payload/fake-collector.sh) writes the layout kcap promises; the
# same capture_test the real scenarios use must pass it. If this fails, suspect the harness
# (or the kernel, QEMU, crash) before suspecting kcap. The kcap dmesg comparison is the one
# check left out: this dump was not made by kcap. The stand-in copies /proc/vmcore whole, so
# the 64 MiB of KCAPFILL pages filled before the crash must all be in it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

kernel_setup --dbg
fake_kcap_image "$T/fake.img"
uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
CHECK_KCAP_DMESG=0
capture_test --image "$T/fake.img" --panic sysrq --disk "$T/disk.img" --part 1 \
	--kcap "kcap.ext4=UUID=$uuid kcap.fake=elf" --fill 64 \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
check_fill "$CAPTURE_OUT/vmcore" 64
[ ${#CHECK_ERRORS[@]} -eq 0 ] || fail "${CHECK_ERRORS[0]}; serial log: $T/serial.log"
pass "known-good capture passes, ${CAPTURE_SECS}s after the panic"
