# shellcheck shell=bash
# The scenarios that source this file read CAP_LOG CAP_MARKER CAP_WATCH_AT ...:
# shellcheck disable=SC2034
# tests/qemu/lib-capture.sh: what the collector's acceptance scenarios (13-18) need on top of
# lib.sh (source lib.sh first).
#
# capture_test (lib.sh) insists on exactly one complete dump directory; these scenarios also
# look at targets that must NOT get a dump, at raw partitions, at earlier dumps and at what the
# collector does after the dump. So the crash and the checks come apart here:
#   cap_boot         build, boot, crash, capture (checks only that it all happened)
#   cap_dump_dirs    the dated dump directories on an ext4 partition of a disk image
#   cap_check_dump   one dump directory: names, modes, text, the three readers of lib.sh
#   cap_check_text   a vmcore-dmesg.txt: marker, and the crashed kernel's log to its end
#   cap_check_clean  the target file system was unmounted cleanly
#   cap_mkdisk_seed  a disk whose ext4 file system starts with given contents
#   cap_done         fail with every collected check error and the serial log path
# Everything is read back from the disk images after QEMU has exited.

CAP_DATED_RE='-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}(-[0-9]+)?$'

cap_fail() {
	fail "$*; serial log: ${CAP_LOG:-none}"
}

# cap_watch LOG RE OUT [QUIT_SECS]: (background) wait for RE in LOG, write the host time to
# OUT; with QUIT_SECS, wait that long and then make QEMU quit through its monitor pipe (run_qemu's
# $T/monitor.in), writing the host time to OUT.quit.
cap_watch() {
	local log=$1 re=$2 out=$3 quit=${4:-}
	until grep -qaE -- "$re" "$log" 2>/dev/null; do
		sleep 0.2
	done
	date +%s.%N >"$out"
	[ -n "$quit" ] || return 0
	sleep "$quit"
	# Read-write open of the FIFO: never blocks; run_qemu removes it once QEMU is gone.
	if [ -p "$T/monitor.in" ]; then
		echo quit 1<>"$T/monitor.in"
		date +%s.%N >"$out.quit"
	fi
}

# cap_boot OPTIONS: build the production image, boot it, crash it; kcap runs as the capture
# kernel's /init. Fails unless the production VM loaded the capture kernel, logged the marker,
# crashed, and the capture kernel started. Sets CAP_LOG CAP_MARKER QEMU_END QEMU_SECS
# CAPTURE_SECS (and CAP_WATCH_AT, CAP_QUIT_AT: see --watch).
#   --panic KIND --kcap OPTS --kcap-file OPTS --prod-append OPTS --fill MIB   as capture_test
#   --disk IMG            a virtio disk; repeat for more (vda, vdb, ... in this order)
#   --prod-panic N        kernel.panic of the production kernel (lib.sh's panic= otherwise)
#   --log NAME            the serial log is $T/NAME.log (default serial)
#   --watch RE            CAP_WATCH_AT: host time (s.ns) when RE first showed in the serial log
#   --quit-after S        with --watch: S seconds after RE showed, quit QEMU through its
#                         monitor (CAP_QUIT_AT: when; empty if QEMU had ended by itself)
#   --image IMG           capture initramfs (default $KCAP_IMG)
cap_boot() {
	local panic=sysrq kcap="" kcap_file="" extra="" disks=() log=serial watch="" quit=""
	local pimg wpid="" marker append prod=$PROD_CMDLINE image=""
	while [ $# -gt 0 ]; do
		case $1 in
		--panic) panic=$2 ;;
		--kcap) kcap=$2 ;;
		--kcap-file) kcap_file=$2 ;;
		--prod-append) extra+=" $2" ;;
		--fill) extra+=" kcaptest.fill=$2" ;;
		--disk) disks+=("$2") ;;
		--prod-panic)
			grep -qE ' panic=-?[0-9]+ ' <<<" $prod " ||
				fail "cap_boot: no panic=N in lib.sh's PROD_CMDLINE: $prod"
			prod=$(sed -E "s/(^| )panic=-?[0-9]+( |\$)/\1panic=$2\2/" <<<"$prod")
			;;
		--log) log=$2 ;;
		--watch) watch=$2 ;;
		--quit-after) quit=$2 ;;
		--image) image=$2 ;;
		*) fail "cap_boot: unknown option $1" ;;
		esac
		shift 2
	done
	[ ${#disks[@]} -gt 0 ] || fail "cap_boot: --disk is required"
	kernel_setup --dbg
	need_tools makedumpfile crash
	if [ -n "$image" ]; then
		prod_image -o "$T/prod.img" -i "$image"
	else
		prod_image
	fi
	pimg=$PROD_IMG
	if [ -n "$kcap_file" ]; then
		# As capture_test: options with quotes of their own go in a file, in a small cpio
		# appended to the production initramfs (payload/init.sh adds them).
		rm -rf "$T/extra.d"
		mkdir -p "$T/extra.d/kcaptest"
		printf '%s\n' "$kcap_file" >"$T/extra.d/kcaptest/capture.cmdline"
		cpio_dir "$T/extra.d" "$T/extra.cpio"
		cat "$pimg" "$T/extra.cpio" >"$T/initrd.img"
		pimg=$T/initrd.img
		note "capture options from a file: $kcap_file"
	fi
	CAP_LOG=$T/$log.log
	marker=$(new_uuid)
	CAP_MARKER=$marker
	QEMU_DISKS=("${disks[@]}")
	[ "$panic" != nmi ] || QEMU_NMI_ON=KCAPTEST-NMI-READY
	append="$prod kcaptest.panic=$panic kcaptest.marker=$marker$extra"
	append+=" kcaptest.capture=\"$CAPTURE_CMDLINE $kcap\""
	note "boot: $append"
	CAP_WATCH_AT="" CAP_QUIT_AT=""
	rm -f "$CAP_LOG" "$T/$log.watch" "$T/$log.watch.quit"
	if [ -n "$watch" ]; then
		cap_watch "$CAP_LOG" "$watch" "$T/$log.watch" "$quit" &
		wpid=$!
	fi
	local rc=0
	run_qemu "$CAP_LOG" "$VMLINUZ" "$pimg" "$append" || rc=1
	if [ -n "$wpid" ]; then
		kill "$wpid" 2>/dev/null || true
		wait "$wpid" 2>/dev/null || true
		CAP_WATCH_AT=$(cat "$T/$log.watch" 2>/dev/null || true)
		CAP_QUIT_AT=$(cat "$T/$log.watch.quit" 2>/dev/null || true)
	fi
	[ $rc = 0 ] ||
		cap_fail "QEMU did not end on its own ($QEMU_END after ${QEMU_SECS}s, limit ${QEMU_TIMEOUT}s)"
	grep -qa 'kcaptest: capture kernel loaded' "$CAP_LOG" ||
		cap_fail "the production VM did not load the capture kernel"
	grep -qa "KCAPTEST-MARKER-$marker" "$CAP_LOG" || cap_fail "no marker in the serial log"
	[ -n "$CAPTURE_SECS" ] || cap_fail "the production kernel never crashed"
	[ "$(grep -ca '\] Command line: ' "$CAP_LOG")" -ge 2 ] || cap_fail "the capture kernel never started"
	grep -qa 'kcap: .* starting as PID 1' "$CAP_LOG" || cap_fail "kcap never started as PID 1"
	note "QEMU ${QEMU_SECS}s, panic to $QEMU_END ${CAPTURE_SECS}s"
}

# cap_klog RE: the first kcap line of the capture kernel matching RE (without the timestamp),
# empty if none.
cap_klog() {
	tr -d '\r' <"$CAP_LOG" | { grep -aE -- "kcap: .*$1" || true; } | head -n 1 | sed 's/^\[[^]]*\] //'
}

# cap_need_klog WHAT RE: a kcap line matching RE must be in the serial log.
cap_need_klog() {
	local line
	line=$(cap_klog "$2")
	if [ -z "$line" ]; then
		check_err "$1: expected a serial log line matching /kcap: .*$2/, got none"
	else
		note "log: $line"
	fi
}

# cap_klog_time RE: the timestamp (seconds) of the first serial log line matching RE.
cap_klog_time() {
	tr -d '\r' <"$CAP_LOG" | { grep -aE -- "$1" || true; } | head -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

# cap_ls IMG PART DIR: "name type perm size" per entry of DIR: type d (directory), f (regular
# file) or o (other), perm as stat %a prints it (700). debugfs prints modes as 040700, 100600.
cap_ls() {
	disk_debugfs "$1" "$2" "ls -p $3" |
		awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." {
			m = $3; sub(/^0+/, "", m)
			# (no {n} intervals: mawk)
			type = m ~ /^40[0-7][0-7][0-7]$/ ? "d" : m ~ /^100[0-7][0-7][0-7]$/ ? "f" : "o"
			perm = substr(m, length(m) - 3); sub(/^0+/, "", perm)
			print $6, type, perm, $7
		}'
}

# cap_dump_dirs IMG PART PATH: the dated <host>-<date> directories under PATH, sorted.
cap_dump_dirs() {
	disk_ls "$1" "$2" "$3" | grep -E -- "$CAP_DATED_RE" | sort || true
}

# cap_check_text FILE: a vmcore-dmesg.txt holds the marker and the crashed kernel's log to its
# end: its last line is the last line the production kernel printed on the serial console.
cap_check_text() {
	local f=$1 want got
	grep -qF "KCAPTEST-MARKER-$CAP_MARKER" "$f" ||
		check_err "expected KCAPTEST-MARKER-$CAP_MARKER in $f, got none"
	# The production kernel's lines: up to the capture kernel's "Linux version" banner.
	want=$(tr -d '\r' <"$CAP_LOG" |
		awk '/\[ *0\.000000\] Linux version / { n++ } n == 1 && /^\[ *[0-9.]+\] / { last = $0 } END { print last }')
	got=$(tail -n 1 "$f")
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		check_err "expected $f to end with the crashed kernel's last console line '$want', got '$got'"
	fi
}

# cap_check_dump IMG PART DIR PANIC_RE BT_RE: a complete dump directory on an ext4 partition:
# vmcore, vmcore-dmesg.txt, kexec-dmesg.log and report.json and nothing else, directory 0700, files 0600;
# the file system was unmounted cleanly; the text is complete; the vmcore passes lib.sh's
# verify_dump. Copies land in $T/out.
# Errors are collected (check_err); cap_done reports them.
cap_check_dump() {
	local img=$1 part=$2 dir=$3 panic_re=$4 bt_re=$5 o=$T/out entries names got
	got=$(cap_ls "$img" "$part" "$(dirname "$dir")" | awk -v n="$(basename "$dir")" '$1 == n { print $2, $3 }')
	[ "$got" = "d 700" ] || check_err "expected $dir to be a directory with mode 700 ('d 700'), got '$got'"
	entries=$(cap_ls "$img" "$part" "$dir")
	names=$(awk '{ print $1 }' <<<"$entries" | sort | tr '\n' ' ')
	note "dump directory $dir: $names"
	[ "$names" = "kexec-dmesg.log report.json vmcore vmcore-dmesg.txt " ] ||
		check_err "expected $dir to hold 'kexec-dmesg.log report.json vmcore vmcore-dmesg.txt ', got '$names'"
	got=$(awk '$2 != "f" || $3 != 600 { print $1 ": " $2 " " $3 }' <<<"$entries" | tr '\n' ' ')
	[ -z "$got" ] || check_err "expected regular files with mode 600 in $dir, got: $got"
	cap_check_clean "$img" "$part"
	mkdir -p "$o"
	if grep -q '^vmcore-dmesg.txt ' <<<"$entries"; then
		disk_get "$img" "$part" "$dir/vmcore-dmesg.txt" "$o/vmcore-dmesg.txt"
		cap_check_text "$o/vmcore-dmesg.txt"
	fi
	if grep -q '^vmcore ' <<<"$entries"; then
		disk_get "$img" "$part" "$dir/vmcore" "$o/vmcore"
		note "vmcore: $(stat -c %s "$o/vmcore") bytes"
		verify_dump "$o/vmcore" "$CAP_MARKER" "$panic_re" "$bt_re"
	fi
}

# cap_check_clean IMG PART: the file system was unmounted cleanly (kcap syncs and unmounts its
# targets before the final action): state clean, no journal to recover.
cap_check_clean() {
	local stats state
	stats=$(disk_debugfs "$1" "$2" stats)
	state=$(sed -n 's/^Filesystem state: *//p' <<<"$stats")
	[ "$state" = clean ] ||
		check_err "expected partition $2 of $1 to be unmounted cleanly (state 'clean'), got '$state'"
	! grep -q '^Filesystem features:.*needs_recovery' <<<"$stats" ||
		check_err "expected no journal to recover on partition $2 of $1, got needs_recovery"
}

# cap_mkdisk_seed IMG SIZE_MIB LABEL UUID SEED [MKFS_OPTION...]: a GPT disk with one ext4
# partition of SIZE_MIB - 2 MiB that holds a copy of the directory tree SEED (mkfs.ext4 -d:
# modes, owners and times are kept).
cap_mkdisk_seed() {
	local img=$1 size=$2 label=$3 uuid=$4 seed=$5 mib start
	shift 5
	mib=$((size - 2))
	mkdisk_gpt "$img" "$size" "raw:$mib"
	start=$(part_start "$img" 1)
	rm -f "$img.p"
	truncate -s "${mib}M" "$img.p"
	mkfs.ext4 -q -F -L "$label" -U "$uuid" -d "$seed" "$@" "$img.p" || fail "mkfs.ext4 -d $seed $* failed"
	dd if="$img.p" of="$img" bs=1M seek=$((start * 512)) oflag=seek_bytes \
		conv=notrunc,sparse status=none
	rm -f "$img.p"
}

# cap_done: fail with the collected check errors (each was printed as it was found).
cap_done() {
	[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
		cap_fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}${CHECK_ERRORS[1]:+; ...}"
}

# cap_secs A B: B - A with one decimal.
cap_secs() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}
