#!/bin/bash
# 30-fill-elf: page contents survive the capture. The production VM fills 64 MiB with
# KCAPFILL pages (each tagged with its index) before a sysrq crash; kcap writes an ELF dump at
# dump level 1 (only zero pages dropped: kcap.core_collector="makedumpfile -E -d 1"), and every
# one of the 16384 tagged pages must be in it, besides the usual checks.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
capture_test --panic sysrq --disk "$T/disk.img" --part 1 --kcap "kcap.ext4=UUID=$uuid" \
	--kcap-file 'kcap.core_collector="makedumpfile -E -d 1"' --fill 64 \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
head -c 4 "$CAPTURE_OUT/vmcore" | grep -q 'ELF' ||
	fail "expected an ELF vmcore (core_collector -E), got $(head -c 8 "$CAPTURE_OUT/vmcore" | od -An -c)"
check_fill "$CAPTURE_OUT/vmcore" 64
[ ${#CHECK_ERRORS[@]} -eq 0 ] || fail "${CHECK_ERRORS[0]}; serial log: $T/serial.log"
pass "64 MiB of tagged pages all in the ELF dump, capture ${CAPTURE_SECS}s after the panic"
