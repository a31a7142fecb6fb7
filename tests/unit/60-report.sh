#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# report.json (collector/report.c): `kcap save` writes it next to the dump
# (the capture kernel does the same through the same hooks), `kcap report`
# reads it (one summary line; --json a JSON array that python's json module
# accepts), `kcap report --write` makes one for a directory without it (a
# dump copied out of a raw target by kcap savecore). Also `kcap host-config`
# (what kcapctl applies) on the host directives of kcap.conf.
set -u

work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-report.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=save.lib
. "$(dirname "$0")/save.lib"
command -v python3 >/dev/null || { echo "FAIL: python3 not installed (run make deps)"; exit 1; }

# json FILE EXPR: python3 evaluates EXPR with r = the parsed report (or list)
json() {
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}

# 1. kcap save writes report.json (0600), complete, with what the dump is
"$kcap" save -c -d 31 "$vmcore" "$work/out" >"$work/1.out" 2>"$work/1.log"
check "save exit status" 0 $? "$work/1.log"
dir=$(cat "$work/1.out")
r=$dir/report.json
check "report.json mode" 600 "$(mode "$r")"
check "status" complete "$(json "$r" 'r["status"]')"
check "kernel_release" "$(sed -n 's/^OSRELEASE=//p' <(strings "$vmcore") | head -n 1)" "$(json "$r" 'r["kernel_release"]')"
check "format" "kdump-compressed zlib" "$(json "$r" 'r["format"]')"
check "dump_level" 31 "$(json "$r" 'r["dump_level"]')"
check "vmcore_bytes" "$(stat -c %s "$dir/vmcore")" "$(json "$r" 'r["vmcore_bytes"]')"
check "dmesg_bytes" "$(stat -c %s "$dir/vmcore-dmesg.txt")" "$(json "$r" 'r["dmesg_bytes"]')"
check "written_by" "kcap save" "$(json "$r" 'r["written_by"]')"
check "t_vmcore_s is a number" True "$(json "$r" 'isinstance(r["t_vmcore_s"], float)')"
# the panic line: the synthetic log's last "Kernel panic" (or Oops) line, as the log has it
want=$(sed -n 's/^\[[ 0-9.]*\] //p' "$ref_dmesg" | grep -E '^(Kernel panic - not syncing:|Oops:)' | tail -n 1)
check "panic" "${want:-None}" "$(json "$r" 'r["panic"]')"

# 2. kcap report: one line, and --json of two directories is a list of two
"$kcap" report "$dir" >"$work/2.out" 2>&1
check "kcap report exit" 0 $? "$work/2.out"
grep -q "^$dir: complete, crashed " "$work/2.out"
check "kcap report summary line" 0 $? "$work/2.out"
cp -a "$dir" "$work/out/copy"
"$kcap" report --json "$dir" "$work/out/copy" >"$work/3.json" 2>&1
check "kcap report --json: a list of 2" 2 "$(json "$work/3.json" 'len(r)')"
"$kcap" report "$work/nothing" >"$work/4.out" 2>&1
check "kcap report of a directory without report.json" 1 $?

# 3. --write for a directory without one (the raw target case), and not twice
rm "$work/out/copy/report.json"
"$kcap" report --write "$work/out/copy" >"$work/5.out" 2>&1
check "report --write exit" 0 $? "$work/5.out"
check "report --write status" complete "$(json "$work/out/copy/report.json" 'r["status"]')"
check "report --write written_by" "kcap report --write" "$(json "$work/out/copy/report.json" 'r["written_by"]')"
check "report --write format (from the file)" kdump-compressed "$(json "$work/out/copy/report.json" 'r["format"]')"
mv "$work/out/copy/vmcore" "$work/out/copy/vmcore-incomplete"
"$kcap" report --write "$work/out/copy" >/dev/null 2>&1
check "report --write keeps an existing report" complete "$(json "$work/out/copy/report.json" 'r["status"]')"
rm "$work/out/copy/report.json"
"$kcap" report --write "$work/out/copy" >/dev/null 2>&1
check "report --write on vmcore-incomplete" incomplete "$(json "$work/out/copy/report.json" 'r["status"]')"

# 4. kcap host-config: the sysctl triggers and the retention, checked strictly
printf 'ext4 LABEL=dumps\npath /var/crash\nsysrq 1\nunknown_nmi_panic 1\npanic_on_oom 1\nkeep_old_dumps 3\n' >"$work/h.conf"
"$kcap" host-config "$work/h.conf" >"$work/h.out" 2>&1
check "host-config exit" 0 $? "$work/h.out"
check "host-config output" "sysctl kernel.sysrq 1
sysctl kernel.panic_on_oops 1
sysctl kernel.unknown_nmi_panic 1
sysctl vm.panic_on_oom 1
keep_old_dumps 3
path /var/crash
target ext4 LABEL=dumps" "$(cat "$work/h.out")"
printf 'panic_on_oom 3\n' >"$work/bad.conf"
"$kcap" host-config "$work/bad.conf" >"$work/bad.out" 2>&1
check "host-config refuses panic_on_oom 3" 1 $? "$work/bad.out"
grep -q 'bad.conf:1: error: panic_on_oom 3: expected a number 0..2' "$work/bad.out"
check "host-config says why" 0 $? "$work/bad.out"

echo "60-report: $passed checks passed, $failed failed"
[ "$failed" -eq 0 ]
