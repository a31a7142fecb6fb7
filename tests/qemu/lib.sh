# shellcheck shell=bash
# tests/qemu/lib.sh: shared by every QEMU scenario (sourced, bash). See tests/qemu/README.md.
#
# A scenario boots the pinned Debian cloud kernel in QEMU (TCG) with a production initramfs
# that loads kcap as the crash kernel, crashes it for real, and then inspects what kcap left on
# the virtual disk from the host (debugfs, makedumpfile, crash) after QEMU has exited.
#
# Layout: build/qemu/ holds cached artefacts (payload, prod.img), build/qemu/t/<test>/ is the
# scratch directory of one test (kept after a failure; wiped when the test starts again).
#
# Environment knobs (for development; the committed scenarios use the defaults):
#   KCAP_IMG=path       capture initramfs to test (default build/kcap.img)
#   KCAP_QEMU_TIMEOUT=s hard limit of one QEMU run (default 240)
#   KCAP_QEMU_KEEP=1    keep the scratch directory even when the test passes

# The scenarios that source this file read KVER MODDIR PROD_IMG CAPTURE_OUT ...:
# shellcheck disable=SC2034
set -euo pipefail
# Byte semantics everywhere: fast grep on binary dumps, stable sort order.
export LC_ALL=C

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$TOP/build
QBUILD=$BUILD/qemu
PAYLOAD=$TOP/tests/qemu/payload
TEST_NAME=$(basename "$0" .sh)
T=$QBUILD/t/$TEST_NAME
KCAP_IMG=${KCAP_IMG:-$BUILD/kcap.img}
QEMU_TIMEOUT=${KCAP_QEMU_TIMEOUT:-240}
QEMU_MEM=512
QEMU_DISKS=()
QEMU_NMI_ON=""
# For scenarios that need more than virtio disks and no network:
#   QEMU_NIC     replaces "-nic none" (e.g. (-nic user,model=virtio-net-pci,restrict=on,...))
#   QEMU_EXTRA   more QEMU arguments (SCSI paths, -device ...), appended last
#   QEMU_HOOK    a function run_qemu calls every 0.2 s while QEMU runs, as
#                HOOK LOG MONITOR_IN: it may write monitor commands into MONITOR_IN
#                (echo CMD 1<>"$2"), or act on the host (kill a server mid-dump)
QEMU_NIC=(-nic none)
QEMU_EXTRA=()
QEMU_HOOK=""
# The capture kernel command line every scenario starts from (kcap.panic= is added by the
# production /init from its kernel.panic, as kcapctl does).
CAPTURE_CMDLINE="console=ttyS0 irqpoll nr_cpus=1 reset_devices panic=10"
# Production kernel: the cloud kernel as capture kernel needs 160M of reserved memory.
# panic=1 becomes kcap.panic=1: kcap waits 1 s before its final reboot (5 s would be 4 s
# more per scenario), and a production kernel with no crash kernel loaded reboots at once.
PROD_CMDLINE="console=ttyS0 crashkernel=160M panic=1 printk.devkmsg=on"

rm -rf "$T"
mkdir -p "$T"

# A scenario stopped half way (^C, a failed check) leaves no QEMU behind.
QEMU_PID=""
lib_cleanup() {
	if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
		kill "$QEMU_PID" 2>/dev/null || true
	fi
}
trap lib_cleanup EXIT
trap 'exit 130' INT TERM

# --- outcome -----------------------------------------------------------------------------

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

note() {
	echo "$TEST_NAME: $*"
}

pass() {
	note "PASS${1:+: $1}"
	[ "${KCAP_QEMU_KEEP:-0}" = 1 ] || rm -rf "$T"
	exit 0
}

# need_tools TOOL...: a missing tool is a failure, never a skip.
need_tools() {
	local t missing=()
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	[ ${#missing[@]} -eq 0 ] || fail "missing tools: ${missing[*]} (run: make deps)"
}

need_tools qemu-system-x86_64 timeout sfdisk mkfs.ext4 debugfs cpio busybox kexec \
	modprobe musl-gcc make sha256sum
[ -x /bin/busybox ] || fail "missing /bin/busybox (package busybox-static)"

# --- kernel ------------------------------------------------------------------------------

# kernel_setup [--dbg]: fetch the pinned kernel; sets KVER VMLINUZ VMLINUX MODDIR KROOT.
kernel_setup() {
	"$TOP/scripts/fetch-kernel" --headers "$@" >&2 || fail "scripts/fetch-kernel $* failed"
	KROOT=$BUILD/kernel/root
	KVER=$(cat "$BUILD/kernel/release")
	VMLINUZ=$BUILD/kernel/vmlinuz
	VMLINUX=$BUILD/kernel/vmlinux
	MODDIR=$KROOT/lib/modules/$KVER
}

# --- payload: kcapfill (static musl) and kcapoops.ko (out of tree, pinned headers) ---------

payload_build() {
	local p=$QBUILD/payload
	mkdir -p "$p/mod"
	if [ ! -x "$p/kcapfill" ] || [ "$PAYLOAD/kcapfill.c" -nt "$p/kcapfill" ]; then
		musl-gcc -static -Os -Wall -Wextra -Werror -o "$p/kcapfill" "$PAYLOAD/kcapfill.c" ||
			fail "musl-gcc kcapfill.c failed"
	fi
	if [ ! -f "$p/mod/kcapoops.ko" ] || [ "$PAYLOAD/kcapoops.c" -nt "$p/mod/kcapoops.ko" ] ||
		[ "$BUILD/kernel/.headers" -nt "$p/mod/kcapoops.ko" ]; then
		cp "$PAYLOAD/kcapoops.c" "$PAYLOAD/Kbuild" "$p/mod/"
		make -s -C "$BUILD/kernel/headers" M="$p/mod" modules >"$p/mod/build.log" 2>&1 ||
			fail "building kcapoops.ko failed, see $p/mod/build.log"
	fi
	KCAPFILL=$p/kcapfill
	KCAPOOPS=$p/mod/kcapoops.ko
}

# --- initramfs building blocks -------------------------------------------------------------

# cpio_dir DIR OUT: newc cpio of DIR, sorted, owned by root, fixed mtimes.
cpio_dir() {
	find "$1" -exec touch -h -d @0 {} +
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --reproducible --quiet) >"$2.tmp" || fail "cpio of $1 failed"
	mv "$2.tmp" "$2"
}

# add_busybox ROOT: /bin/busybox and a link per applet.
add_busybox() {
	local a
	mkdir -p "$1/bin" "$1/sbin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" "$1/mnt"
	cp /bin/busybox "$1/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$1/bin/$a" ] || ln -s busybox "$1/bin/$a"
	done
}

# add_dynamic ROOT BINARY DEST: a dynamically linked binary plus everything ldd lists.
add_dynamic() {
	local lib
	mkdir -p "$1$(dirname "$3")"
	cp -L "$2" "$1$3"
	for lib in $(ldd "$2" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
		mkdir -p "$1$(dirname "$lib")"
		cp -L "$lib" "$1$lib"
	done
}

# add_modules ROOT LIST MODULE...: the modules and their dependencies from the cloud kernel,
# in load order; LIST (a path inside ROOT) gets one "path-in-image" per line.
add_modules() {
	local root=$1 list=$2 ko m
	shift 2
	mkdir -p "$root$(dirname "$list")"
	: >"$root$list"
	# One module per modprobe call: further arguments would be taken as module parameters.
	for ko in $(for m in "$@"; do
		modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" || echo "missing-module-$m"
	done | awk '$1 == "insmod" { print $2 } /^missing-module-/ { print }'); do
		case $ko in missing-module-*) fail "modprobe finds no ${ko#missing-module-} in $KROOT" ;; esac
		ko=${ko#"$KROOT"}
		if ! grep -qx "$ko" "$root$list"; then
			mkdir -p "$root$(dirname "$ko")"
			cp "$KROOT$ko" "$root$ko"
			echo "$ko" >>"$root$list"
		fi
	done
	[ -s "$root$list" ] || fail "no modules found for $*"
}

# Modules the production VM needs to see its virtio disks.
PROD_MODULES=(virtio_pci virtio_blk)

# inputs_changed OUT FILE...: true (and records the new sum) unless OUT exists and was built
# from the same files and settings.
inputs_sum() {
	{
		sha256sum "$@"
		echo "$KVER ${PROD_MODULES[*]}"
	} | sha256sum | cut -d' ' -f1
}

# prod_image [-o OUT] [-k CAPTURE_KERNEL] [-i CAPTURE_INITRD]: the production initramfs;
# sets PROD_IMG.  Cached: rebuilt only when one of its inputs changes.
prod_image() {
	local out=$QBUILD/prod.img ck=$VMLINUZ ci=$KCAP_IMG opt OPTIND=1
	while getopts o:k:i: opt; do
		case $opt in
		o) out=$OPTARG ;;
		k) ck=$OPTARG ;;
		i) ci=$OPTARG ;;
		*) fail "prod_image: bad option" ;;
		esac
	done
	[ -f "$ci" ] || fail "capture initramfs $ci is missing (run: make)"
	[ -f "$ck" ] || fail "capture kernel $ck is missing"
	payload_build
	local sum
	sum=$(inputs_sum "$ck" "$ci" "$PAYLOAD/init.sh" "$KCAPFILL" "$KCAPOOPS" /usr/sbin/kexec /bin/busybox)
	PROD_IMG=$out
	if [ -f "$out" ] && [ "$(cat "$out.inputs" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	local root=$out.d
	rm -rf "$root"
	mkdir -p "$root/kcaptest"
	add_busybox "$root"
	add_dynamic "$root" /usr/sbin/kexec /sbin/kexec
	add_modules "$root" /kcaptest/modules "${PROD_MODULES[@]}"
	cp "$PAYLOAD/init.sh" "$root/init"
	chmod 755 "$root/init"
	cp "$KCAPFILL" "$root/bin/kcapfill"
	cp "$KCAPOOPS" "$root/kcaptest/kcapoops.ko"
	cp -L "$ck" "$root/kcaptest/vmlinuz"
	cp -L "$ci" "$root/kcaptest/capture.img"
	cpio_dir "$root" "$out"
	rm -rf "$root"
	echo "$sum" >"$out.inputs"
}

# fake_kcap_image OUT: a stand-in capture initramfs (busybox + host makedumpfile) that writes
# the dump layout kcap promises. Only for checking the harness itself.
fake_kcap_image() {
	local root=$1.d
	rm -rf "$root"
	mkdir -p "$root/fake"
	add_busybox "$root"
	add_dynamic "$root" /usr/bin/makedumpfile /bin/makedumpfile
	add_modules "$root" /fake/modules virtio_pci virtio_blk
	cp "$PAYLOAD/fake-collector.sh" "$root/init"
	chmod 755 "$root/init"
	cpio_dir "$root" "$1"
	rm -rf "$root"
}

# --- disks (files only: no root, no loop devices) ------------------------------------------

new_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# mkdisk_gpt IMG SIZE_MIB PART...: a GPT disk image; PART is ext4:MIB:LABEL:UUID or raw:MIB.
# Each ext4 file system is made in its own file, then copied into place with dd.
mkdisk_gpt() {
	local img=$1 size=$2 spec script="label: gpt" kind mib label uuid i=0 start
	shift 2
	rm -f "$img"
	truncate -s "${size}M" "$img"
	for spec in "$@"; do
		IFS=: read -r kind mib _ <<<"$spec"
		script+=$'\n'"size=${mib}MiB, type=linux"
	done
	sfdisk -q "$img" <<<"$script" >/dev/null || fail "sfdisk $img failed"
	for spec in "$@"; do
		i=$((i + 1))
		IFS=: read -r kind mib label uuid <<<"$spec"
		[ "$kind" = ext4 ] || continue
		start=$(part_start "$img" "$i")
		rm -f "$img.p"
		truncate -s "${mib}M" "$img.p"
		mkdir -p "$img.d/var/crash"
		mkfs.ext4 -q -F -L "$label" -U "$uuid" -d "$img.d" "$img.p" || fail "mkfs.ext4 for $img:$i failed"
		dd if="$img.p" of="$img" bs=1M seek=$((start * 512)) oflag=seek_bytes \
			conv=notrunc,sparse status=none
		rm -rf "$img.p" "$img.d"
	done
}

# part_start IMG N: first sector of partition N (N = @SECTOR: a file system at SECTOR, e.g. an LV).
part_start() {
	case $2 in @*) echo "${2#@}"; return ;; esac
	sfdisk -d "$1" | awk -v n="$1$2" '$1 == n { sub(/,/, "", $4); print $4 }'
}

# debugfs on partition N of IMG, read only, without copying the partition out.
disk_debugfs() {
	local img=$1 part=$2 start
	shift 2
	start=$(part_start "$img" "$part")
	[ -n "$start" ] || fail "$img has no partition $part"
	debugfs -R "$*" "$img?offset=$((start * 512))" 2>/dev/null
}

# disk_ls IMG PART DIR: the names in DIR (one a line, without . and ..).
disk_ls() {
	disk_debugfs "$1" "$2" "ls -p $3" | awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $6 }'
}

# disk_get IMG PART SRC DST: copy one file out.
disk_get() {
	rm -f "$4"
	disk_debugfs "$1" "$2" "dump $3 $4" >/dev/null
	[ -f "$4" ] || fail "cannot read $3 from $1 partition $2"
}

# --- QEMU ----------------------------------------------------------------------------------

# crashed LOG: the serial log shows a panic, an oops or a second kernel booting (with a crash
# kernel loaded, an oops under panic_on_oops goes straight to kexec without a "Kernel panic"
# line, and a panic in NMI context never reaches the console before kexec).
crashed() {
	local n
	grep -qaE 'Kernel panic - not syncing|Oops: [0-9]' "$1" 2>/dev/null && return 0
	n=$(grep -ca '\] Command line: ' "$1" 2>/dev/null) || true
	[ "${n:-0}" -ge 2 ]
}

# run_qemu LOG KERNEL INITRD APPEND
# Boots under a hard timeout with the serial console in LOG, QEMU_DISKS as virtio disks and a
# monitor on a pipe (for the NMI button: when QEMU_NMI_ON appears in LOG, "nmi" is sent),
# QEMU_NIC, QEMU_EXTRA and QEMU_HOOK (see the top of this file).
# Sets QEMU_END (poweroff|reboot|exit|timeout), QEMU_SECS (wall time), CAPTURE_SECS (from the
# crash (see crashed) to QEMU's exit, empty if none was seen; polled every 0.2 s).
# Returns 0 when the guest ended on its own, 1 on a timeout or a QEMU error.
run_qemu() {
	local log=$1 kernel=$2 initrd=$3 append=$4 d mon pid catpid rc t0 tp="" nmi_sent=0
	local args=(-accel tcg -machine q35 -m "$QEMU_MEM" -smp 2 -nographic -no-reboot "${QEMU_NIC[@]}"
		-kernel "$kernel" -initrd "$initrd" -append "$append")
	mon=$T/monitor
	rm -f "$mon.in" "$mon.out" "$log"
	mkfifo "$mon.in" "$mon.out"
	args+=(-serial "file:$log" -monitor "pipe:$mon")
	for d in "${QEMU_DISKS[@]}"; do
		args+=(-drive "file=$d,format=raw,if=virtio")
	done
	args+=("${QEMU_EXTRA[@]}")
	printf '%q ' qemu-system-x86_64 "${args[@]}" >"$T/qemu.cmd"
	echo >>"$T/qemu.cmd"
	t0=$(date +%s.%N)
	timeout -k 5 "$QEMU_TIMEOUT" qemu-system-x86_64 "${args[@]}" </dev/null >"$T/qemu.out" 2>&1 &
	pid=$!
	QEMU_PID=$pid
	cat "$mon.out" >"$T/monitor.log" &
	catpid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$tp" ] && crashed "$log"; then
			tp=$(date +%s.%N)
		fi
		if [ -n "$QEMU_NMI_ON" ] && [ $nmi_sent = 0 ] && grep -qaF "$QEMU_NMI_ON" "$log" 2>/dev/null; then
			# Read-write opens of a FIFO never block, even if QEMU is already gone.
			echo nmi 1<>"$mon.in"
			nmi_sent=1
		fi
		[ -z "$QEMU_HOOK" ] || "$QEMU_HOOK" "$log" "$mon.in"
		sleep 0.2
	done
	rc=0
	wait "$pid" || rc=$?
	QEMU_PID=""
	local t1
	t1=$(date +%s.%N)
	# QEMU is gone: opening the FIFO read-write releases the reader if QEMU never opened it.
	: 1<>"$mon.out"
	wait "$catpid" || true
	rm -f "$mon.in" "$mon.out"
	[ -n "$tp" ] || ! crashed "$log" || tp=$t1
	QEMU_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	CAPTURE_SECS=""
	[ -z "$tp" ] || CAPTURE_SECS=$(awk -v a="$tp" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		QEMU_END=timeout
		return 1
	elif [ $rc != 0 ]; then
		QEMU_END="exit"
		echo "qemu exited with $rc: $(tail -n 3 "$T/qemu.out")" >&2
		return 1
	elif grep -qa 'reboot: Power down' "$log"; then
		QEMU_END=poweroff
	elif grep -qaE 'reboot: Restarting system|Rebooting in [0-9]+ seconds' "$log"; then
		QEMU_END=reboot
	else
		QEMU_END="exit"
	fi
	return 0
}

# --- checking a dump -----------------------------------------------------------------------

CHECK_ERRORS=()
CHECK_KCAP_DMESG=1

check_err() {
	CHECK_ERRORS+=("$*")
	echo "  check failed: $*" >&2
}

# verify_dump DUMP MARKER PANIC_RE BT_RE: checks a captured dump with $VERIFY_DUMP, by
# default verify_readers (a library such as lib-formats.sh names its own, it does not
# redefine this one).
VERIFY_DUMP=verify_readers
verify_dump() {
	"$VERIFY_DUMP" "$@"
}

# verify_readers DUMP MARKER PANIC_RE BT_RE: the three independent readers.
#  1. makedumpfile --dump-dmesg finds the marker;
#  2. crash: `sys` says PANIC: matching PANIC_RE, `bt` is a backtrace matching BT_RE;
#  3. build/kcap dmesg prints the same bytes as makedumpfile.
# Failures are collected in CHECK_ERRORS (the caller decides).
verify_readers() {
	local dump=$1 marker=$2 panic_re=$3 bt_re=$4 v=$T/verify
	mkdir -p "$v"
	if makedumpfile --dump-dmesg "$dump" "$v/makedumpfile-dmesg.txt" >"$v/makedumpfile.log" 2>&1; then
		grep -qF "KCAPTEST-MARKER-$marker" "$v/makedumpfile-dmesg.txt" ||
			check_err "makedumpfile --dump-dmesg $dump: no KCAPTEST-MARKER-$marker in $v/makedumpfile-dmesg.txt"
	else
		check_err "makedumpfile --dump-dmesg $dump failed: $(tail -n 2 "$v/makedumpfile.log")"
	fi

	printf 'sys\nbt\nq\n' >"$v/crash.cmds"
	if crash -s "$VMLINUX" "$dump" -i "$v/crash.cmds" </dev/null >"$v/crash.out" 2>&1; then
		local panic
		panic=$(grep -a '^ *PANIC:' "$v/crash.out" | head -n 1 | sed 's/^ *//')
		if [ -z "$panic" ]; then
			check_err "crash sys: no PANIC: line (see $v/crash.out)"
		elif ! grep -qaE -- "$panic_re" <<<"$panic"; then
			check_err "crash sys: expected PANIC: matching /$panic_re/, got: $panic"
		else
			note "crash sys: $panic"
		fi
		if ! grep -qaE '^ *#[0-9]+ \[' "$v/crash.out"; then
			check_err "crash bt: no backtrace frames (see $v/crash.out)"
		elif ! grep -aE '^ *#[0-9]+ \[|exception RIP:' "$v/crash.out" | grep -qaE -- "$bt_re"; then
			check_err "crash bt: expected a frame matching /$bt_re/ (see $v/crash.out)"
		fi
	else
		check_err "crash -s $VMLINUX $dump failed (see $v/crash.out)"
	fi

	if [ "$CHECK_KCAP_DMESG" = 0 ]; then
		note "kcap dmesg comparison left out (not a kcap dump)"
	elif [ ! -x "$BUILD/kcap" ]; then
		check_err "build/kcap is missing: cannot compare 'kcap dmesg' with makedumpfile"
	elif "$BUILD/kcap" dmesg "$dump" >"$v/kcap-dmesg.txt" 2>"$v/kcap-dmesg.err"; then
		cmp -s "$v/kcap-dmesg.txt" "$v/makedumpfile-dmesg.txt" ||
			check_err "kcap dmesg $dump differs from makedumpfile --dump-dmesg: diff $v/kcap-dmesg.txt $v/makedumpfile-dmesg.txt"
	else
		check_err "kcap dmesg $dump failed: $(head -c 300 "$v/kcap-dmesg.err")"
	fi
}

# check_fill DUMP MIB: all MIB MiB of KCAPFILL pages (kcaptest.fill) are in an unfiltered,
# uncompressed dump: every page index 0 .. MIB*256-1 appears once at least.
check_fill() {
	local want=$(($2 * 256)) got
	# A tag is followed by 0xa5 bytes (preceded by whatever page is physically before it): cut
	# the dump into alphanumeric words first (grep -o on a binary file takes minutes).
	got=$(tr -c 'A-Za-z0-9' '\n' <"$1" | grep -oE 'KCAPFILL[0-9a-f]{8}$' | sort -u | wc -l)
	if [ "$got" != "$want" ]; then
		check_err "expected $want distinct KCAPFILL pages in $1, found $got"
	else
		note "fill pattern: all $want pages found"
	fi
}

# find_dump_dir IMG PART PATH: the one <host>-<YYYY-MM-DD-HH:MM:SS> directory under PATH
# (sets DUMP_DIR, the path inside the file system), or fails.
find_dump_dir() {
	local img=$1 part=$2 path=$3 names n
	names=$(disk_ls "$img" "$part" "$path")
	n=$(grep -cE -- '-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$names" || true)
	[ "$n" = 1 ] || {
		echo "  $path holds: $(tr '\n' ' ' <<<"$names")" >&2
		return 1
	}
	DUMP_DIR=$path/$(grep -E -- '-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$' <<<"$names")
}

# --- one whole crash-and-capture scenario --------------------------------------------------

# capture_test OPTIONS: build, boot, crash, capture, read back, verify.
#   --panic KIND            sysrq|oops|scribble|softlockup|hungtask|nmi
#   --kcap "OPTS"           kcap.* options for the capture command line (the target, ...)
#   --kcap-file "OPTS"      more capture options, which may hold double quotes
#                           (kcap.core_collector="makedumpfile -E -d 1"): they go in a file
#                           of a small cpio appended to the production initramfs
#   --disk IMG --part N     where the dump lands (the disk is the first virtio disk)
#   --path P                dump path inside the file system (default /var/crash)
#   --expect-panic RE       crash's PANIC: line must match
#   --expect-bt RE          crash's bt must show a frame matching
#   --prod-append "OPTS"    more production kernel options (kcaptest.freeze=...)
#   --fill MIB              fill MIB of memory with KCAPFILL pages before the crash
#   --image IMG             capture initramfs (default $KCAP_IMG)
#   --kernel K              capture kernel (default: the cloud kernel, $VMLINUZ)
#   --extra-disk IMG        another virtio disk, attached BEFORE the dump disk (the dump
#                           disk then is /dev/vdb)
#   --attach virtio|extra   extra: --disk is not a virtio disk, the scenario attaches it
#                           itself in QEMU_EXTRA (SCSI paths, ...)
# Fails with the serial log path on any problem; on success prints the numbers.
capture_test() {
	local panic=sysrq kcap="" disk="" part=1 path=/var/crash panic_re="" bt_re="" extra=""
	local image=$KCAP_IMG extra_disks=() ckernel="" kcap_file="" attach=virtio
	while [ $# -gt 0 ]; do
		case $1 in
		--panic) panic=$2 ;;
		--kcap) kcap=$2 ;;
		--kcap-file) kcap_file=$2 ;;
		--disk) disk=$2 ;;
		--part) part=$2 ;;
		--path) path=$2 ;;
		--expect-panic) panic_re=$2 ;;
		--expect-bt) bt_re=$2 ;;
		--prod-append) extra=$2 ;;
		--fill) extra+=" kcaptest.fill=$2" ;;
		--image) image=$2 ;;
		--kernel) ckernel=$2 ;;
		--extra-disk) extra_disks+=("$2") ;;
		--attach) attach=$2 ;;
		*) fail "capture_test: unknown option $1" ;;
		esac
		shift 2
	done
	if [ -z "$disk" ] || [ -z "$panic_re" ] || [ -z "$bt_re" ]; then
		fail "capture_test: --disk, --expect-panic and --expect-bt are required"
	fi
	kernel_setup --dbg
	need_tools makedumpfile crash
	# The shared build/qemu/prod.img is for the default capture kernel and image only.
	local pimg=$QBUILD/prod.img
	[ "$image" = "$KCAP_IMG" ] && [ -z "$ckernel" ] || pimg=$T/prod.img
	if [ -n "$ckernel" ]; then
		prod_image -o "$pimg" -i "$image" -k "$ckernel"
	else
		prod_image -o "$pimg" -i "$image"
	fi
	if [ -n "$kcap_file" ]; then
		# Concatenated newc archives: the kernel unpacks one after the other.
		mkdir -p "$T/extra.d/kcaptest"
		printf '%s\n' "$kcap_file" >"$T/extra.d/kcaptest/capture.cmdline"
		cpio_dir "$T/extra.d" "$T/extra.cpio"
		cat "$pimg" "$T/extra.cpio" >"$T/initrd.img"
		pimg=$T/initrd.img
		note "capture options from a file: $kcap_file"
	fi
	local marker log=$T/serial.log
	marker=$(new_uuid)
	QEMU_DISKS=("${extra_disks[@]}")
	[ "$attach" = extra ] || QEMU_DISKS+=("$disk")
	[ "$panic" != nmi ] || QEMU_NMI_ON=KCAPTEST-NMI-READY
	local append="$PROD_CMDLINE kcaptest.panic=$panic kcaptest.marker=$marker $extra"
	append+=" kcaptest.capture=\"$CAPTURE_CMDLINE $kcap\""
	note "boot: $append"
	run_qemu "$log" "$VMLINUZ" "$pimg" "$append" ||
		fail "QEMU did not end on its own ($QEMU_END after ${QEMU_SECS}s, limit ${QEMU_TIMEOUT}s); serial log: $log"
	grep -qa 'kcaptest: capture kernel loaded' "$log" ||
		fail "the production VM did not load the capture kernel; serial log: $log"
	grep -qa "KCAPTEST-MARKER-$marker" "$log" || fail "no marker in the serial log $log"
	[ -n "$CAPTURE_SECS" ] || fail "the production kernel never crashed; serial log: $log"
	[ "$(grep -ca '\] Command line: ' "$log")" -ge 2 ] ||
		fail "the capture kernel never started; serial log: $log"
	note "QEMU ${QEMU_SECS}s, panic to $QEMU_END ${CAPTURE_SECS}s"
	find_dump_dir "$disk" "$part" "$path" ||
		fail "expected one <host>-<date> directory under $path on $disk partition $part, found none or several; serial log: $log"
	local names f
	names=$(disk_ls "$disk" "$part" "$DUMP_DIR")
	note "dump directory $DUMP_DIR: $(tr '\n' ' ' <<<"$names")"
	for f in vmcore vmcore-dmesg.txt kexec-dmesg.log; do
		grep -qx "$f" <<<"$names" || check_err "$DUMP_DIR/$f is missing"
	done
	! grep -qx vmcore-incomplete <<<"$names" || check_err "$DUMP_DIR/vmcore-incomplete is still there"
	local o=$T/out
	mkdir -p "$o"
	if grep -qx vmcore-dmesg.txt <<<"$names"; then
		disk_get "$disk" "$part" "$DUMP_DIR/vmcore-dmesg.txt" "$o/vmcore-dmesg.txt"
		grep -qF "KCAPTEST-MARKER-$marker" "$o/vmcore-dmesg.txt" ||
			check_err "vmcore-dmesg.txt has no KCAPTEST-MARKER-$marker ($o/vmcore-dmesg.txt)"
	fi
	if grep -qx vmcore <<<"$names"; then
		disk_get "$disk" "$part" "$DUMP_DIR/vmcore" "$o/vmcore"
		note "vmcore: $(stat -c %s "$o/vmcore") bytes"
		verify_dump "$o/vmcore" "$marker" "$panic_re" "$bt_re"
	fi
	[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
		fail "${#CHECK_ERRORS[@]} check(s) failed: ${CHECK_ERRORS[0]}${CHECK_ERRORS[1]:+; ...}; serial log: $log"
	CAPTURE_OUT=$o
}
