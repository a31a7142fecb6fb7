#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# LVM metadata (collector/lvm.c) through `kcap lvm IMAGE...` on PV images crafted by
# 63-lvm-craft.py, with the host kcap built with ASan and UBSan (host.lib): good layouts give
# the device-mapper table kcap would load; hostile ones (bad checksums, areas and text outside
# their bounds, extents past the PV, overflowing numbers, deep nesting) and unsafe ones (thin,
# snapshot origin, missing PV, hidden LV, shared VG, two VGs of one name) name the reason.
# Never a sanitizer report, never a table for what must be refused.
set -u
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-lvm.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=host.lib
. "$(dirname "$0")/host.lib"
craft=$(dirname "$0")/63-lvm-craft.py

failed=0 passed=0
# t NAME RC REGEX [NOT-REGEX] -- CASE...: kcap lvm on the crafted images exits RC, its output
# matches REGEX and (if given) not NOT-REGEX.
t() {
	local name=$1 want=$2 re=$3 not=$4 rc log=$work/$1.log imgs=() c
	shift 5
	for c in "$@"; do
		python3 "$craft" "$work/$c.img" "$c" || { echo "FAIL: 63-lvm-craft.py $c"; exit 1; }
		imgs+=("$work/$c.img")
	done
	timeout -s KILL 20 "$kcap" lvm "${imgs[@]}" >"$log" 2>&1
	rc=$?
	grep -qE 'ERROR: AddressSanitizer|runtime error:' "$log" && rc=99
	if [ "$rc" != "$want" ] || ! grep -qE -- "$re" "$log" ||
		{ [ -n "$not" ] && grep -qE -- "$not" "$log"; }; then
		failed=$((failed + 1))
		echo "FAIL: $name: expected exit $want, a line matching /$re/${not:+ and none matching /$not/}"
		echo "    got exit $rc; output:"
		sed 's/^/      /' "$log" | head -n 20
		return
	fi
	passed=$((passed + 1))
	echo "ok: $name"
}
W=$work
# positive: the tables (sectors: pe_start 2048 + extent * 8192)
t good 0 "^vg0/lv: 0 32768 linear $W/good.img 18432\$" '' -- good
t good-2nd-segment 0 "^32768 16384 linear $W/good.img 83968\$" '' -- good
t good-small 0 "^vg0/small: 0 16384 linear $W/good.img 2048\$" '' -- good
t wrapped-text 0 "^vg0/lv: 0 32768 linear $W/wrap.img 18432\$" '' -- wrap
t striped 0 "^vg0/st: 0 65536 striped 2 128 $W/striped0.img 2048 $W/striped1.img 34816\$" '' -- striped0 striped1
# hostile: the device's bytes
t label-checksum 1 'LVM label checksum mismatch' 'linear' -- label-crc
t mda-header-checksum 1 'metadata area header at 4096 fails its checksum' 'linear' -- mda-crc
t text-checksum 1 'metadata text fails its checksum' 'linear' -- text-crc
t mda-outside-device 1 'metadata area 4096\+1099511627776 outside the device' 'linear' -- mda-oversized
t text-outside-area 1 'metadata text 512\+2097152 outside its area' 'linear' -- text-oversized
t truncated-device 1 'outside the device \(65536 bytes\)' 'linear' -- truncated
# hostile: the text
t segment-beyond-pv 0 'vg0/lv: refused: .*extents 45\+8 beyond PV pv0' 'linear' -- beyond-pv
t extents-past-device 0 'vg0/lv: refused: .*extents end past the end of' 'linear' -- pe-count-huge
t extent-overflow 0 'vg0/lv: refused: .*extents end past the end of' 'linear' -- pe-overflow
t unterminated-string 1 'does not parse \(unterminated string\)' 'linear' -- unterminated
t nesting 1 'does not parse \(nested too deep\)' '' -- deep
t huge-number 1 'does not parse \(number too large\)' 'linear' -- bignum
t stripe-size 0 'vg0/st: refused: .*bad stripe_size' 'striped' -- stripe-size0 stripe-size1
# unsafe to activate
t thin 0 'vg0/lv: refused: .*type thin: thin provisioning' 'linear' -- thin
t snapshot-origin 0 'vg0/lv: refused: .*origin of snapshot snap' 'vg0/lv: 0' -- origin
t missing-pv 0 "vg0: refused: VG vg0: PV ZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZ \\(pv1, last seen as /dev/vd1\\) is missing" 'linear' -- missing-pv
t hidden-lv 0 'vg0/lv_rimage_0: refused: .*hidden' 'linear' -- hidden
t shared-vg 0 'vg0: refused: .*shared \(lock_type sanlock\)' 'linear' -- shared
t same-name 0 'two volume groups named vg0' 'linear' -- good samename

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
