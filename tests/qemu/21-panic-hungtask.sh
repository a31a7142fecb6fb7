#!/bin/bash
# 21-panic-hungtask: kernel.hung_task_panic=1 with a writer stuck on a frozen ext4 file
# system -- the dump target itself, so kcap has to mount a file system that was mounted and
# frozen when the kernel died.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
capture_test --panic hungtask --disk "$T/disk.img" --part 1 --kcap "kcap.ext4=UUID=$uuid" \
	--prod-append "kcaptest.freeze=/dev/vda1" \
	--expect-panic 'hung_task: blocked tasks' \
	--expect-bt '\] watchdog(\.cold)? at '
pass "capture ${CAPTURE_SECS}s after the panic"
