#!/bin/bash
# 76-multipath-lunloss: both paths of the LUN of 65 are removed (device_del) a second into the
# dump. The multipath table has no queue_if_no_path, so the kernel fails the I/O on the
# multipath device at once (I/O errors on dm-0, ext4 aborts its journal) instead of queueing
# it forever; nothing is named vmcore, and the capture ends, QEMU reboots on its own.
# Known, not multipath's: kcap's writer then sits in balance_dirty_pages (the dirty pages of
# the aborted ext4 are never written back), so it is the worker deadline (capture_timeout,
# 45 s here) that ends the capture, not an error return (seen with sysrq-w).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-mpath.sh
. "$(dirname "$0")/lib-mpath.sh"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 1024 "raw:16" "ext4:900:KCAPMP:$uuid"
printf 'map mpatha %s\n' "$MPATH_WWID" >"$T/map"
mpath_image "$T/map"
mpath_paths "$T/disk.img"
kernel_setup --dbg
prod_image -o "$T/prod.img" -i "$MPATH_IMG"
mkdir -p "$T/extra.d/kcaptest"
echo 'kcap.core_collector="makedumpfile -c -d 1"' >"$T/extra.d/kcaptest/capture.cmdline"
cpio_dir "$T/extra.d" "$T/extra.cpio"
cat "$T/prod.img" "$T/extra.cpio" >"$T/initrd.img"

seen=0 pulled=""
# shellcheck disable=SC2317 # called by run_qemu through QEMU_HOOK
pull_both() {
	[ -z "$pulled" ] || return 0
	grep -qaE 'kcap: .*writing .*vmcore-incomplete' "$1" 2>/dev/null || return 0
	seen=$((seen + 1))
	[ "$seen" -ge 5 ] || return 0
	printf 'device_del mpath-path0\ndevice_del mpath-path1\n' 1<>"$2"
	pulled=1
}
QEMU_HOOK=pull_both
QEMU_TIMEOUT=150
log=$T/serial.log
append="$PROD_CMDLINE kcaptest.panic=sysrq kcaptest.marker=$(new_uuid) kcaptest.fill=235"
append+=" kcaptest.capture=\"$CAPTURE_CMDLINE kcap.ext4=UUID=$uuid kcap.capture_timeout=45\""
run_qemu "$log" "$VMLINUZ" "$T/initrd.img" "$append" ||
	fail "QEMU did not end on its own ($QEMU_END after ${QEMU_SECS}s): a hang; serial log: $log"
[ -n "$pulled" ] || fail "the paths were never removed; serial log: $log"
note "QEMU ${QEMU_SECS}s, panic to $QEMU_END ${CAPTURE_SECS}s"
grep -qaE 'kcap: .*vmcore saved' "$log" &&
	fail "the dump was saved before the LUN went away: make it slower (more fill); serial log: $log"
# the kernel failed the I/O instead of queueing it: both paths failed, then I/O errors on dm-0
t_pull=$(tr -d '\r' <"$log" | grep -aE 'device-mapper: multipath: [0-9]+:[0-9]+: Failing path' | sed -n '2s/^\[ *\([0-9.]*\)\].*/\1/p')
t_eio=$(tr -d '\r' <"$log" | grep -aE 'I/O error, dev dm-0, sector [0-9]+ op 0x1:\(WRITE\)' | sed -n '1s/^\[ *\([0-9.]*\)\].*/\1/p')
if [ -z "$t_pull" ] || [ -z "$t_eio" ]; then
	check_err "expected both paths failed and then write errors on dm-0 (no queueing), got paths '$t_pull' errors '$t_eio'"
elif ! awk -v p="$t_pull" -v e="$t_eio" 'BEGIN { exit !(e - p < 5) }'; then
	check_err "the write errors on dm-0 came $t_eio s, more than 5 s after the last path failed ($t_pull s): queued?"
else
	note "last path failed at $t_pull s, first write error on dm-0 at $t_eio s"
fi
grep -qaE 'kcap: capture complete' "$log" && check_err "the capture says complete after the LUN was lost"
grep -qaE 'kcap: (capture worker .* still running after|capture failed)' "$log" ||
	check_err "expected the capture to end as failed (or by its deadline)"
[ "$QEMU_END" = reboot ] || check_err "expected the failure action to reboot, got $QEMU_END"
names=$(disk_ls "$T/disk.img" 2 /var/crash)
dir=$(grep -E -- '-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$names" || true)
if [ -n "$dir" ]; then
	files=$(disk_ls "$T/disk.img" 2 "/var/crash/$dir" | tr '\n' ' ')
	note "after the LUN loss: /var/crash/$dir: $files"
	case " $files " in *" vmcore "*) check_err "a file named vmcore after the LUN was lost: $files" ;; esac
fi
[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}; serial log: $log"
pass "LUN lost mid-dump: dm-0 failed the writes at once; the capture ended ${CAPTURE_SECS}s after the panic, no vmcore"
