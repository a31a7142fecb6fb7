#!/bin/bash
# 70-symlink-target: the dump path of the first target is a symbolic link (/var/crash -> /mnt,
# absolute: it would resolve in the capture initramfs, and the dump would be lost at the reboot).
# kcap must refuse it with one clear line, write nothing through it, and save a complete dump
# on the second target.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

uuid1=$(new_uuid)
uuid2=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:100" "ext4:900:KCAPDUMP:$uuid2"
# partition 1: ext4 whose var/crash is a link to /mnt
rm -rf "$T/seed"
mkdir -p "$T/seed/var"
ln -s /mnt "$T/seed/var/crash"
truncate -s 100M "$T/p1.img"
mkfs.ext4 -q -F -L LINKED -U "$uuid1" -d "$T/seed" "$T/p1.img" || fail "mkfs.ext4 -d failed"
dd if="$T/p1.img" of="$T/disk.img" bs=1M seek=$(($(part_start "$T/disk.img" 1) * 512)) \
	oflag=seek_bytes conv=notrunc,sparse status=none
rm -f "$T/p1.img"

cap_boot --panic sysrq --disk "$T/disk.img" \
	--kcap "kcap.ext4=UUID=$uuid1 kcap.ext4=UUID=$uuid2"
cap_need_klog "refusal" "target 1/2: .*/var/crash goes through a symbolic link: refusing it"
cap_need_klog "result" "capture complete: vmcore on target 2/2 \\(ext4 UUID=$uuid2\\)"
dirs=$(cap_dump_dirs "$T/disk.img" 2 /var/crash)
[ "$(wc -w <<<"$dirs")" = 1 ] ||
	cap_fail "expected one dump directory in /var/crash of partition 2, got '$(tr '\n' ' ' <<<"$dirs")'"
cap_check_dump "$T/disk.img" 2 "/var/crash/$dirs" 'sysrq triggered crash' 'sysrq_handle_crash'
got=$(disk_debugfs "$T/disk.img" 1 "stat /var/crash" | grep -o 'Type: [a-z]*')
[ "$got" = "Type: symlink" ] || check_err "expected /var/crash of partition 1 to stay a symlink, got '$got'"
got=$(disk_ls "$T/disk.img" 1 / | sort | tr '\n' ' ')
[ "$got" = "lost+found var " ] || check_err "expected only 'lost+found var ' on partition 1, got '$got'"
cap_done
pass "symlinked /var/crash refused, dump on target 2, capture ${CAPTURE_SECS}s after the panic"
