#!/bin/bash
# 11-ext4-label: sysrq crash, kcap saves to an ext4 file system found by label
# (kcap.ext4=LABEL=...), on the second of two disks.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

mkdisk_gpt "$T/other.img" 64 "ext4:48:OTHERFS:$(new_uuid)"
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$(new_uuid)"
capture_test --panic sysrq --disk "$T/disk.img" --part 1 --kcap "kcap.ext4=LABEL=KCAPDUMP" \
	--extra-disk "$T/other.img" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
pass "capture ${CAPTURE_SECS}s after the panic"
