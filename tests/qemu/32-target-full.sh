#!/bin/bash
# 32-target-full: a target that fills up in the middle of the dump never gets a dump that
# passes for complete, and the capture falls back to the next target.
#
# The free-space check (capture_check_space) lets a target through when it holds the expected
# size (30% of the kept pages with compression) and warns below the maximum. To get past it and
# still run out of space, the production VM carries RAND_MIB of random bytes (a file of an extra
# cpio appended to its initramfs: page cache, kept at -d 17, incompressible). One sysrq crash,
# core_collector "makedumpfile -c -d 17", a chain of three targets on one disk:
#   1. ext4, FULL_MIB: the check passes, the disk fills up mid-dump;
#   2. raw partition (/dev/vda2), RAW_MIB: the same on a raw target;
#   3. ext4, large: the complete dump (checked like every other: crash, makedumpfile, kcap).
# Then, from the disk image: target 1 holds vmcore-incomplete and no file named vmcore at all,
# its file system is full, kcap info says INCOMPLETE (exit 1), crash warns that it is
# incomplete; target 2: kcap savecore refuses it (exit 1, nothing copied), --force copies it
# as vmcore-incomplete only, which kcap info calls INCOMPLETE.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-formats.sh
. "$(dirname "$0")/lib-formats.sh"

# Measured: 38051 of 89979 pages kept at -d 17 with 64 MiB of random data (149 MiB: 46 MiB
# expected), 95 MiB written. Both small targets sit in the middle of that window.
RAND_MIB=64
FULL_MIB=80	# ext4 with 1 KiB blocks: about 70 MiB free
RAW_MIB=70
COLLECTOR="makedumpfile -c -d 17"
t_start=$(date +%s.%N)

mkdir -p "$T/rnd.d/kcaptest"
head -c "${RAND_MIB}M" /dev/urandom >"$T/rnd.d/kcaptest/random.bin"
cpio_dir "$T/rnd.d" "$T/random.cpio"
rm -rf "$T/rnd.d"
# The production image with the random file in it: capture_test builds it in this test's
# directory (the shared build/qemu/prod.img stays as it is) when the capture initramfs comes
# under another name, and prod_image (lib.sh) is wrapped to append the cpio.
eval "lib_$(declare -f prod_image)"
prod_image() {
	lib_prod_image "$@"
	cat "$T/random.cpio" >>"$PROD_IMG"
}
[ -f "$KCAP_IMG" ] || fail "capture initramfs $KCAP_IMG is missing (run: make)"
ln -s "$KCAP_IMG" "$T/kcap.img"

# info_incomplete FILE WHAT: kcap info must call FILE incomplete (exit 1).
info_incomplete() {
	local out=$T/info-${2// /-}.txt rc=0 got
	"$BUILD/kcap" info "$1" >"$out" 2>&1 || rc=$?
	got=$(sed -n 's/^status: //p' "$out")
	if [ "$rc" != 1 ] || [ "$got" != INCOMPLETE ]; then
		check_err "$2: kcap info: expected exit 1 and INCOMPLETE, got exit $rc and '$got' ($out)"
	fi
	note "$2: kcap info: status $got, $(grep -a '^incomplete_reason' "$out")"
}

u1=$(new_uuid)
u3=$(new_uuid)
disk=$T/disk.img
mkdisk_gpt "$disk" 512 "ext4:$FULL_MIB:KCAPFULL:$u1" "raw:$RAW_MIB" "ext4:300:KCAPDUMP:$u3"
# capture_test checks the complete dump on partition 3.
fmt_capture k-c-d17 --format kdump-compressed --level 17 --comp zlib -- \
	--panic sysrq --disk "$disk" --part 3 --image "$T/kcap.img" \
	--kcap "kcap.ext4=UUID=$u1 kcap.raw=/dev/vda2 kcap.ext4=UUID=$u3" \
	--kcap-file "kcap.core_collector=\"$COLLECTOR\"" \
	--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
log=$T/k-c-d17.serial.log

# The guest's word, only to explain a failure below: did the check let both targets through?
if grep -qa 'dump needs about .*: skipping' "$log"; then
	fail "expected the free-space check to let targets 1 and 2 through (to fill up mid-dump), it refused: $(grep -a 'skipping' "$log" | head -n 2 | tr -d '\r' | tr '\n' ' '); adjust RAND_MIB/FULL_MIB/RAW_MIB; serial log: $log"
fi

# --- target 1: ext4 that filled up ---------------------------------------------------------

find_dump_dir "$disk" 1 /var/crash ||
	fail "target 1: expected one dump directory under /var/crash on partition 1; serial log: $log"
names=$(disk_ls "$disk" 1 "$DUMP_DIR")
note "target 1: $DUMP_DIR: $(tr '\n' ' ' <<<"$names")"
grep -qx vmcore-incomplete <<<"$names" ||
	check_err "target 1: expected $DUMP_DIR/vmcore-incomplete, got: $(tr '\n' ' ' <<<"$names")"
grep -qx vmcore-dmesg.txt <<<"$names" ||
	check_err "target 1: expected $DUMP_DIR/vmcore-dmesg.txt (written before the dump), missing"
# Every file of the file system, copied out: none may be called vmcore.
mkdir -p "$T/p1"
disk_debugfs "$disk" 1 "rdump / $T/p1" >/dev/null
[ -d "$T/p1/var/crash" ] || fail "target 1: debugfs rdump of partition 1 copied nothing"
found=$(find "$T/p1" -name vmcore)
[ -z "$found" ] || check_err "target 1: expected no file named vmcore, found: ${found//$T\/p1/}"
inc=$T/p1$DUMP_DIR/vmcore-incomplete
start=$(part_start "$disk" 1)
free_kib=$(dumpe2fs -h "$disk?offset=$((start * 512))" 2>/dev/null |
	awk -F: '/^Free blocks:/ { f = $2 } /^Block size:/ { b = $2 } END { print int(f * b / 1024) }')
# ext4 keeps a little back for its own metadata once it is full (1.6 MiB measured).
[ "${free_kib:-99999}" -lt 4096 ] ||
	check_err "target 1: expected a full file system (under 4 MiB free), got ${free_kib:-unknown} KiB free"
if [ -f "$inc" ]; then
	note "target 1: vmcore-incomplete $(stat -c %s "$inc") bytes, $free_kib KiB left free"
	info_incomplete "$inc" "target 1"
	got=$(fmt_pages info "$inc")
	[[ $got == *' incomplete 1 '* ]] ||
		check_err "target 1: expected the kdump header's incomplete flag, got: $got"
	printf 'sys\nq\n' >"$T/p1-crash.cmds"
	crash -s "$VMLINUX" "$inc" -i "$T/p1-crash.cmds" </dev/null >"$T/p1-crash.out" 2>&1 || true
	grep -qai 'dumpfile is incomplete' "$T/p1-crash.out" ||
		check_err "target 1: expected crash to warn that the dump file is incomplete ($T/p1-crash.out)"
fi

# --- target 2: raw partition that filled up ------------------------------------------------

start=$(part_start "$disk" 2)
dd if="$disk" of="$T/raw.img" bs=1M skip=$((start * 512)) count="$RAW_MIB" iflag=skip_bytes \
	status=none
rc=0
"$BUILD/kcap" savecore "$T/raw.img" "$T/sc" >"$T/savecore.out" 2>"$T/savecore.log" || rc=$?
[ "$rc" = 1 ] ||
	check_err "target 2: kcap savecore without --force: expected exit 1 (refused), got $rc ($T/savecore.log)"
[ -z "$(find "$T/sc" -type f 2>/dev/null)" ] ||
	check_err "target 2: kcap savecore without --force: expected nothing copied, got: $(find "$T/sc" -type f)"
grep -q 'not complete' "$T/savecore.log" ||
	check_err "target 2: kcap savecore: expected 'not complete' in its messages ($T/savecore.log)"
note "target 2: savecore: $(grep -a 'not complete' "$T/savecore.log" | head -n 1)"
rc=0
"$BUILD/kcap" savecore --force "$T/raw.img" "$T/scf" >"$T/savecore-force.out" 2>"$T/savecore-force.log" ||
	rc=$?
[ "$rc" = 0 ] ||
	check_err "target 2: kcap savecore --force: expected exit 0, got $rc ($T/savecore-force.log)"
found=$(find "$T/scf" -name vmcore)
[ -z "$found" ] || check_err "target 2: savecore --force: expected no file named vmcore, found $found"
inc=$(find "$T/scf" -name vmcore-incomplete | head -n 1)
if [ -z "$inc" ]; then
	check_err "target 2: savecore --force: expected a vmcore-incomplete, got: $(find "$T/scf" -type f)"
else
	note "target 2: vmcore-incomplete $(stat -c %s "$inc") bytes (partition $RAW_MIB MiB)"
	info_incomplete "$inc" "target 2"
fi
rm -f "$T/raw.img" "$T/random.cpio"

[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed, first: ${CHECK_ERRORS[0]}; serial log: $log"
pass "ext4 and raw targets filled up mid-dump: never complete, never 'vmcore'; fallback to target 3 complete; total $(fmt_secs "$t_start")s"
