#!/bin/bash
# 73-scribbled-memmap: the crashed kernel's mem_map was scribbled on before it panicked
# (kcapoops.ko mode=scribble fills the struct pages of 4 MiB with 0xa5). The page filter reads
# garbage flags, mappings and compound heads there: a complete dump must still be saved, at
# -d 31, and read by crash, makedumpfile and kcap (lib.sh's verify_dump).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
capture_test --panic scribble --disk "$T/disk.img" --part 1 \
	--kcap "kcap.ext4=UUID=$uuid kcap.core_collector=\"makedumpfile -c -d 31\"" \
	--expect-panic 'kcapoops: mem_map scribbled' \
	--expect-bt 'kcapoops_scribble|kcapoops_init|panic'
pass "capture ${CAPTURE_SECS}s after the panic"
