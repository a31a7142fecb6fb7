#!/bin/bash
# 12-ext4-device: sysrq crash, kcap saves to an ext4 partition named by device
# (kcap.ext4=/dev/vda3, behind two other partitions).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdisk_gpt "$T/disk.img" 1024 "raw:8" "ext4:32:DECOY:$(new_uuid)" "ext4:900:KCAPDUMP:$(new_uuid)"
capture_test --panic sysrq --disk "$T/disk.img" --part 3 --kcap "kcap.ext4=/dev/vda3" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
pass "capture ${CAPTURE_SECS}s after the panic"
