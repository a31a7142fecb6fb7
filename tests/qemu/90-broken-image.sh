#!/bin/bash
# 90-broken-image: the harness itself must fail a capture that writes nothing.
# A capture initramfs whose /init only powers off goes through the same capture_test as the
# real scenarios; that run must FAIL, and its message must name the serial log.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

kernel_setup --dbg
root=$T/broken.d
add_busybox "$root"
printf '#!/bin/sh\npoweroff -f\n' >"$root/init"
chmod 755 "$root/init"
cpio_dir "$root" "$T/broken.img"

uuid=$(new_uuid)
mkdisk_gpt "$T/disk.img" 256 "ext4:200:KCAPDUMP:$uuid"
out=$T/inner.log
inner=$T/inner
# The scenario logic runs in a subshell (its fail() exits) with its own scratch directory.
broken_run() {
	T=$inner
	mkdir -p "$T"
	capture_test --image "$1/broken.img" --panic sysrq --disk "$1/disk.img" --part 1 \
		--kcap "kcap.ext4=UUID=$uuid" \
		--expect-panic 'sysrq triggered crash' --expect-bt 'sysrq_handle_crash'
}
if (broken_run "$T") >"$out" 2>&1; then
	fail "capture_test passed with a capture image that writes nothing (see $out)"
fi
msg=$(grep -a '^FAIL: ' "$out" | tail -n 1)
note "inner run: $msg"
[[ $msg == *"serial log: $inner/serial.log"* ]] ||
	fail "expected the failure to name the serial log $inner/serial.log, got: ${msg:-nothing} (see $out)"
[[ $msg == *"<host>-<date> directory"* ]] ||
	fail "expected the failure to be the missing dump directory, got: $msg (see $out)"
grep -qa 'reboot: Power down' "$inner/serial.log" ||
	fail "the broken image did not even power off (serial log: $inner/serial.log)"
pass "a capture that writes nothing fails and names its serial log"
