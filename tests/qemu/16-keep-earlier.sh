#!/bin/bash
# 16-keep-earlier: the target file system already holds earlier dumps, and kcap must not touch
# them. /var/crash starts with
#   kcaptest-2020-01-02-03:04:05/     an earlier dump: vmcore (1 MiB of random bytes) and
#                                     vmcore-dmesg.txt, 0700/0600
#   kcaptest-<T>/vmcore, for every second T from just before the boot to the QEMU time limit:
#                                     so the new dump's own name is taken whenever the crash
#                                     happens (a clock that repeats itself, two crashes in one
#                                     second), and kcap has to pick kcaptest-<T>-2.
# After the capture every earlier file is byte-identical with the same mode, and the new dump,
# complete, is in the one new directory.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-capture.sh
. "$(dirname "$0")/lib-capture.sh"

seed=$T/seed
crash=$seed/var/crash
old=kcaptest-2020-01-02-03:04:05
mkdir -p "$crash/$old"
head -c 1048576 /dev/urandom >"$crash/$old/vmcore"
printf '[    0.000000] Linux version (an earlier crash)\n' >"$crash/$old/vmcore-dmesg.txt"
now=$(date +%s)
for ((t = now - 5; t <= now + QEMU_TIMEOUT; t++)); do
	d=$crash/kcaptest-$(date -u -d "@$t" +%Y-%m-%d-%H:%M:%S)
	mkdir "$d"
	echo "earlier dump $t" >"$d/vmcore"
done
chmod 700 "$crash"/*
chmod 600 "$crash"/*/*
(cd "$crash" && find . -printf '%y %m %p\n' | sort) >"$T/before.list"
earlier=$(grep -c '^d [0-7]* \./' "$T/before.list")
note "$earlier earlier dump directories"

uuid=$(new_uuid)
cap_mkdisk_seed "$T/disk.img" 1024 KCAPDUMP "$uuid" "$seed"
cap_boot --panic sysrq --disk "$T/disk.img" --kcap "kcap.ext4=UUID=$uuid"

# Everything that was there, as it was.
after=$T/after
mkdir -p "$after"
disk_debugfs "$T/disk.img" 1 "rdump /var/crash $after" >/dev/null
[ -d "$after/crash" ] || cap_fail "cannot copy /var/crash out of $T/disk.img (debugfs rdump)"
(cd "$after/crash" && find . -printf '%y %m %p\n' | sort) >"$T/after.list"
got=$(comm -23 "$T/before.list" "$T/after.list" | head -n 5 | tr '\n' ';')
[ -z "$got" ] || check_err "expected every earlier entry with its type and mode, missing or changed: $got"
got=$(cd "$crash" && find . -type f | sort | while read -r f; do
	cmp -s "$f" "$after/crash/$f" || echo "$f"
done | head -n 5 | tr '\n' ' ')
[ -z "$got" ] || check_err "expected the earlier files byte-identical, these differ: $got"

# Exactly one new directory: the crash time's name, taken, so with -2.
new=$(comm -13 "$T/before.list" "$T/after.list" | awk '$1 == "d" { print substr($3, 3) }')
note "new: $new"
[ "$(wc -w <<<"$new")" = 1 ] || cap_fail "expected one new directory in /var/crash, got '$(tr '\n' ' ' <<<"$new")'"
case $new in
kcaptest-*-2)
	[ -d "$crash/${new%-2}" ] ||
		check_err "expected the new directory to be <an earlier name>-2, got $new (no earlier ${new%-2})"
	;;
*) check_err "expected the new directory to be kcaptest-<crash time>-2 (that name was taken), got $new" ;;
esac
cap_need_klog "dump directory" "target 1/1: dump directory /mnt/target1/var/crash/$new\$"
cap_check_dump "$T/disk.img" 1 "/var/crash/$new" 'sysrq triggered crash' 'sysrq_handle_crash'
cap_done
pass "$earlier earlier dumps untouched, new dump in $new, capture ${CAPTURE_SECS}s after the panic"
