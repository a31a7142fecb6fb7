#!/bin/bash
# 76-multipath-lunloss: both paths of the LUN of 65 are removed (device_del) a second into the
# dump. The multipath table has no queue_if_no_path, so the writes fail instead of queueing
# forever: kcap ends the dump as vmcore-incomplete (never vmcore), says the capture failed,
# and the failure action reboots long before the worker deadline; no hang.
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
QEMU_TIMEOUT=200
log=$T/serial.log
append="$PROD_CMDLINE kcaptest.panic=sysrq kcaptest.marker=$(new_uuid) kcaptest.fill=235"
append+=" kcaptest.capture=\"$CAPTURE_CMDLINE kcap.ext4=UUID=$uuid kcap.capture_timeout=150\""
run_qemu "$log" "$VMLINUZ" "$T/initrd.img" "$append" ||
	fail "QEMU did not end on its own ($QEMU_END after ${QEMU_SECS}s): a hang; serial log: $log"
[ -n "$pulled" ] || fail "the paths were never removed; serial log: $log"
note "QEMU ${QEMU_SECS}s, panic to $QEMU_END ${CAPTURE_SECS}s"
grep -qaE 'kcap: .*vmcore saved' "$log" &&
	fail "the dump was saved before the LUN went away: make it slower (more fill); serial log: $log"
grep -qaE 'kcap: .*vmcore failed' "$log" || check_err "expected 'vmcore failed' in the capture log"
grep -qaE 'kcap: capture failed: no target got a complete vmcore' "$log" ||
	check_err "expected 'capture failed: no target got a complete vmcore'"
grep -qaE 'kcap: capture worker .* still running after' "$log" &&
	check_err "the worker deadline ended it: the writes hung instead of failing"
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
pass "LUN lost mid-dump: the capture failed in ${CAPTURE_SECS}s, no hang"
