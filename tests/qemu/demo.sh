#!/bin/bash
# tests/qemu/demo.sh (make demo): crash a production VM and show what kcap saved.
#
# Builds kcap (make), boots the pinned Debian cloud kernel in a 1 GiB QEMU guest with kcap
# loaded as its crash kernel (kexec -p), crashes it with sysrq-c, lets kcap write the dump to
# an ext4 file system on a virtual disk, copies the dump directory out to build/demo/ and
# shows: where it is, its size, how long the capture took, the end of the crashed kernel's log
# and what crash(8) says about it. Takes 1-2 minutes once the kernel is downloaded.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

demo=$BUILD/demo
rm -rf "$demo"
mkdir -p "$demo"

step() {
	printf '\n== %s\n' "$*"
}

step "building kcap (make)"
# KCAP_DEMO_MAKE=0 skips the build (to show a capture image given in KCAP_IMG).
if [ "${KCAP_DEMO_MAKE:-1}" != 0 ]; then
	make -C "$TOP" -j2 >"$demo/make.log" 2>&1 || fail "make failed, see $demo/make.log"
fi
echo "build/kcap, build/kcap.img ($(stat -c %s "$KCAP_IMG") bytes)"

step "kernel"
kernel_setup --dbg
need_tools crash
echo "Debian cloud kernel $KVER (build/kernel/vmlinuz; build/kernel/vmlinux for crash)"
prod_image

uuid=$(new_uuid)
disk=$demo/disk.img
mkdisk_gpt "$disk" 1024 "ext4:1000:KCAPDUMP:$uuid"
marker=$(new_uuid)
QEMU_MEM=1024
QEMU_DISKS=("$disk")
log=$demo/serial.log
append="$PROD_CMDLINE kcaptest.panic=sysrq kcaptest.marker=$marker"
append+=" kcaptest.capture=\"$CAPTURE_CMDLINE kcap.ext4=UUID=$uuid\""

step "booting a 1 GiB production VM, loading kcap with kexec -p, crashing it (sysrq c)"
echo "serial console: $log"
run_qemu "$log" "$VMLINUZ" "$PROD_IMG" "$append" ||
	fail "QEMU did not end on its own ($QEMU_END after ${QEMU_SECS}s); serial log: $log"
grep -aE 'kcaptest: (kexec|capture kernel loaded)|Kernel panic - not syncing|kcap:' "$log" |
	tr -d '\r' | sed 's/^/  /' | head -n 40
[ -n "$CAPTURE_SECS" ] || fail "the production kernel never crashed; serial log: $log"

step "the dump"
find_dump_dir "$disk" 1 /var/crash ||
	fail "kcap wrote no <host>-<date> directory under /var/crash; serial log: $log"
dir=$(basename "$DUMP_DIR")
disk_debugfs "$disk" 1 "rdump $DUMP_DIR $demo" >/dev/null
[ -f "$demo/$dir/vmcore" ] ||
	fail "no vmcore in $DUMP_DIR (files: $(disk_ls "$disk" 1 "$DUMP_DIR" | tr '\n' ' ')); serial log: $log"
echo "on the guest:  UUID=$uuid:$DUMP_DIR"
echo "on this host:  $demo/$dir/"
find "$demo/$dir" -type f -printf '  %12s  %f\n' | sort -k2
size=$(stat -c %s "$demo/$dir/vmcore")
echo "vmcore: $((size / 1024 / 1024)) MiB ($size bytes) from a $QEMU_MEM MiB guest"
echo "capture took ${CAPTURE_SECS}s from the panic until the VM ended ($QEMU_END); whole VM run ${QEMU_SECS}s"
# The capture kernel's own clock: from its boot to the collector's "capture complete".
done_at=$(grep -a 'kcap: capture complete' "$log" | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
[ -z "$done_at" ] || echo "capture kernel boot to 'kcap: capture complete': ${done_at}s"

step "last lines of vmcore-dmesg.txt"
if [ -f "$demo/$dir/vmcore-dmesg.txt" ]; then
	tail -n 12 "$demo/$dir/vmcore-dmesg.txt"
else
	echo "(no vmcore-dmesg.txt)"
fi

step "crash $VMLINUX $demo/$dir/vmcore"
printf 'sys\nbt\nq\n' >"$demo/crash.cmds"
crash -s "$VMLINUX" "$demo/$dir/vmcore" -i "$demo/crash.cmds" </dev/null >"$demo/crash.out" 2>&1 ||
	fail "crash could not read the dump, see $demo/crash.out"
cat "$demo/crash.out"
grep -q 'PANIC:' "$demo/crash.out" || fail "crash shows no PANIC: line, see $demo/crash.out"
printf '\nDone: the dump is in %s/%s/ (serial log: %s)\n' "$demo" "$dir" "$log"
