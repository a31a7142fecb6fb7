#!/bin/bash
# 31-fill-pattern: the dump level leaves out exactly the pages it should, and nothing else
# changes. The production VM fills 64 MiB of anonymous memory with KCAPFILL pages (each tagged
# with its index, the rest 0xa5) before a sysrq crash.
#   1. In the capture kernel, -E -d 0: all 16384 tagged pages are in it, whole.
#   2. On the host, `kcap save` makes -d 8 (user pages out) and -d 31 files from it, as
#      kdump-compressed and ELF: no tagged page is left in any of them; every page they keep is
#      byte for byte the page of the -d 0 dump; they keep the same non-zero pages as
#      makedumpfile -d 8 / -d 31 of the same -d 0 dump.
#   3. A second crash, filled the same way, captured in the capture kernel with the default
#      collector (-c -d 31): no tagged page in it.
# Pages are read by lib-formats.sh's own reader (ELF and kdump-compressed), not by kcap.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-formats.sh
. "$(dirname "$0")/lib-formats.sh"

FILL_MIB=64
FILL_PAGES=$((FILL_MIB * 256))
PANIC_RE='sysrq triggered crash'
BT_RE='sysrq_handle_crash'
t_start=$(date +%s.%N)

# capture LABEL COLLECTOR [fmt_verify options]: one filled crash ("": default collector).
capture() {
	local label=$1 uuid kf=()
	[ -z "$2" ] || kf=(--kcap-file "kcap.core_collector=\"$2\"")
	shift 2
	uuid=$(new_uuid)
	mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
	fmt_capture "$label" "$@" -- --panic sysrq --disk "$T/disk.img" --part 1 \
		--kcap "kcap.ext4=UUID=$uuid" "${kf[@]}" --fill "$FILL_MIB" \
		--expect-panic "$PANIC_RE" --expect-bt "$BT_RE"
	rm -f "$T/disk.img"
}

# tagged DUMP WHAT WANT_PAGES: the KCAPFILL pages in DUMP ("all": each index at least once).
tagged() {
	local out pages distinct
	out=$(fmt_pages sig "$1") || fail "$2: reading $1 failed: $out"
	read -r _ pages _ distinct <<<"$out"
	if [ "$3" = all ]; then
		[ "$distinct" = "$FILL_PAGES" ] ||
			check_err "$2: expected all $FILL_PAGES tagged pages, got $distinct distinct ($pages pages)"
	elif [ "$pages" != "$3" ]; then
		check_err "$2: expected $3 tagged pages, got $pages"
	fi
	note "$2: $pages tagged pages, $distinct distinct indices"
}

# compare WHAT CMD A B: a fmt_pages comparison that must succeed.
compare() {
	local what=$1 out
	shift
	if out=$(fmt_pages "$@"); then
		note "$what: $out"
	else
		check_err "$what: expected success of '$1', got: $out"
	fi
}

# --- 1. unfiltered, in the capture kernel --------------------------------------------------

capture k-E-d0 "makedumpfile -E -d 0" --format ELF
SRC=$FMT_OUT
tagged "$SRC" "-E -d 0 (capture kernel)" all
n0=$(fmt_pages info "$SRC" | awk '{ print $4 }')

# --- 2. filtered on the host ---------------------------------------------------------------

for level in 8 31; do
	for fmt in c E; do
		fmt_save "$SRC" "$fmt-d$level" "-$fmt" -d "$level"
		tagged "$FMT_OUT" "-$fmt -d $level" 0
		compare "-$fmt -d $level: kept pages vs -d 0" same "$SRC" "$FMT_OUT"
		[ $fmt = E ] || KD=$FMT_OUT
	done
	n=$(fmt_pages info "$KD" | awk '{ print $4 }')
	[ $((n0 - n)) -ge "$FILL_PAGES" ] ||
		check_err "-c -d $level: expected at least the $FILL_PAGES tagged pages out, got $n of $n0 pages kept"
	note "-c -d $level keeps $n of $n0 pages"
	makedumpfile -c -d "$level" "$SRC" "$T/mdf-d$level" >"$T/mdf-d$level.log" 2>&1 ||
		fail "makedumpfile -c -d $level $SRC: expected exit 0, got $? ($T/mdf-d$level.log)"
	compare "-c -d $level vs makedumpfile -c -d $level" sameset "$T/mdf-d$level" "$KD"
	rm -f "$T/mdf-d$level"
done

[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed, first: ${CHECK_ERRORS[0]}; serial log: $T/k-E-d0.serial.log"

# --- 3. filtered in the capture kernel (default collector) ---------------------------------

capture k-c-d31 "" --format kdump-compressed --level 31 --comp zlib
tagged "$FMT_OUT" "-c -d 31 (capture kernel)" 0

[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed, first: ${CHECK_ERRORS[0]}; serial log: $T/k-c-d31.serial.log"
pass "$FILL_PAGES tagged pages all at -d 0, none at -d 8/-d 31 (host and capture kernel); kept pages identical; total $(fmt_secs "$t_start")s"
