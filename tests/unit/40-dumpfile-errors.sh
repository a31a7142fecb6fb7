#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The dump writers when things go wrong: a target that is full from the
# start (/dev/full) or fills up half way (a small tmpfs, needs root): the
# writer returns ENOSPC and what it leaves says it is incomplete (kdump
# status flag, ELF e_flags), while the pages it did write are right. A
# flattened stream cut short: kcap convert fails and marks the rebuilt file
# incomplete. A missing source: an error, not a crash.
set -u
# shellcheck source-path=SCRIPTDIR source=40-dumpfile.lib
. "$(dirname "$0")/40-dumpfile.lib"

"$mkcore" "$work/core.elf" "$work/manifest" || { echo "FAIL: 40-mkcore"; exit 1; }

# 1. full from the first byte
for opts in "-c -d 31" "-E -d 1" "-F -c -d 31" "-F -E -d 31"; do
	# shellcheck disable=SC2086 # opts is a list of options
	"$dfcheck" write $opts "$work/core.elf" /dev/full >/dev/null 2>"$work/full.log"
	check "$opts to /dev/full: exit status" 1 $? "$work/full.log"
	if grep -q "No space left on device" "$work/full.log"; then ok; else
		fail "$opts to /dev/full: error" "No space left on device" "$(cat "$work/full.log")"
	fi
done

# 2. full half way
mkdir -p "$work/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m kcaptest "$work/small" 2>/dev/null; then
	trap 'umount "$work/small" 2>/dev/null; rm -rf "$work"' EXIT
	for opts in "-c -d 0" "-d 31" "-E -d 0" "-E -d 31"; do
		out=$work/small/out
		rm -f "$out"
		# shellcheck disable=SC2086
		"$dfcheck" write $opts "$work/core.elf" "$out" >/dev/null 2>"$work/half.log"
		check "$opts to a 2 MiB tmpfs: exit status" 1 $? "$work/half.log"
		if grep -q "No space left on device" "$work/half.log"; then ok; else
			fail "$opts to a 2 MiB tmpfs: error" "No space left on device" \
				"$(cat "$work/half.log")"
		fi
		check "$opts to a 2 MiB tmpfs: file says incomplete" incomplete: \
			"$("$dfcheck" complete "$out" | cut -d' ' -f1)"
		level=${opts##* }
		"$dfcheck" verify "$work/core.elf" "$out" "$work/manifest" "$level" partial \
			>"$work/half.v" 2>&1
		check "$opts to a 2 MiB tmpfs: the pages written are right" 0 $? "$work/half.v"
		if command -v crash >/dev/null; then
			check "$opts to a 2 MiB tmpfs: crash --osrelease" 6.1.0-kcaptest \
				"$(timeout 60 crash --osrelease "$out" 2>&1)"
		fi
	done
	umount "$work/small"
else
	echo "NOTE: not root or no tmpfs: the half-way ENOSPC checks are left out"
fi

# 3. a flattened stream cut short
for opts in "-c -d 31" "-E -d 31"; do
	# shellcheck disable=SC2086
	"$dfcheck" write -F $opts "$work/core.elf" - >"$work/flat" 2>/dev/null
	size=$(stat -c %s "$work/flat")
	head -c $((size / 2)) "$work/flat" >"$work/cut"
	"$dfcheck" convert "$work/cut" "$work/conv" 2>"$work/conv.log"
	check "$opts -F cut in half: kcap convert exit status" 1 $? "$work/conv.log"
	if grep -q "ends before its end marker" "$work/conv.log"; then ok; else
		fail "$opts -F cut in half: error" "ends before its end marker" "$(cat "$work/conv.log")"
	fi
	# kdump: the header (first in the stream) gets the flag; ELF: the
	# header comes last, so there is none and nothing takes the file for
	# a dump
	state=$("$dfcheck" complete "$work/conv" | cut -d' ' -f1)
	case $opts:$state in
	-c*:incomplete: | -E*:cannot) ok ;;
	*) fail "$opts -F cut in half: rebuilt file not taken for complete" \
		"incomplete: (kdump) or cannot open (ELF)" "$state" ;;
	esac
	# not a flattened stream at all
	"$dfcheck" convert "$work/core.elf" "$work/conv2" 2>"$work/conv.log"
	check "kcap convert of an ELF file: exit status" 1 $? "$work/conv.log"
	if grep -q "not a flattened dump" "$work/conv.log"; then ok; else
		fail "kcap convert of an ELF file: error" "not a flattened dump" "$(cat "$work/conv.log")"
	fi
done
"$dfcheck" convert >/dev/null 2>&1
check "kcap convert without arguments: exit status" 2 $?

# 4. no source
"$dfcheck" write -c "$work/nonexistent" "$work/o" >/dev/null 2>"$work/ne.log"
check "missing source: exit status" 1 $? "$work/ne.log"

finish
