#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Hostile and corrupt input (issue 13): dump files crafted by 60-craft.py
# from the synthetic dumps, fed to the host kcap built with ASan and UBSan
# (host.lib). One line per finding: each must end without a sanitizer
# report (exit 99), inside its time limit, with the exit status and the
# line it names. KCAP_COLLECTOR=DIR runs the same table on another tree's
# collector (an older commit's: the cases then fail).
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-hostile.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=host.lib
. "$(dirname "$0")/host.lib"

failed=0 passed=0
# t NAME SECONDS RC REGEX CMD...: CMD exits RC (any: not 99, 124 or a
# signal) within SECONDS and its output matches REGEX (empty: anything).
t() {
	local name=$1 secs=$2 want=$3 re=$4 rc log=$work/$1.log
	shift 4
	timeout -s KILL "$secs" "$@" >"$log" 2>&1
	rc=$?
	grep -qE 'ERROR: AddressSanitizer|runtime error:' "$log" && rc=99
	if [ "$rc" = 137 ] || [ "$rc" = 99 ] || [ "$rc" -gt 128 ] ||
		{ [ "$want" != any ] && [ "$rc" != "$want" ]; } ||
		{ [ -n "$re" ] && ! grep -qE -- "$re" "$log"; }; then
		failed=$((failed + 1))
		echo "FAIL: $name: expected exit $want${re:+ and a line matching /$re/} within $secs s"
		echo "    got exit $rc$([ "$rc" = 137 ] && echo ' (killed: time limit)')$([ "$rc" = 99 ] && echo ' (sanitizer report)'); output:"
		sed 's/^/      /' "$log" | head -n 30
		return
	fi
	passed=$((passed + 1))
	echo "ok: $name"
}
# c IN ARGS...: craft $work/IN from the mkcore ELF (or another ELF set by base=)
craft() { python3 "$craft" "$@" || { echo "FAIL: 60-craft.py $*"; exit 1; }; }

"$mkcore" "$work/core.elf" "$work/core.manifest" >/dev/null || { echo "FAIL: 40-mkcore"; exit 1; }
if ! "$mkvmcore" -k lockless -f elf "$work/lockless.elf" ||
	! "$mkvmcore" -k printk_log -f elf "$work/printk_log.elf"; then
	echo "FAIL: mkvmcore"
	exit 1
fi

# --- memory safety ------------------------------------------------------------------------
# filter.c: SIZE(page) wrapping the mem_map buffer's size (heap overflow write);
# OFFSET(page.flags) past SIZE(page). The level drops, the dump is written.
craft elf "$work/core.elf" "$work/szpage.elf" 'vi:SIZE(page)=71777214294589696'
t filter-size-page-wrap 120 0 'SIZE\(page\).*dump level 31 -> 1' \
	"$kcap" convert -c -d 31 "$work/szpage.elf" "$work/out.szpage"
craft elf "$work/core.elf" "$work/offpage.elf" 'vi:OFFSET(page.flags)=100000'
t filter-offset-page-flags 120 0 'OFFSET\(page.flags\).*dump level 31 -> 1' \
	"$kcap" convert -c -d 31 "$work/offpage.elf" "$work/out.offpage"

# dmesg.c: offsets near 2^64 wrapping the bounds checks (lockless ring, printk_log)
craft elf "$work/lockless.elf" "$work/lk-ring.elf" \
	'vi:OFFSET(printk_ringbuffer.desc_ring)=18446744073709551608'
t dmesg-lockless-desc-ring-wrap 60 1 'Structure needs cleaning' "$kcap" dmesg "$work/lk-ring.elf"
craft elf "$work/lockless.elf" "$work/lk-state.elf" \
	'vi:OFFSET(prb_desc.state_var)=18446744073709551608'
t dmesg-lockless-state-var-wrap 60 1 'Structure needs cleaning' "$kcap" dmesg "$work/lk-state.elf"
craft elf "$work/printk_log.elf" "$work/pl-len.elf" 'vi:OFFSET(printk_log.len)=18446744073709551615'
t dmesg-printk_log-len-wrap 60 1 'Structure needs cleaning' "$kcap" dmesg "$work/pl-len.elf"
craft elf "$work/printk_log.elf" "$work/pl-ts.elf" 'vi:OFFSET(printk_log.ts_nsec)=18446744073709551609'
t dmesg-printk_log-ts-wrap 60 1 'Structure needs cleaning' "$kcap" dmesg "$work/pl-ts.elf"

# dumpfile_kdump.c find_vmcoreinfo: a last note with namesz 0xfffffffd pads to 0
craft elf "$work/core.elf" "$work/namesz.elf" drop-notes 'note:fdffffff0000000000000000'
t kdump-writer-note-namesz-wrap 120 0 '' "$kcap" convert -d 0 "$work/namesz.elf" "$work/out.namesz"

# --- the dump is lost ---------------------------------------------------------------------
# SIZE(page) too large to allocate: before, ENOMEM and no dump
craft elf "$work/core.elf" "$work/bigpage.elf" 'vi:SIZE(page)=1099511627776'
t filter-size-page-enomem 120 0 'dump level 31 -> 1' \
	"$kcap" convert -c -d 31 "$work/bigpage.elf" "$work/out.bigpage"
# non-EXTREME mem_section that cannot be read: was ENOMEM, now a lower level
craft elf "$work/core.elf" "$work/memsec.elf" 'vi:LENGTH(mem_section)=1' \
	'vi:SYMBOL(mem_section)=ffffffffff000000'
t filter-mem-section-unreadable 120 0 'cannot read mem_section.*dump level 31 -> 1' \
	"$kcap" convert -c -d 31 "$work/memsec.elf" "$work/out.memsec"
# a PT_LOAD near the top of the physical space: no bitmap, an unfiltered copy
craft elf "$work/core.elf" "$work/highload.elf" 'load:0x7ff0000000000000:0:0:0:4096'
t filter-huge-bitmap-unfiltered-copy 120 0 'unfiltered copy' \
	"$kcap" convert -c -d 31 "$work/highload.elf" "$work/out.highload"
t filter-huge-bitmap-copy-readable 60 0 '^status: COMPLETE' "$kcap" info "$work/out.highload"

# --- hangs and exhaustion ---------------------------------------------------------------
# dump.c read-ahead and dump_elf.c: a PT_LOAD whose p_offset + p_filesz wraps
# (pages read from before the read-ahead buffer) is refused...
craft elf "$work/core.elf" "$work/off64.elf" 'set:0:offset:0xfffffffffffff800'
t elf-offset-wrap 60 1 'Structure needs cleaning' \
	"$kcap" convert -c -d 31 "$work/off64.elf" "$work/out.off64"
# ...and one past the end of a small file holds no pages: before, convert
# reserved 6 GB and walked 2^28 unreadable pages
craft elf "$work/core.elf" "$work/bigfs.elf" 'load:0x100000000:0:0x1000:0x10000000000:0x10000000000'
t elf-filesz-past-eof 30 0 '' "$kcap" convert -c -d 31 "$work/bigfs.elf" "$work/out.bigfs"
t elf-filesz-past-eof-incomplete 30 1 '^status: INCOMPLETE' "$kcap" info "$work/bigfs.elf"

# dump_flat.c: a stream without records (qsort(NULL, 0)); 200,000 records
# each overlapping the next (O(n^2) resolve: over a minute before)
python3 "$craft" flat-empty "$work/empty.flat"
t flat-no-records 30 any '' "$kcap" info "$work/empty.flat"
python3 "$craft" flat-overlap 200000 "$work/overlap.flat"
t flat-overlapping-records 20 any '' "$kcap" info "$work/overlap.flat"

# conf.c: core_collector of blanks reached strrchr(NULL); the lenient parse
# runs in PID 1 itself, so this config killed init
printf 'core_collector " "\n' >"$work/blank-collector.conf"
t conf-core-collector-blank-strict 30 1 'core_collector: empty' \
	"$kcap" check-config "$work/blank-collector.conf"
t conf-core-collector-blank-lenient 30 0 'core_collector: empty.*ignored' \
	"$kcap" check-config --lenient "$work/blank-collector.conf"

# target_raw.c: dmesg_offset + dmesg_size (and dump_offset + dump_size)
# wrapping past the device size: savecore copied the rest of the partition
# as the "dmesg" and never the dump
truncate -s 64M "$work/raw.img"
"$kcap" save --raw "$work/lockless.elf" "$work/raw.img" >"$work/raw-save.log" 2>&1 ||
	{ echo "FAIL: kcap save --raw:"; cat "$work/raw-save.log"; exit 1; }
python3 "$craft" raw "$work/raw.img" "$work/raw-dmesg.img" dmesg_size=0xfffffffffffff010
mkdir "$work/sc1" "$work/sc2"
t raw-dmesg-size-wrap 30 1 'header offsets and sizes do not fit' \
	"$kcap" savecore "$work/raw-dmesg.img" "$work/sc1"
python3 "$craft" raw "$work/raw.img" "$work/raw-dump.img" dump_size=0xfffffffffff00010
t raw-dump-size-wrap 30 1 'header offsets and sizes do not fit' \
	"$kcap" savecore "$work/raw-dump.img" "$work/sc2"

# dumpdir.c, capture.c, target_raw.c: a crash time past year 2^31 has no
# struct tm (gmtime_r fails): the name and the log used an uninitialised one
craft elf "$work/lockless.elf" "$work/crashtime.elf" 'vi:CRASHTIME=99999999999999999'
mkdir "$work/ct"
t crash-time-huge-dirname 60 0 '/synthhost-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$' \
	"$kcap" save "$work/crashtime.elf" "$work/ct"
t crash-time-huge-log 60 0 'crashed unknown;' "$kcap" save "$work/crashtime.elf" "$work/ct"
python3 "$craft" raw "$work/raw.img" "$work/raw-time.img" crash_time=99999999999999999
mkdir "$work/sc3"
t raw-crash-time-huge 60 0 'crashed unknown;' "$kcap" savecore "$work/raw-time.img" "$work/sc3"

# dumpdir.c: mkdir -p, stat and open followed symbolic links: an absolute
# one on a target (/var/crash -> /srv/crash) resolves in the initramfs
mkdir -p "$work/sl/root" "$work/sl/elsewhere"
ln -s ../elsewhere "$work/sl/root/var"
ln -s elsewhere "$work/sl/link"
t symlink-in-dump-path 60 1 'goes through a symbolic link: refusing it' \
	"$kcap" save "$work/lockless.elf" "$work/sl/root/var/crash"
t symlink-dump-path 60 1 'goes through a symbolic link: refusing it' \
	"$kcap" save "$work/lockless.elf" "$work/sl/link"
t symlink-nothing-written 5 0 '' test -z "$(ls -A "$work/sl/elsewhere")"

# dump.c find_page_offset: no direct-map PT_LOAD and page tables whose leaf
# entries are all absent: it stepped 4 KiB at a time across the KASLR window
craft elf "$work/core.elf" "$work/pgtable.elf" 'fill:0x380888:200:0x381063' \
	'fill:0x381000:512:0x384063' 'fill:0x384000:512:0x385063' 'fill:0x385000:512:0' \
	'set:1:vaddr:0' 'set:2:vaddr:0'
t page-offset-empty-leaves 20 0 '^format: ELF' "$kcap" info "$work/pgtable.elf"

# dump_kdump.c: both bitmaps were allocated from bitmap_blocks before any
# check: a few MB of flattened stream took 4.7 GB (here: more than the 1 GB
# ASan is allowed to hand out)
"$mkvmcore" -f kdump "$work/k.kdump" || { echo "FAIL: mkvmcore -f kdump"; exit 1; }
python3 "$craft" kdump-flat "$work/k.kdump" "$work/bitmaps.flat" 0x100000 0x200000000
t kdump-bitmaps-before-checks 30 1 'Structure needs cleaning' \
	env ASAN_OPTIONS="$ASAN_OPTIONS:max_allocation_size_mb=1024" "$kcap" info "$work/bitmaps.flat"

# dumpfile_elf.c: quadratic in alias program headers (65,530: minutes)
craft elf "$work/core.elf" "$work/aliases.elf" alias:65530
t elf-writer-many-aliases 20 0 'more than 64 alias PT_LOADs' \
	"$kcap" convert -E -d 0 "$work/aliases.elf" "$work/out.aliases"

# info.c: an empty vmcore-incomplete (a power cut before its headers reached the disk) is
# INCOMPLETE, not "cannot open"
: >"$work/empty"
t info-empty-file-incomplete 30 1 '^status: INCOMPLETE' "$kcap" info "$work/empty"

# --- end of the table ---
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
