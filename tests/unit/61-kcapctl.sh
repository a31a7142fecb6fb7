#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/kcapctl on the host, without touching the host: a kcap.conf in a scratch
# directory (KCAP_CONF), build/kcap as KCAP_BIN, dump directories made here.
#   retention: keep_old_dumps N keeps the N newest, never the newest complete dump nor an
#              incomplete one newer than it
#   status:    lists the dumps oldest first with their report.json summary
#   estimate:  says crashkernel=NM and how it was derived
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
kcap=${KCAP:-$top/build/kcap}
[ -x "$kcap" ] || { echo "FAIL: $kcap not built (run make)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-kcapctl.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

failed=0 passed=0
check() {	# check WHAT EXPECTED GOT
	if [ "$2" = "$3" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		printf 'FAIL: %s\n    expected: %s\n    got:      %s\n' "$1" "$2" "$3"
	fi
}

ctl() {
	KCAP_CONF=$work/kcap.conf KCAP_BIN=$kcap KCAP_STATE=$work/state KCAP_DEFAULTS=/nonexistent \
		KCAP_LIBDIR=$top "$top/scripts/kcapctl" "$@"
}

# mkdumps SPEC...: c (complete) or i (incomplete), oldest first, one day apart
mkdumps() {
	local n=0 s
	rm -rf "$work/crash"
	mkdir -p "$work/crash"
	for s in "$@"; do
		n=$((n + 1))
		mkdir "$work/crash/h-2026-01-0$n-00:00:00"
		if [ "$s" = c ]; then
			: >"$work/crash/h-2026-01-0$n-00:00:00/vmcore"
		else
			: >"$work/crash/h-2026-01-0$n-00:00:00/vmcore-incomplete"
		fi
	done
}
left() { (cd "$work/crash" && echo * | sed 's/h-2026-01-0\([0-9]\)-00:00:00/\1/g'); }

conf() { printf 'ext4 LABEL=x\npath %s\nkeep_old_dumps %s\n' "$work/crash" "$1" >"$work/kcap.conf"; }

conf 2
mkdumps c c i c i
ctl retention >"$work/r.out" 2>&1
check "keep 2 of c c i c i" "4 5" "$(left)"
mkdumps c i i
conf 1
ctl retention >"$work/r.out" 2>&1
check "keep 1 of c i i: the newest complete and the incomplete ones after it stay" "1 2 3" "$(left)"
mkdumps i i c
ctl retention >"$work/r.out" 2>&1
check "keep 1 of i i c: incomplete ones before the newest complete go" "3" "$(left)"
conf 0
mkdumps c c c c
ctl retention >"$work/r.out" 2>&1
check "keep_old_dumps 0 keeps all" "1 2 3 4" "$(left)"

# status: the dumps oldest first, from report.json (kcap report)
conf 0
mkdumps c c
printf '{\n  "kcap_report": 1,\n  "status": "complete",\n  "panic": "Kernel panic - not syncing: x"\n}\n' \
	>"$work/crash/h-2026-01-02-00:00:00/report.json"
ctl status >"$work/s.out" 2>&1
check "status exit" 0 $?
check "status: the capture with a report" 1 "$(grep -c 'h-2026-01-02-00:00:00: complete, .*panic "Kernel panic - not syncing: x"' "$work/s.out")"
check "status: the capture without one" 1 "$(grep -c 'h-2026-01-01-00:00:00: no report.json' "$work/s.out")"
ctl status --json >"$work/s.json" 2>&1
check "status --json parses" 1 "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["dumps"]))' "$work/s.json" 2>&1)"

# estimate: a number and its derivation
ctl estimate >"$work/e.out" 2>&1
check "estimate: crashkernel=NM" 1 "$(grep -cE '^crashkernel=[0-9]+M$' "$work/e.out")"
check "estimate: says how" 1 "$(grep -c '^derived from: measured floor' "$work/e.out")"

# a bad config is refused, with kcap's reason
printf 'panic_on_oom 7\n' >"$work/kcap.conf"
ctl show >"$work/b.out" 2>&1
check "show refuses a bad config" 1 $?

echo "61-kcapctl: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
