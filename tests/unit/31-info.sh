#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kcap info on synthetic dumps (mkvmcore.c): the key: value lines for each
# container format, and COMPLETE/INCOMPLETE with exit status 0/1 for dumps
# flagged incomplete by their writer, cut short inside their headers, their
# page descriptors or their page data, and flattened streams without their
# end record.
set -u
# shellcheck source-path=SCRIPTDIR source=reader.lib
. "$(dirname "$0")/reader.lib"

fail=0

# info DUMP EXPECTED_EXIT KEY=VALUE...: every line "KEY: VALUE" must be there
info() {
	local dump=$1 want_rc=$2 kv key val rc
	shift 2
	"$kcap" info "$dump" >"$work/info" 2>"$work/info.err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		echo "FAIL: $name: kcap info exited $rc, expected $want_rc"
		cat "$work/info" "$work/info.err"
		fail=1
		return
	fi
	for kv in "$@"; do
		key=${kv%%=*}
		val=${kv#*=}
		if ! grep -qxF "$key: $val" "$work/info"; then
			echo "FAIL: $name: expected \"$key: $val\", got:"
			grep "^$key:" "$work/info" || echo "(no $key line)"
			fail=1
			return
		fi
	done
	echo "ok: $name"
}

common=(release=6.1.0-synthetic nodename=synthhost
	build_id=0123456789abcdef0123456789abcdef01234567
	crash_time=2023-11-14T22:13:20Z crash_epoch=1700000000 page_size=4096
	cpus=1 memory_bytes=4845568 pages_memory=1183)

name="ELF"
"$mkvmcore" -f elf "$work/d.elf"
info "$work/d.elf" 0 format=ELF "${common[@]}" pages_present=1183 \
	pages_excluded=0 dump_level=unknown compression=none status=COMPLETE

name="kdump raw"
"$mkvmcore" -f kdump "$work/d.kdump"
info "$work/d.kdump" 0 format=kdump-compressed "${common[@]}" \
	pages_present=1182 pages_excluded=1 dump_level=1 compression=none \
	status=COMPLETE

name="kdump zlib"
"$mkvmcore" -f kdump -z "$work/z.kdump"
info "$work/z.kdump" 0 format=kdump-compressed "${common[@]}" \
	pages_present=1182 dump_level=1 compression=zlib status=COMPLETE

name="flattened kdump"
"$mkvmcore" -f flat -z "$work/z.flat"
info "$work/z.flat" 0 format=flattened "${common[@]}" pages_present=1182 \
	dump_level=1 compression=zlib status=COMPLETE

name="flattened ELF"
"$mkvmcore" -f flat-elf "$work/e.flat"
info "$work/e.flat" 0 format=flattened "${common[@]}" pages_present=1183 \
	dump_level=unknown status=COMPLETE

name="5.4 ELF (uts_namespace.name offset not exported)"
"$mkvmcore" -k printk_log -f elf "$work/old.elf"
info "$work/old.elf" 0 release=5.4.0-synthetic nodename=synthhost \
	status=COMPLETE

# ---- incomplete dumps ----
name="kdump flagged incomplete, descriptors unwritten"
"$mkvmcore" -f kdump -z -i "$work/i.kdump"
info "$work/i.kdump" 1 status=INCOMPLETE \
	"incomplete_reason=header flags the dump incomplete"

name="ELF flagged incomplete (e_flags)"
"$mkvmcore" -f elf -e "$work/i.elf"
info "$work/i.elf" 1 status=INCOMPLETE \
	"incomplete_reason=ELF header flags the dump incomplete"

size=$(stat -c %s "$work/d.elf")
name="ELF cut short"
head -c $((size - 5000)) "$work/d.elf" >"$work/t.elf"
info "$work/t.elf" 1 status=INCOMPLETE \
	"incomplete_reason=file is $((size - 5000)) bytes, its program headers need $size"

name="kdump cut inside the page data"
size=$(stat -c %s "$work/z.kdump")
head -c $((size - 100)) "$work/z.kdump" >"$work/t.kdump"
info "$work/t.kdump" 1 status=INCOMPLETE
grep -q "past the end of the $((size - 100))-byte file" "$work/info" ||
	{ echo "FAIL: $name: reason: $(grep reason "$work/info")"; fail=1; }

name="kdump cut inside the page descriptors"
head -c 30000 "$work/z.kdump" >"$work/t.kdump"
info "$work/t.kdump" 1 status=INCOMPLETE
grep -q "page descriptors end at" "$work/info" ||
	{ echo "FAIL: $name: reason: $(grep reason "$work/info")"; fail=1; }

name="kdump cut inside its headers"
head -c 3000 "$work/z.kdump" >"$work/t.kdump"
info "$work/t.kdump" 1 status=INCOMPLETE

name="flattened stream without its end record"
size=$(stat -c %s "$work/z.flat")
head -c $((size - 16)) "$work/z.flat" >"$work/t.flat"
info "$work/t.flat" 1 status=INCOMPLETE \
	"incomplete_reason=flattened stream ends without its end record"

# ---- errors ----
name="usage"
"$kcap" info >/dev/null 2>&1
rc=$?
[ $rc = 2 ] || { echo "FAIL: usage: exit $rc, expected 2"; fail=1; }
name="not a dump"
head -c 8192 /dev/urandom >"$work/junk"
printf 'JUNK' | dd of="$work/junk" conv=notrunc 2>/dev/null
"$kcap" info "$work/junk" >/dev/null 2>&1
rc=$?
[ $rc = 1 ] || { echo "FAIL: not a dump: exit $rc, expected 1"; fail=1; }

[ $fail = 0 ] && echo "all info checks passed"
exit $fail
