#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The dump writers on a synthetic vmcore (40-mkcore): kdump-compressed
# (raw, zlib, -l) and ELF, seekable and flattened, at every basic dump
# level. Each output must hold exactly the pages the level keeps, with the
# source's bytes (40-dfcheck verify, through kcap's reader); a flattened
# stream must rebuild, with kcap convert and with makedumpfile -R, into a
# file identical to the seekable one; crash must recognise both. Then the
# filter's fallbacks when VMCOREINFO lacks entries, and makedumpfile
# --dump-dmesg on our files made from mkvmcore's dump with a printk ring.
set -u
# shellcheck source-path=SCRIPTDIR source=40-dumpfile.lib
. "$(dirname "$0")/40-dumpfile.lib"

same() {	# same A B: "same", or what cmp says
	if cmp -s "$1" "$2"; then echo same; else cmp "$1" "$2" 2>&1; fi
}

# make deps installs both: missing is a failure, not a note
need makedumpfile crash
have_mdf=1 have_crash=1

"$mkcore" "$work/core.elf" "$work/manifest" || { echo "FAIL: 40-mkcore"; exit 1; }

# name, writer options, dump levels
while read -r name opts levels; do
	[ "$opts" = - ] && opts=
	for level in $levels; do
		id="$name -d $level"
		out=$work/$name-$level
		# shellcheck disable=SC2086 # opts is a list of options
		"$dfcheck" write $opts -d "$level" "$work/core.elf" "$out" >"$out.st" 2>"$out.log"
		check "$id: write exit status" 0 $? "$out.log"
		check "$id: level used" "level $level" "$(cut -d' ' -f1-2 "$out.st")" "$out.log"
		"$dfcheck" verify "$work/core.elf" "$out" "$work/manifest" "$level" >"$out.v" 2>&1
		check "$id: pages kept and left out" 0 $? "$out.v"
		check "$id: reader says complete" complete \
			"$("$dfcheck" complete "$out" | cut -d' ' -f1)"

		# flattened: the same file once rebuilt
		# shellcheck disable=SC2086
		"$dfcheck" write -F $opts -d "$level" "$work/core.elf" - >"$out.flat" 2>"$out.flog"
		check "$id -F: write exit status" 0 $? "$out.flog"
		"$dfcheck" convert "$out.flat" "$out.conv" 2>"$out.clog"
		check "$id -F: kcap convert exit status" 0 $? "$out.clog"
		check "$id -F: kcap convert gives the seekable file" same \
			"$(same "$out" "$out.conv")"
		"$dfcheck" convert "$out.conv.2" <"$out.flat" 2>"$out.clog"
		check "$id -F: kcap convert from stdin" same \
			"$(same "$out" "$out.conv.2")" "$out.clog"
		if [ $have_mdf = 1 ]; then
			timeout 60 makedumpfile -R "$out.mdf" <"$out.flat" >"$out.mlog" 2>&1
			check "$id -F: makedumpfile -R exit status" 0 $? "$out.mlog"
			check "$id -F: makedumpfile -R gives the seekable file" same \
				"$(same "$out" "$out.mdf")"
		fi
		if [ $have_crash = 1 ]; then
			check "$id: crash --osrelease" 6.1.0-kcaptest \
				"$(timeout 60 crash --osrelease "$out" 2>&1)"
			check "$id -F: crash --osrelease (flattened)" 6.1.0-kcaptest \
				"$(timeout 60 crash --osrelease "$out.flat" 2>&1)"
		fi
		rm -f "$out" "$out".*
	done
done <<'TABLE'
kdump-raw	-	0 1 31
kdump-zlib	-c	0 1 2 4 8 16 31 17
kdump-lzo	-l	31
elf		-E	0 1 2 4 8 16 31 17
TABLE

# libdeflate for the pages (-DKCAP_LIBDEFLATE)
if [ -n "$dfcheck_ld" ]; then
	for level in 0 31; do
		out=$work/ld-$level
		"$dfcheck_ld" write -c -d "$level" "$work/core.elf" "$out" >/dev/null 2>"$out.log"
		check "libdeflate -c -d $level: write exit status" 0 $? "$out.log"
		"$dfcheck" verify "$work/core.elf" "$out" "$work/manifest" "$level" >"$out.v" 2>&1
		check "libdeflate -c -d $level: pages (read back with zlib)" 0 $? "$out.v"
		if [ $have_mdf = 1 ]; then
			timeout 60 makedumpfile -c -d 31 "$out" "$out.re" >"$out.mlog" 2>&1
			check "libdeflate -c -d $level: makedumpfile re-filters it" 0 $? "$out.mlog"
		fi
	done
fi

# LZO1X-1 pages (-DKCAP_WITH_LZO, -l; liblzo2-dev comes with make deps): header status and
# page flags LZO (0x2), every page read back by the reader's own LZO decoder, and
# makedumpfile decompresses them all when it re-filters
if libkcap=$top/build/host/libkcap-lzo.a host_cc "$work/dfcheck-lzo" "$here/40-dfcheck.c" \
	-- -llzo2 -lz 2>"$work/lzo.cc"; then
	for level in 0 31; do
		out=$work/lzo-$level
		"$work/dfcheck-lzo" write -l -d "$level" "$work/core.elf" "$out" >/dev/null 2>"$out.log"
		check "lzo -l -d $level: write exit status" 0 $? "$out.log"
		check "lzo -l -d $level: header status LZO" 2 "$(od -An -tu4 -j424 -N4 "$out" | tr -d ' ')"
		"$dfcheck" verify "$work/core.elf" "$out" "$work/manifest" "$level" >"$out.v" 2>&1
		check "lzo -l -d $level: pages (read back by kcap's LZO decoder)" 0 $? "$out.v"
		if [ $have_mdf = 1 ]; then
			timeout 60 makedumpfile -c -d 31 "$out" "$out.re" >"$out.mlog" 2>&1
			check "lzo -l -d $level: makedumpfile re-filters it" 0 $? "$out.mlog"
		fi
	done
else
	fail "40-dfcheck with libkcap-lzo.a builds (liblzo2-dev: run make deps)" ok failed "$work/lzo.cc"
fi

# zero pages in a kdump file share one stored page
"$dfcheck" write -d 0 "$work/core.elf" "$work/z" >"$work/z.st" 2>&1
zero=$(awk '{ print $6 }' "$work/z.st")
pages=$(awk '{ print $4 }' "$work/z.st")
size=$(stat -c %s "$work/z")
# raw pages: at most one page of data per non-zero page, plus the shared one
if [ "$zero" -gt 50 ] && [ "$size" -lt $(((pages - zero + 1 + 8) * 4096 + pages * 24)) ]; then ok; else
	fail "kdump -d 0: zero pages stored once" "size < $(((pages - zero + 9) * 4096 + pages * 24))" \
		"size $size, $pages pages, $zero zero" "$work/z.st"
fi

# ELF: the kernel image PT_LOAD points at the same file data as RAM
"$dfcheck" write -E -d 31 "$work/core.elf" "$work/e" >/dev/null 2>&1
if command -v readelf >/dev/null; then
	text='' ram=
	while read -r type off va pa fsz _; do
		[ "$type" = LOAD ] || continue
		if [ "$va" = 0xffffffff81000000 ]; then
			text=$((off))
		elif [ $((pa)) -le $((0x200000)) ] && [ $((0x200000)) -lt $((pa + fsz)) ] &&
			[ "${va#0xffff888}" != "$va" ]; then
			ram=$((off + 0x200000 - pa))
		fi
	done < <(readelf -lW "$work/e")
	check "ELF: kernel image PT_LOAD shares the RAM data" "$ram" "$text"
	# makedumpfile reads [p_offset, p_offset + p_memsz) as one physically
	# contiguous piece: a PT_LOAD with data must not have p_filesz < p_memsz
	check "ELF: no PT_LOAD with 0 < p_filesz < p_memsz" "" \
		"$(readelf -lW "$work/e" | awk '$1 == "LOAD" && $5 != "0x000000" && $5 != $6')"
	check "ELF: first program header is PT_NOTE" NOTE \
		"$(readelf -lW "$work/e" | awk '/^  [A-Z]/ && $1 != "Type" { print $1; exit }')"
fi

# kcap convert -c/-E/-F/-d: any dump the reader opens, written again
"$dfcheck" write -c -d 0 "$work/core.elf" "$work/k0" >/dev/null 2>&1
"$dfcheck" write -F -c -d 0 "$work/core.elf" - >"$work/k0.flat" 2>/dev/null
"$dfcheck" convert -c -d 31 "$work/k0" "$work/cv.k31" 2>/dev/null
while read -r name opts in level; do
	opts=${opts//_/ }
	# shellcheck disable=SC2086 # opts is a list of options
	"$dfcheck" convert $opts "$work/$in" "$work/cv" 2>"$work/cv.log"
	check "convert $name: exit status" 0 $? "$work/cv.log"
	if [ "${opts#*-F}" != "$opts" ]; then
		"$dfcheck" convert "$work/cv" "$work/cv.r" 2>>"$work/cv.log" &&
			mv "$work/cv.r" "$work/cv"
	fi
	"$dfcheck" verify "$work/core.elf" "$work/cv" "$work/manifest" "$level" >"$work/cv.v" 2>&1
	check "convert $name: pages kept and left out (level $level)" 0 $? "$work/cv.v"
done <<'TABLE'
kdump-to-refiltered	-c_-d_31	k0	31
kdump-to-elf		-E_-d_8		k0	8
refiltered-keeps-level	-E_-d_8		cv.k31	31
flat-to-elf		-E_-d_16	k0.flat	16
kdump-to-flat		-F_-c_-d_1	k0	1
TABLE
# makedumpfile re-filters our kdump file (reading every page of it) and
# leaves out the same pages as we do. Not at 8: makedumpfile 1.7.2 takes
# a slab page whose mapping has bit 0 set for anonymous (newer ones and
# we do not).
if [ $have_mdf = 1 ]; then
	for level in 2 4 16; do
		rm -f "$work/re"
		timeout 60 makedumpfile -c -d "$level" "$work/k0" "$work/re" >"$work/re.log" 2>&1
		check "makedumpfile -c -d $level of our -d 0 file: exit status" 0 $? "$work/re.log"
		"$dfcheck" verify "$work/core.elf" "$work/re" "$work/manifest" "$level" >"$work/re.v" 2>&1
		check "makedumpfile -c -d $level of our -d 0 file: same pages" 0 $? "$work/re.v"
	done
fi

# VMCOREINFO without what a level bit needs: that bit is dropped, loudly
while read -r name level expect skip; do
	"$mkcore" -x "$skip" "$work/x.elf" "$work/x.man" || exit 1
	"$dfcheck" write -c -d "$level" "$work/x.elf" "$work/x" >"$work/x.st" 2>"$work/x.log"
	check "no $skip: write exit status" 0 $? "$work/x.log"
	check "no $skip: level used" "level $expect" "$(cut -d' ' -f1-2 "$work/x.st")" "$work/x.log"
	if grep -q "VMCOREINFO has no $skip" "$work/x.log"; then ok; else
		fail "no $skip: warning names the entry" "VMCOREINFO has no $skip" \
			"$(cat "$work/x.log")"
	fi
	"$dfcheck" verify "$work/x.elf" "$work/x" "$work/x.man" "$expect" >"$work/x.v" 2>&1
	check "no $skip: pages kept" 0 $? "$work/x.v"
done <<'TABLE'
lru		31	25	NUMBER(PG_lru)
slab		31	7	NUMBER(PG_slab)
buddy		16	0	NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)
memsection	31	1	SYMBOL(mem_section)
pagesize	30	0	SIZE(page)
TABLE

# makedumpfile --dump-dmesg reads our files (mkvmcore: a printk ring)
if [ $have_mdf = 1 ]; then
	if "${CC:-gcc}" -O1 -I"$top/collector" -o "$work/mkvmcore" "$here/mkvmcore.c" -lz 2>"$work/cc.log" &&
		"$work/mkvmcore" -k lockless -f elf "$work/p.elf"; then
		timeout 60 makedumpfile --dump-dmesg "$work/p.elf" "$work/p.want" >/dev/null 2>&1
		for opts in "-c -d 31" "-E -d 31" "-d 0" "-E -d 0"; do
			# shellcheck disable=SC2086
			"$dfcheck" write $opts "$work/p.elf" "$work/p.out" >/dev/null 2>"$work/p.log"
			rm -f "$work/p.got"
			timeout 60 makedumpfile --dump-dmesg "$work/p.out" "$work/p.got" >"$work/p.mlog" 2>&1
			check "makedumpfile --dump-dmesg on $opts output" same \
				"$(same "$work/p.want" "$work/p.got")" \
				"$work/p.mlog"
		done
	else
		fail "mkvmcore builds and runs" ok "failed" "$work/cc.log"
	fi
fi

finish
