# shellcheck shell=bash
# tests/qemu/lib-formats.sh: helpers of the dump-format scenarios (30-formats, 31-fill-pattern,
# 32-target-full). Sourced after lib.sh (uses T, BUILD, VMLINUX, check_err, note, fail).
#
#   fmt_verify DUMP LABEL OPTS  every reader on one dump file (kcap info, crash, makedumpfile,
#                               kcap dmesg); failures go to CHECK_ERRORS with LABEL in front
#   fmt_save SRC LABEL ARGS...  `kcap save ARGS SRC DIR` on the host; FMT_OUT = the new vmcore
#   fmt_pages CMD ...           page-level reader of ELF and kdump-compressed files, written here
#                               in Python from the format definitions (independent of kcap's C):
#       info DUMP               kind, pages stored, incomplete flag, dump level
#       sig DUMP                KCAPFILL pattern pages (whole page checked): "pages N distinct M"
#       same A B                every page B stores equals A's page of the same pfn; an ELF B
#                               may hold zeros for left-out pages inside a run (counted apart)
#       sameset A B             A and B store the same non-zero pages with the same bytes
#       covers A B              every non-zero page A stores is in B with the same bytes
#
# The marker, panic and backtrace expectations come from capture_test: lib.sh's verify_dump
# calls fmt_verify_dump instead of verify_readers (VERIFY_DUMP), which records them and runs
# fmt_verify, so an in-kernel capture gets the same checks as the files made on the host,
# with one crash run per file.

FMT_MARKER=""
FMT_PANIC_RE=""
FMT_BT_RE=""
FMT_PY=$T/dumppages.py
FMT_UNCOMPRESSED_CONF=$T/uncompressed.conf
# kcap save has -c, -l and -E; an uncompressed kdump file (makedumpfile without -c/-l/-E)
# only through a configuration file.
echo "core_collector makedumpfile -d 31" >"$FMT_UNCOMPRESSED_CONF"

# FMT_EXPECT: fmt_verify options for the next in-kernel capture (--format ELF ...).
FMT_EXPECT=()
# shellcheck disable=SC2034 # read by lib.sh's verify_dump
VERIFY_DUMP=fmt_verify_dump
fmt_verify_dump() {
	FMT_MARKER=$2
	FMT_PANIC_RE=$3
	FMT_BT_RE=$4
	fmt_verify "$1" "${FMT_LABEL:-in-kernel}" "${FMT_EXPECT[@]}"
}

# fmt_capture LABEL [fmt_verify options] -- capture_test options: one crash, checked by
# fmt_verify with those options; the vmcore is kept as $T/LABEL.vmcore (FMT_OUT), the serial
# log as $T/LABEL.serial.log.
fmt_capture() {
	FMT_LABEL=$1
	shift
	FMT_EXPECT=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		FMT_EXPECT+=("$1")
		shift
	done
	[ $# = 0 ] || shift
	capture_test "$@"
	mv "$CAPTURE_OUT/vmcore" "$T/$FMT_LABEL.vmcore"
	cp "$T/serial.log" "$T/$FMT_LABEL.serial.log"
	FMT_OUT=$T/$FMT_LABEL.vmcore
	note "$FMT_LABEL: QEMU ${QEMU_SECS}s, panic to $QEMU_END ${CAPTURE_SECS}s, vmcore $(stat -c %s "$FMT_OUT") bytes"
	FMT_LABEL=""
	FMT_EXPECT=()
}

fmt_secs() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'
}

# fmt_verify DUMP LABEL [--format NAME] [--level N] [--comp NAME] [--flat]
#  1. kcap info: exit 0, "status: COMPLETE", the format, dump level and compression asked for;
#  2. crash (one run: sys, set, bt, log): PANIC: matches FMT_PANIC_RE, bt is the panicking task
#     (same PID and command as sys) with a frame matching FMT_BT_RE, the log has the marker;
#  3. makedumpfile --dump-dmesg has the marker (a flattened file: on its makedumpfile -R copy);
#  4. kcap dmesg prints the same bytes as makedumpfile --dump-dmesg.
fmt_verify() {
	local dump=$1 label=$2 format="" level="" comp="" flat=0 v t0
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--format) format=$2; shift ;;
		--level) level=$2; shift ;;
		--comp) comp=$2; shift ;;
		--flat) flat=1 ;;
		*) fail "fmt_verify: unknown option $1" ;;
		esac
		shift
	done
	[ -n "$FMT_MARKER" ] || fail "fmt_verify: no marker yet (capture_test sets it)"
	v=$T/verify/${label//[^A-Za-z0-9.-]/_}
	mkdir -p "$v"
	t0=$(date +%s.%N)

	local rc=0 got
	"$BUILD/kcap" info "$dump" >"$v/info.txt" 2>&1 || rc=$?
	got=$(sed -n 's/^status: //p' "$v/info.txt")
	if [ "$rc" != 0 ] || [ "$got" != COMPLETE ]; then
		check_err "$label: kcap info: expected exit 0 and status COMPLETE, got exit $rc and '$got' ($v/info.txt)"
	fi
	got=$(sed -n 's/^format: //p' "$v/info.txt")
	[ -z "$format" ] || [ "$got" = "$format" ] ||
		check_err "$label: kcap info: expected format '$format', got '$got'"
	got=$(sed -n 's/^dump_level: //p' "$v/info.txt")
	[ -z "$level" ] || [ "$got" = "$level" ] ||
		check_err "$label: kcap info: expected dump_level $level, got '$got'"
	got=$(sed -n 's/^compression: //p' "$v/info.txt")
	[ -z "$comp" ] || [ "$got" = "$comp" ] ||
		check_err "$label: kcap info: expected compression $comp, got '$got'"

	# set: crash's starting context, the task whose STATE says (PANIC)
	printf 'sys\nset\nbt\nlog\nq\n' >"$v/crash.cmds"
	if crash -s "$VMLINUX" "$dump" -i "$v/crash.cmds" </dev/null >"$v/crash.out" 2>&1; then
		local panic spid scomm sstate bth
		panic=$(grep -a '^ *PANIC:' "$v/crash.out" | head -n 1 | sed 's/^ *//')
		spid=$(awk '$1 == "PID:" && NF == 2 { print $2; exit }' "$v/crash.out")
		scomm=$(awk '$1 == "COMMAND:" { print $2; exit }' "$v/crash.out")
		sstate=$(grep -a '^ *STATE: ' "$v/crash.out" | head -n 1)
		bth=$(grep -aE '^PID: +[0-9]+ +TASK: ' "$v/crash.out" | head -n 1)
		if ! grep -qaE -- "$FMT_PANIC_RE" <<<"$panic"; then
			check_err "$label: crash sys: expected PANIC: matching /$FMT_PANIC_RE/, got '$panic' ($v/crash.out)"
		fi
		if [ -z "$bth" ] || [ -z "$spid" ] || [[ $sstate != *'(PANIC)'* ]]; then
			check_err "$label: crash: expected set to show the panic task and bt its stack, got PID '$spid', '$sstate', '$bth' ($v/crash.out)"
		elif ! grep -qE "^PID: +$spid +TASK: .*COMMAND: $scomm" <<<"$bth"; then
			check_err "$label: crash bt: expected the panicking task (PID $spid, COMMAND $scomm), got '$bth'"
		elif ! grep -qaE -- "^ *#[0-9]+ \[.*$FMT_BT_RE" "$v/crash.out"; then
			check_err "$label: crash bt: expected a frame matching /$FMT_BT_RE/ ($v/crash.out)"
		fi
		grep -qaF "KCAPTEST-MARKER-$FMT_MARKER" "$v/crash.out" ||
			check_err "$label: crash log: expected KCAPTEST-MARKER-$FMT_MARKER, not there ($v/crash.out)"
		! grep -qai 'dumpfile is incomplete' "$v/crash.out" ||
			check_err "$label: crash says the dump file is incomplete ($v/crash.out)"
	else
		check_err "$label: crash -s $VMLINUX $dump failed ($v/crash.out)"
	fi

	local src=$dump
	if [ $flat = 1 ]; then
		src=$v/rebuilt
		makedumpfile -R "$src" <"$dump" >"$v/makedumpfile-R.log" 2>&1 ||
			check_err "$label: makedumpfile -R failed: $(tail -n 2 "$v/makedumpfile-R.log")"
	fi
	if makedumpfile --dump-dmesg "$src" "$v/makedumpfile-dmesg.txt" >"$v/makedumpfile.log" 2>&1; then
		grep -qF "KCAPTEST-MARKER-$FMT_MARKER" "$v/makedumpfile-dmesg.txt" ||
			check_err "$label: makedumpfile --dump-dmesg: expected KCAPTEST-MARKER-$FMT_MARKER, not there ($v/makedumpfile-dmesg.txt)"
		if "$BUILD/kcap" dmesg "$dump" >"$v/kcap-dmesg.txt" 2>"$v/kcap-dmesg.err"; then
			cmp -s "$v/kcap-dmesg.txt" "$v/makedumpfile-dmesg.txt" ||
				check_err "$label: expected kcap dmesg == makedumpfile --dump-dmesg: diff $v/kcap-dmesg.txt $v/makedumpfile-dmesg.txt"
		else
			check_err "$label: kcap dmesg failed: $(head -c 300 "$v/kcap-dmesg.err")"
		fi
	else
		check_err "$label: makedumpfile --dump-dmesg failed: $(tail -n 2 "$v/makedumpfile.log")"
	fi
	[ $flat = 0 ] || rm -f "$src"
	note "$label: $(stat -c %s "$dump") bytes, checked in $(fmt_secs "$t0")s"
}

# fmt_save SRC LABEL KCAP-SAVE-ARGS...: sets FMT_OUT (fails when kcap save fails).
fmt_save() {
	local src=$1 label=$2 dir t0
	shift 2
	dir=$T/save/$label
	rm -rf "$dir"
	mkdir -p "$dir"
	t0=$(date +%s.%N)
	"$BUILD/kcap" save "$@" "$src" "$dir" >"$dir.out" 2>"$dir.log" ||
		fail "kcap save $* $src $dir: expected exit 0, got $? ($dir.log)"
	FMT_OUT=$(cat "$dir.out")/vmcore
	[ -f "$FMT_OUT" ] || fail "kcap save $*: expected $FMT_OUT, missing ($dir.log)"
	note "$label: kcap save $* in $(fmt_secs "$t0")s"
}

fmt_pages() {
	python3 "$FMT_PY" "$@"
}

cat >"$FMT_PY" <<'EOF'
# Page reader for the kcap format tests: ELF cores and kdump-compressed files (zlib or stored
# pages), written from the format definitions (ELF; makedumpfile's diskdump_mod.h).
import hashlib
import mmap
import re
import struct
import sys
import zlib

PS = 4096
SIG = re.compile(rb'KCAPFILL[0-9a-f]{8}')
FILL = b'\xa5' * (PS - 16)
ZERO = bytes(PS)


class Dump:
    def __init__(self, path):
        self.path = path
        f = open(path, 'rb')
        self.m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if self.m[:4] == b'\x7fELF':
            self.kind = 'elf'
            self._elf()
        elif self.m[:8] == b'KDUMP   ':
            self.kind = 'kdump'
            self._kdump()
        else:
            sys.exit('%s: neither ELF nor kdump-compressed' % path)

    def _elf(self):
        m = self.m
        phoff, shoff, flags = struct.unpack_from('<QQI', m, 32)
        phentsize, phnum = struct.unpack_from('<HH', m, 54)
        if phnum == 0xffff:
            phnum = struct.unpack_from('<I', m, shoff + 44)[0]
        self.incomplete = bool(flags & 1)
        self.level = None
        self.where = {}
        self.partial = {}
        for i in range(phnum):
            (ptype, _, off, _, paddr, filesz, _,
             _) = struct.unpack_from('<IIQQQQQQ', m, phoff + i * phentsize)
            if ptype != 1 or not filesz:
                continue
            if off + filesz > len(m):
                sys.exit('%s: PT_LOAD at %#x goes past the end of the file' % (self.path, off))
            for pfn in range(paddr // PS, (paddr + filesz + PS - 1) // PS):
                a, b = max(paddr, pfn * PS), min(paddr + filesz, (pfn + 1) * PS)
                if b - a == PS:
                    # the kernel-text range of /proc/vmcore maps pages of RAM a second time
                    self.where.setdefault(pfn, off + a - paddr)
                else:
                    # a range that starts or ends inside a page: the rest reads as zeros
                    self.partial.setdefault(pfn, []).append((a % PS, off + a - paddr, b - a))
        for pfn, pieces in self.partial.items():
            self.where.setdefault(pfn, pieces)

    def _kdump(self):
        m = self.m
        status, bs, sub_blocks, bm_blocks, mapnr32 = struct.unpack_from('<IiiII', m, 424)
        if bs != PS:
            sys.exit('%s: block size %d' % (self.path, bs))
        self.incomplete = bool(status & 8)
        self.level = struct.unpack_from('<i', m, bs + 8)[0]
        maxpfn = struct.unpack_from('<Q', m, bs + 96)[0] or mapnr32
        half = bm_blocks * bs // 2
        bm2 = m[(1 + sub_blocks) * bs + half:(1 + sub_blocks) * bs + 2 * half]
        table = (1 + sub_blocks + bm_blocks) * bs
        self.descs = {}
        n = 0
        for byte in range(min(len(bm2), (maxpfn + 7) // 8)):
            b = bm2[byte]
            while b:
                bit = (b & -b).bit_length() - 1
                b &= b - 1
                off, size, fl = struct.unpack_from('<qII', m, table + 24 * n)
                n += 1
                if off:         # 0: never written (an incomplete dump)
                    self.descs[byte * 8 + bit] = (off, size, fl)
        self.where = self.descs

    def page(self, pfn):
        if self.kind == 'elf':
            off = self.where[pfn]
            if isinstance(off, int):
                return self.m[off:off + PS]
            page = bytearray(PS)
            for at, off, n in off:
                page[at:at + n] = self.m[off:off + n]
            return bytes(page)
        off, size, fl = self.descs[pfn]
        data = self.m[off:off + size]
        if fl & 1:
            data = zlib.decompress(data)
        elif fl:
            sys.exit('%s: pfn %#x: compression flags %#x' % (self.path, pfn, fl))
        if len(data) != PS:
            sys.exit('%s: pfn %#x: %d bytes' % (self.path, pfn, len(data)))
        return data

    def pfns(self):
        return sorted(self.where)

    def digests(self):
        """pfn -> digest of every non-zero page stored"""
        out = {}
        for pfn in self.pfns():
            p = self.page(pfn)
            if p != ZERO:
                out[pfn] = hashlib.blake2b(p, digest_size=16).digest()
        return out


def cmd_info(a):
    d = Dump(a[0])
    print('kind %s pages %d incomplete %d level %s'
          % (d.kind, len(d.where), d.incomplete, d.level))


def cmd_sig(a):
    d = Dump(a[0])
    n = 0
    idx = set()
    for pfn in d.pfns():
        p = d.page(pfn)
        if p[:8] == b'KCAPFILL' and SIG.fullmatch(p[:16]) and p[16:] == FILL:
            n += 1
            idx.add(p[8:16])
    print('pages %d distinct %d' % (n, len(idx)))


def cmd_same(a):
    A, B = Dump(a[0]), Dump(a[1])
    same = zero = 0
    bad = []
    for pfn in B.pfns():
        pb = B.page(pfn)
        if pfn not in A.where:
            bad.append('pfn %#x: not in %s' % (pfn, A.path))
            continue
        pa = A.page(pfn)
        if pa == pb:
            same += 1
        elif B.kind == 'elf' and pb == ZERO:
            zero += 1
        else:
            bad.append('pfn %#x: bytes differ' % pfn)
    print('same %d zero-filled %d bad %d%s' % (same, zero, len(bad),
          ''.join('; ' + x for x in bad[:3])))
    sys.exit(1 if bad else 0)


def cmd_sameset(a):
    da, db = Dump(a[0]).digests(), Dump(a[1]).digests()
    only_a = sorted(set(da) - set(db))
    only_b = sorted(set(db) - set(da))
    diff = sorted(p for p in set(da) & set(db) if da[p] != db[p])
    print('nonzero %d/%d only-first %d only-second %d differ %d%s'
          % (len(da), len(db), len(only_a), len(only_b), len(diff),
             ''.join(' ' + x for x in
                     (['first-only:%#x' % p for p in only_a[:3]] +
                      ['second-only:%#x' % p for p in only_b[:3]] +
                      ['differ:%#x' % p for p in diff[:3]]))))
    sys.exit(1 if only_a or only_b or diff else 0)


def cmd_covers(a):
    da, db = Dump(a[0]).digests(), Dump(a[1]).digests()
    missing = sorted(set(da) - set(db))
    diff = sorted(p for p in set(da) & set(db) if da[p] != db[p])
    print('nonzero %d covered %d missing %d differ %d%s'
          % (len(da), len(da) - len(missing) - len(diff), len(missing), len(diff),
             ''.join(' ' + x for x in (['missing:%#x' % p for p in missing[:3]] +
                                       ['differ:%#x' % p for p in diff[:3]]))))
    sys.exit(1 if missing or diff else 0)


cmds = {'info': cmd_info, 'sig': cmd_sig, 'same': cmd_same, 'sameset': cmd_sameset,
        'covers': cmd_covers}
if len(sys.argv) < 3 or sys.argv[1] not in cmds:
    sys.exit('usage: dumppages.py info|sig|same|sameset|covers DUMP [DUMP]')
cmds[sys.argv[1]](sys.argv[2:])
EOF
