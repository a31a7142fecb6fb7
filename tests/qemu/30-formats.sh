#!/bin/bash
# 30-formats: every dump format and level kcap claims is read by crash and makedumpfile, and
# holds the same pages as the memory it was made from.
#
# In the capture kernel (three sysrq crashes, ext4 by UUID, one format each; the default
# -c -d 31 is what the other scenarios use):
#   -E -d 0        the unfiltered source for the host part
#   -E -d 31       ELF, filtered
#   -F -c -d 31    flattened: the vmcore on ext4 is a makedumpfile -F stream
# On the host, from the -E -d 0 vmcore, with `kcap save` (the code the capture kernel runs):
#   kdump-compressed -c and uncompressed at -d 0, 1, 31; ELF -E at -d 1, 31; -F -c -d 31.
# Each file: kcap info (complete, format, level, compression), one crash run (sys: the panic
# string, bt: the panicking task, log: the marker), makedumpfile --dump-dmesg (the marker) and
# kcap dmesg (the same bytes). Pages, by a reader of our own (lib-formats.sh): every page of
# every host file is the source's page; all -d 31 files keep the same non-zero pages, and those
# are the ones makedumpfile -d 31 keeps from the same source; a flattened file rebuilt by
# kcap convert is the same file as makedumpfile -R makes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-formats.sh
. "$(dirname "$0")/lib-formats.sh"

PANIC_RE='sysrq triggered crash'
BT_RE='sysrq_handle_crash'
t_start=$(date +%s.%N)

# capture LABEL COLLECTOR [fmt_verify options]: one crash saved with core_collector COLLECTOR.
capture() {
	local label=$1 collector=$2 uuid
	shift 2
	uuid=$(new_uuid)
	mkdisk_gpt "$T/disk.img" 1024 "ext4:1000:KCAPDUMP:$uuid"
	fmt_capture "$label" "$@" -- --panic sysrq --disk "$T/disk.img" --part 1 \
		--kcap "kcap.ext4=UUID=$uuid" --kcap-file "kcap.core_collector=\"$collector\"" \
		--expect-panic "$PANIC_RE" --expect-bt "$BT_RE"
	rm -f "$T/disk.img"
}

# same_pages A B WHAT: every page B stores is A's (see fmt_pages same).
same_pages() {
	local out
	if out=$(fmt_pages same "$1" "$2"); then
		note "$3: pages identical to the source: $out"
	else
		check_err "$3: expected every page to equal the source's, got: $out"
	fi
}

# same_set A B WHAT: A and B keep the same non-zero pages, byte for byte.
same_set() {
	local out
	if out=$(fmt_pages sameset "$1" "$2"); then
		note "$3: $out"
	else
		check_err "$3: expected the same non-zero pages in $1 and $2, got: $out"
	fi
}

# --- the source: an unfiltered ELF vmcore from the capture kernel ------------------------

capture k-E-d0 "makedumpfile -E -d 0" --format ELF --comp none
SRC=$FMT_OUT

# --- on the host, from the source ---------------------------------------------------------

declare -A H # the host files by label
for level in 0 1 31; do
	fmt_save "$SRC" "c-d$level" -c -d "$level"
	fmt_verify "$FMT_OUT" "c-d$level" --format kdump-compressed --level "$level" --comp zlib
	same_pages "$SRC" "$FMT_OUT" "c-d$level"
	H[c$level]=$FMT_OUT

	fmt_save "$SRC" "u-d$level" --conf "$FMT_UNCOMPRESSED_CONF" -d "$level"
	fmt_verify "$FMT_OUT" "u-d$level" --format kdump-compressed --level "$level" --comp none
	same_pages "$SRC" "$FMT_OUT" "u-d$level"
	H[u$level]=$FMT_OUT
done
for level in 1 31; do
	fmt_save "$SRC" "E-d$level" -E -d "$level"
	fmt_verify "$FMT_OUT" "E-d$level" --format ELF --comp none
	same_pages "$SRC" "$FMT_OUT" "E-d$level"
	H[E$level]=$FMT_OUT
done
fmt_save "$SRC" F-c-d31 -F -c -d 31
fmt_verify "$FMT_OUT" F-c-d31 --flat --format flattened --level 31 --comp zlib
H[F31]=$FMT_OUT
"$BUILD/kcap" convert "${H[F31]}" "$T/F-c-d31.kcap" 2>"$T/F-c-d31.convert.log" ||
	fail "kcap convert ${H[F31]}: expected exit 0, got $? ($T/F-c-d31.convert.log)"
makedumpfile -R "$T/F-c-d31.mdf" <"${H[F31]}" >"$T/F-c-d31.mdf.log" 2>&1 ||
	fail "makedumpfile -R <${H[F31]}: expected exit 0, got $? ($T/F-c-d31.mdf.log)"
cmp "$T/F-c-d31.kcap" "$T/F-c-d31.mdf" ||
	check_err "F-c-d31: expected kcap convert == makedumpfile -R, they differ"
same_pages "$SRC" "$T/F-c-d31.kcap" "F-c-d31"
# The flattened stream holds the same file as a seekable -c -d 31 save.
cmp "$T/F-c-d31.kcap" "${H[c31]}" ||
	check_err "F-c-d31: expected the rebuilt flattened file == the -c -d 31 file, they differ"
rm -f "$T/F-c-d31.mdf"

# --- page sets ------------------------------------------------------------------------------

# Nothing is lost at -d 0 and -d 1 (zero pages aside).
same_set "$SRC" "${H[c0]}" "-c -d 0 vs the source"
same_set "$SRC" "${H[u1]}" "-d 1 vs the source"
same_set "$SRC" "${H[E1]}" "-E -d 1 vs the source"
# -d 31: every format keeps the same pages, and they are the ones makedumpfile keeps.
makedumpfile -c -d 31 "$SRC" "$T/mdf-d31" >"$T/mdf-d31.log" 2>&1 ||
	fail "makedumpfile -c -d 31 $SRC: expected exit 0, got $? ($T/mdf-d31.log)"
same_set "$T/mdf-d31" "${H[c31]}" "-c -d 31 vs makedumpfile -c -d 31"
same_set "${H[c31]}" "${H[u31]}" "-d 31 vs -c -d 31"
same_set "${H[c31]}" "${H[E31]}" "-E -d 31 vs -c -d 31"
n0=$(fmt_pages info "${H[c0]}" | awk '{ print $4 }')
n31=$(fmt_pages info "${H[c31]}" | awk '{ print $4 }')
[ "$n31" -lt "$n0" ] ||
	check_err "expected -d 31 to keep fewer pages than -d 0, got $n31 and $n0"

[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) of the host files failed, first: ${CHECK_ERRORS[0]}"

# --- the other formats in the capture kernel (two more crashes) --------------------------

capture k-E-d31 "makedumpfile -E -d 31" --format ELF --comp none
capture k-F-c-d31 "makedumpfile -F -c -d 31" --flat --format flattened --level 31 --comp zlib
K_F31=$FMT_OUT
"$BUILD/kcap" convert "$K_F31" "$T/k-F-c-d31.kcap" 2>"$T/k-F-c-d31.convert.log" ||
	fail "kcap convert $K_F31: expected exit 0, got $? ($T/k-F-c-d31.convert.log)"
makedumpfile -R "$T/k-F-c-d31.mdf" <"$K_F31" >"$T/k-F-c-d31.mdf.log" 2>&1 ||
	fail "makedumpfile -R <$K_F31: expected exit 0, got $? ($T/k-F-c-d31.mdf.log)"
cmp "$T/k-F-c-d31.kcap" "$T/k-F-c-d31.mdf" ||
	check_err "k-F-c-d31: expected kcap convert == makedumpfile -R, they differ"
fmt_pages info "$T/k-F-c-d31.kcap" | grep -q '^kind kdump .* incomplete 0 level 31$' ||
	check_err "k-F-c-d31: expected a complete kdump-compressed file at level 31 after convert, got: $(fmt_pages info "$T/k-F-c-d31.kcap")"
rm -f "$T/k-F-c-d31.mdf"

[ ${#CHECK_ERRORS[@]} -eq 0 ] ||
	fail "${#CHECK_ERRORS[@]} check(s) failed, first: ${CHECK_ERRORS[0]}; serial logs: $T/*.serial.log"
pass "3 in-kernel captures and 9 host files: crash, makedumpfile, kcap agree; pages equal the source; -d 31 = makedumpfile's selection ($n31 of $n0 pages); total $(fmt_secs "$t_start")s"
