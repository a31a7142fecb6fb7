#!/bin/bash
# 23-panic-softlockup: kcapoops.ko spins with preemption off; kernel.softlockup_panic=1 and
# watchdog_thresh=1 turn the soft lockup into a panic.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
capture_test --panic softlockup --disk "$T/disk.img" --part 1 --kcap "kcap.ext4=UUID=$uuid" \
	--expect-panic 'softlockup: hung tasks' \
	--expect-bt 'watchdog_timer_fn|kcapoops_spin'
pass "capture ${CAPTURE_SECS}s after the panic"
