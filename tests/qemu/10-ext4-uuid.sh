#!/bin/bash
# 10-ext4-uuid: sysrq crash, kcap saves to an ext4 partition found by UUID (kcap.ext4=UUID=...).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPDUMP:$uuid"
capture_test --panic sysrq --disk "$T/disk.img" --part 2 --kcap "kcap.ext4=UUID=$uuid" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
pass "capture ${CAPTURE_SECS}s after the panic"
