#!/bin/bash
# 20-panic-oops: a real oops (NULL pointer write in kcapoops.ko, built against the pinned
# kernel's headers) with kernel.panic_on_oops=1, captured to ext4 by UUID.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
capture_test --panic oops --disk "$T/disk.img" --part 1 --kcap "kcap.ext4=UUID=$uuid" \
	--expect-panic 'NULL pointer dereference|Oops|Fatal exception' \
	--expect-bt 'kcapoops_null_write|kcapoops_init'
pass "capture ${CAPTURE_SECS}s after the panic"
