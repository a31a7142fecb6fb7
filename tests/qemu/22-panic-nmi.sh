#!/bin/bash
# 22-panic-nmi: the NMI button (QEMU monitor "nmi") with kernel.unknown_nmi_panic=1.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
capture_test --panic nmi --disk "$T/disk.img" --part 1 --kcap "kcap.ext4=UUID=$uuid" \
	--expect-panic 'NMI: Not continuing' \
	--expect-bt 'unknown_nmi_error|exc_nmi'
pass "capture ${CAPTURE_SECS}s after the panic"
