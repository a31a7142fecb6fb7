# shellcheck shell=bash
# The scenarios that source this file read KCAP_PANIC_TO_DUMP ... and QEMU_PID is lib.sh's:
# shellcheck disable=SC2034
# tests/qemu/lib-debvm.sh: a real Debian 12 system in QEMU, for the install-and-use tests
# (50-debian-deb, 51-debian-raw, tests/bench/vs-kdump-tools). Sourced after lib.sh.
#
# The VM: Debian 12 built by mmdebstrap from the archive (apt sources of this machine), with
# systemd and the very cloud kernel build/kernel holds (so that its -dbg vmlinux reads the
# dumps), on an ext4 file system that is the whole first virtio disk (UUID fixed below).
# Cached in ${KCAP_CACHE:-/var/cache/kcap}/debvm/<key>/ (root.img, vmlinuz, initrd.img): the
# key is a hash of the variant, the package list, the kernel and this file's build recipe.
# Each test boots a sparse copy of it.
#
# In the VM (debvm/customize.sh), kcaptest.service (After=kcap.service kdump-tools.service) counts the boots and
# runs /root/kcaptest/run BOOT if a test put one there (debvm_inject): that script is the
# test's hand inside the guest; its output goes to the serial console.
#
# No kdump software is installed; /root/debs-kdump-tools holds Debian's kdump-tools with its
# dependencies for the anchor (tests/bench/vs-kdump-tools installs them in the VM).

DEBVM_CACHE=${KCAP_CACHE:-/var/cache/kcap}/debvm
DEBVM_ROOT_UUID=5bd1d0e4-3c1a-4d6e-9f0b-2b1a7c0d9e01
DEBVM_MEM=1024
DEBVM_SIZE_MIB=1536
# The guest's packages (Debian 12): systemd as init, the kernel, what kcapctl uses.
DEBVM_PACKAGES="systemd-sysv udev kmod e2fsprogs iproute2 xz-utils zstd initramfs-tools procps"

need_tools mmdebstrap debugfs mkfs.ext4 dpkg-deb

# debvm_build: the cached image; sets DEBVM_DIR.
debvm_build() {
	local variant=debian12 pkgs=$DEBVM_PACKAGES key dir tmp t0 recipe
	[ -n "${KVER:-}" ] || fail "debvm_build: call kernel_setup first"
	pkgs+=" linux-image-$KVER"
	recipe=$(declare -f debvm_build; cat "$TOP/tests/qemu/debvm/customize.sh")
	key=$(printf '%s\n' "$variant" "$pkgs" "$recipe" "$DEBVM_SIZE_MIB" "$DEBVM_ROOT_UUID" |
		sha256sum | cut -c1-16)
	dir=$DEBVM_CACHE/$variant-$key
	DEBVM_DIR=$dir
	if [ -f "$dir/root.img" ] && [ -f "$dir/initrd.img" ] && [ -f "$dir/vmlinuz" ]; then
		return 0
	fi
	mkdir -p "$DEBVM_CACHE"
	# one builder at a time per image
	exec 9>"$dir.lock"
	flock 9
	if [ -f "$dir/root.img" ]; then
		exec 9>&-
		return 0
	fi
	tmp=$dir.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	note "building the Debian 12 VM image ($variant) with mmdebstrap into $dir (a few minutes, once)"
	t0=$(date +%s)
	# The host's apt sources (deb.debian.org: main, updates, security), as apt sees them.
	if ! nice mmdebstrap --variant=minbase --include="${pkgs// /,}" \
		--customize-hook="sh $TOP/tests/qemu/debvm/customize.sh \"\$1\"" \
		bookworm "$tmp/root" /etc/apt/sources.list.d/debian.sources >"$tmp/mmdebstrap.log" 2>&1; then
		tail -n 20 "$tmp/mmdebstrap.log" >&2
		fail "mmdebstrap failed (log: $tmp/mmdebstrap.log)"
	fi
	cp "$tmp/root/boot/vmlinuz-$KVER" "$tmp/vmlinuz"
	cp "$tmp/root/boot/initrd.img-$KVER" "$tmp/initrd.img"
	truncate -s "${DEBVM_SIZE_MIB}M" "$tmp/root.img"
	mkfs.ext4 -q -F -L debroot -U "$DEBVM_ROOT_UUID" -d "$tmp/root" "$tmp/root.img" >"$tmp/mkfs.log" 2>&1 ||
		fail "mkfs.ext4 -d of the VM image failed (log: $tmp/mkfs.log)"
	rm -rf "$tmp/root"
	echo "$(($(date +%s) - t0)) s" >"$tmp/build-time"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	exec 9>&-
	note "VM image ($variant) built in $(cat "$dir/build-time")"
}

# debvm_copy OUT: a sparse copy of the cached root.img for one test.
debvm_copy() {
	cp --sparse=always "$DEBVM_DIR/root.img" "$1"
}

# debvm_inject IMG SRC DST...: write host files into the (unmounted) image, mode from SRC.
debvm_inject() {
	local img=$1 src dst
	shift
	debugfs -w -R "mkdir /root/kcaptest" "$img" >/dev/null 2>&1 || true
	while [ $# -ge 2 ]; do
		src=$1 dst=$2
		shift 2
		debugfs -w -R "rm $dst" "$img" >/dev/null 2>&1 || true
		debugfs -w -R "write $src $dst" "$img" >/dev/null 2>&1
		debugfs -w -R "sif $dst mode 0100$(stat -c %a "$src")" "$img" >/dev/null 2>&1
	done
}

# debvm_get IMG SRC DST: a file out of the image.
debvm_get() {
	rm -f "$3"
	debugfs -R "dump $2 $3" "$1" >/dev/null 2>&1
	[ -f "$3" ] || fail "cannot read $2 from $1"
}

debvm_ls() {	# debvm_ls IMG DIR: names in DIR
	debugfs -R "ls -p $2" "$1" 2>/dev/null | awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $6 }'
}

# debvm_run LOG APPEND EVENTS...: boot the VM (reboots allowed) until it powers off, under
# the hard timeout KCAP_QEMU_TIMEOUT (default 600 s here). EVENTS are NAME=REGEX: the host
# time (s since QEMU started) of the first serial line matching each is put in
# EV_<NAME> (empty if never seen). Extra disks: DEBVM_DISKS. Sets QEMU_SECS. A timeout
# fails the test, or returns 1 with DEBVM_TIMEOUT_OK=1.
DEBVM_DISKS=()
debvm_run() {
	local log=$1 append=$2 pid t0 now ev name re d rc
	shift 2
	local args=(-accel tcg -machine q35 -m "$DEBVM_MEM" -smp 2 -nographic -nic none
		-kernel "$DEBVM_DIR/vmlinuz" -initrd "$DEBVM_DIR/initrd.img"
		-append "root=UUID=$DEBVM_ROOT_UUID rw console=ttyS0 $append"
		-serial "file:$log" -monitor none)
	for d in "${DEBVM_DISKS[@]}"; do
		args+=(-drive "file=$d,format=raw,if=virtio")
	done
	printf '%q ' qemu-system-x86_64 "${args[@]}" >"$T/qemu.cmd"
	for ev in "$@"; do
		unset "EV_${ev%%=*}"
	done
	rm -f "$log"
	t0=$(date +%s.%N)
	timeout -k 5 "${KCAP_QEMU_TIMEOUT:-600}" qemu-system-x86_64 "${args[@]}" </dev/null >"$T/qemu.out" 2>&1 &
	pid=$!
	QEMU_PID=$pid
	while kill -0 "$pid" 2>/dev/null; do
		now=$(date +%s.%N)
		for ev in "$@"; do
			name=EV_${ev%%=*} re=${ev#*=}
			if [ -z "${!name:-}" ] && grep -qaE -- "$re" "$log" 2>/dev/null; then
				printf -v "$name" '%s' "$(awk -v a="$t0" -v b="$now" 'BEGIN { printf "%.1f", b - a }')"
			fi
		done
		sleep 0.2
	done
	rc=0
	wait "$pid" || rc=$?
	QEMU_PID=""
	QEMU_SECS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	for ev in "$@"; do
		name=EV_${ev%%=*}
		printf -v "$name" '%s' "${!name:-}"
	done
	if [ $rc != 0 ]; then
		# a benchmark probing small reservations wants the hang, not a failure
		[ "${DEBVM_TIMEOUT_OK:-0}" = 1 ] && return 1
		fail "QEMU did not power off by itself (exit $rc after ${QEMU_SECS}s; timeout ${KCAP_QEMU_TIMEOUT:-600}s): serial log $log"
	fi
}

# debvm_section LOG NAME: the lines between KCAPTEST-NAME-BEGIN and KCAPTEST-NAME-END.
debvm_section() {
	tr -d '\r' <"$1" | sed -n "/^KCAPTEST-$2-BEGIN/,/^KCAPTEST-$2-END/p" | sed '1d;$d'
}

# secs_between A B: B - A with one decimal, or "?" when either is empty.
secs_between() {
	if [ -z "$1" ] || [ -z "$2" ]; then
		echo "?"
	else
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
	fi
}

# debvm_kcap_scenario MODE (ext4 | raw): the whole administrator's path with the kcap .deb
# on the Debian VM: install (kcap.service loads at once), status says loaded, crash with
# kcapctl test --yes, the capture, the reboot into Debian, kcapctl status reports the crash
# with its panic line (and --json), the dump in /var/crash passes the three checks. raw: the
# dump goes to a raw partition and kcap-savecore.service copies it out at the next boot, and
# the capture kernel is loaded through the kexec_load fallback (kexec-tools).
# Sets KCAP_PANIC_TO_DUMP KCAP_PANIC_TO_UP KCAP_IMG_BYTES for the caller.
debvm_kcap_scenario() {
	local mode=$1 img=$T/root.img log=$T/serial.log marker deb conf status2 json
	kernel_setup --dbg
	debvm_build
	note "VM image: $DEBVM_DIR (built in $(cat "$DEBVM_DIR/build-time" 2>/dev/null || echo '?'))"
	make -s -C "$TOP" deb >"$T/make-deb.log" 2>&1 || fail "make deb failed (see $T/make-deb.log)"
	deb=$(ls "$BUILD"/deb/kcap_*.deb)
	marker=$(new_uuid)
	debvm_copy "$img"
	conf=$T/kcap.conf
	DEBVM_DISKS=("$img")
	if [ "$mode" = raw ]; then
		truncate -s 256M "$T/raw.img"
		DEBVM_DISKS+=("$T/raw.img")
		printf 'raw /dev/vdb\n' >"$conf"
	else
		printf 'ext4 UUID=%s\n' "$DEBVM_ROOT_UUID" >"$conf"
	fi
	printf 'path /var/crash\ncore_collector makedumpfile -c -d 31\nsysrq 1\nkeep_old_dumps 3\n' >>"$conf"
	debvm_inject "$img" "$deb" /root/kcaptest/kcap.deb "$conf" /root/kcaptest/kcap.conf \
		"$TOP/tests/qemu/debvm/run-kcap.sh" /root/kcaptest/run
	if [ "$mode" = raw ]; then
		# and load through the kexec_load fallback (kexec-tools), which nothing else tests
		echo always >"$T/fallback"
		debvm_inject "$img" "$T/fallback" /root/kcaptest/fallback
	fi
	debvm_run "$log" "crashkernel=160M kcaptest.marker=$marker" \
		crash='sysrq: Trigger a crash|Kernel panic - not syncing' \
		done='kcap: capture complete' \
		up='KCAPTEST-BOOT 2' \
		end='KCAPTEST-DONE 2'
	note "QEMU ran ${QEMU_SECS}s: crash at ${EV_crash:-?}s, capture complete at ${EV_done:-?}s, Debian up again at ${EV_up:-?}s"

	# boot 1: installed, loaded by kcap.service, status says so
	grep -qa 'KCAPTEST-BOOT 1' "$log" || fail "the VM never ran the test driver (serial log $log)"
	debvm_section "$log" INSTALL | grep -qx 'exit 0' ||
		fail "dpkg -i kcap.deb failed: $(debvm_section "$log" INSTALL | tail -n 5) (serial log $log)"
	debvm_section "$log" SERVICE | grep -qx active ||
		check_err "expected kcap.service active after the install, got: $(debvm_section "$log" SERVICE | tr '\n' ' ')"
	if [ "$mode" = raw ]; then
		debvm_section "$log" STATUS1 | grep -q '^kcap: loaded (.* via kexec_load (kexec-tools' ||
			check_err "expected kcapctl status to say loaded via kexec_load (the fallback), got: $(debvm_section "$log" STATUS1 | head -n 1)"
	fi
	debvm_section "$log" STATUS1 | grep -q '^kcap: loaded' ||
		check_err "expected 'kcap: loaded' from kcapctl status before the crash, got: $(debvm_section "$log" STATUS1 | head -n 3 | tr '\n' ' ')"
	KCAP_IMG_BYTES=$(tr -d '\r' <"$log" | sed -n 's/^KCAPTEST-IMGSIZE //p')
	note "image built in the VM: ${KCAP_IMG_BYTES:-?} bytes; kcapctl estimate: $(debvm_section "$log" ESTIMATE | head -n 1)"
	[ -n "${EV_crash:-}" ] || fail "the VM did not crash (serial log $log)"
	[ -n "${EV_done:-}" ] || check_err "no 'kcap: capture complete' on the console (serial log $log)"
	[ -n "${EV_up:-}" ] || fail "Debian did not come back after the capture (serial log $log)"

	# boot 2: status reports the crash, the service loaded kcap again
	status2=$(debvm_section "$log" STATUS2)
	printf '%s\n' "$status2" >"$T/status2.txt"
	grep -q '^kcap: loaded' <<<"$status2" ||
		check_err "expected 'kcap: loaded' after the reboot, got: $(head -n 2 <<<"$status2" | tr '\n' ' ')"
	grep -qE '^  /var/crash/debvm-[0-9-]+:[0-9:]+: complete, .*panic "Kernel panic - not syncing: sysrq triggered crash"' <<<"$status2" ||
		check_err "expected kcapctl status to list the capture as complete with its panic line, got: $status2"
	debvm_section "$log" JSON | sed '$d' >"$T/status.json"
	json=$(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
d = s["dumps"][-1]
print(s["loaded"], d["status"], d["panic"], d["task"], d["written_by"])' "$T/status.json" 2>&1) ||
		check_err "kcapctl status --json is not the expected JSON: $json (see $T/status.json)"
	note "status --json: $json"
	if [ "$mode" = raw ]; then
		grep -q "^True complete Kernel panic - not syncing: sysrq triggered crash .* kcap report --write$" <<<"$json" ||
			check_err "expected loaded, complete, the panic line and written_by 'kcap report --write' in --json, got: $json"
		debvm_section "$log" SAVECORE | grep -q 'kcapctl: saved the dump of /dev/vdb in /var/crash/' ||
			check_err "expected kcap-savecore.service to save the dump of /dev/vdb, got: $(debvm_section "$log" SAVECORE | tr '\n' ' ')"
	else
		grep -q "^True complete Kernel panic - not syncing: sysrq triggered crash .* capture kernel$" <<<"$json" ||
			check_err "expected loaded, complete, the panic line and written_by 'capture kernel' in --json, got: $json"
	fi

	# the disk, read from the host: one dump directory, the three checks
	local dirs
	dirs=$(debvm_ls "$img" /var/crash | grep -E -- '-[0-9]{4}-[0-9]{2}-[0-9]{2}-' || true)
	[ "$(grep -c . <<<"$dirs")" = 1 ] || fail "expected one dump directory in /var/crash, got: '$dirs' (serial log $log)"
	mkdir -p "$T/out"
	note "dump directory /var/crash/$dirs: $(debvm_ls "$img" "/var/crash/$dirs" | sort | tr '\n' ' ')"
	debvm_get "$img" "/var/crash/$dirs/vmcore" "$T/out/vmcore"
	debvm_get "$img" "/var/crash/$dirs/report.json" "$T/out/report.json"
	verify_dump "$T/out/vmcore" "$marker" 'sysrq triggered crash' 'sysrq_handle_crash'
	KCAP_PANIC_TO_DUMP=$(secs_between "${EV_crash:-}" "${EV_done:-}")
	KCAP_PANIC_TO_UP=$(secs_between "${EV_crash:-}" "${EV_up:-}")
	[ "$mode" != raw ] || KCAP_PANIC_TO_DUMP="?"
	if [ ${#CHECK_ERRORS[@]} -gt 0 ]; then
		fail "${#CHECK_ERRORS[@]} check(s) failed (serial log $log)"
	fi
}
