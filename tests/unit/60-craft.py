#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""60-craft.py: hostile dump files for 60-hostile.sh.

  60-craft.py elf IN OUT OP...     an ELF vmcore (mkvmcore, 40-mkcore) edited:
      vi:KEY=VALUE      set a VMCOREINFO line (replace KEY=..., else append)
      drop-notes        remove every note (VMCOREINFO too)
      note:HEX          append raw bytes after the notes
      load:PADDR:VADDR:OFFSET:FILESZ:MEMSZ   append a PT_LOAD (numbers in C syntax)
      alias:N           append N copies of the first PT_LOAD (the kernel text alias)
      fill:PADDR:N:VALUE write N 64-bit VALUEs at physical PADDR (every PT_LOAD holding it)
      set:I:FIELD:VALUE set field (offset, vaddr, paddr, filesz, memsz) of PT_LOAD I
    The notes and the program headers are moved to the end of the file.
  60-craft.py flat-empty OUT       a flattened stream with no record, only its end
  60-craft.py flat-overlap N OUT   a flattened stream of N records, each overlapping the next
  60-craft.py kdump-flat IN OUT BITMAP_BLOCKS FAR
      a kdump file (mkvmcore) with bitmap_blocks set, as a flattened stream with
      one more byte at offset FAR
  60-craft.py raw IN OUT FIELD=VALUE...  a kcap raw target with header fields set
      (dmesg_offset, dmesg_size, dump_offset, dump_size, crash_time)

Test-only: it raises on errors.
"""
import struct
import sys

EH = struct.Struct('<16sHHIQQQIHHHHHH')
PH = struct.Struct('<IIQQQQQQ')
PT_LOAD, PT_NOTE = 1, 4
FIELDS = {'offset': 2, 'vaddr': 3, 'paddr': 4, 'filesz': 5, 'memsz': 6}


def num(s):
    return int(s, 0) & 0xffffffffffffffff


def notes_parse(b):
    out, off = [], 0
    while off + 12 <= len(b):
        nsz, dsz, typ = struct.unpack_from('<III', b, off)
        if nsz == 0 and dsz == 0 and typ == 0:
            break
        a = off + 12
        d = a + ((nsz + 3) & ~3)
        e = d + ((dsz + 3) & ~3)
        if e > len(b):
            break
        out.append([b[a:a + nsz], typ, b[d:d + dsz]])
        off = e
    return out


def notes_build(notes):
    b = b''
    for name, typ, desc in notes:
        b += struct.pack('<III', len(name), len(desc), typ)
        b += name + b'\0' * (-len(name) % 4) + desc + b'\0' * (-len(desc) % 4)
    return b


def vi_set(text, key, value):
    lines = [ln for ln in text.split('\n') if ln]
    for i, ln in enumerate(lines):
        if ln.startswith(key + '='):
            lines[i] = key + '=' + value
            break
    else:
        lines.append(key + '=' + value)
    return '\n'.join(lines) + '\n'


def elf(src, dst, ops):
    data = bytearray(open(src, 'rb').read())
    eh = list(EH.unpack_from(data, 0))
    phoff, phnum = eh[5], eh[10]
    ph = [list(PH.unpack_from(data, phoff + i * PH.size)) for i in range(phnum)]
    note = next(p for p in ph if p[0] == PT_NOTE)
    notes = notes_parse(bytes(data[note[2]:note[2] + note[5]]))
    tail = b''
    for op in ops:
        kind, _, arg = op.partition(':')
        if kind == 'vi':
            key, _, value = arg.partition('=')
            for n in notes:
                if n[0].rstrip(b'\0') == b'VMCOREINFO':
                    n[2] = vi_set(n[2].decode(), key, value).encode()
        elif kind == 'fill':
            pa, count, value = (num(x) for x in arg.split(':'))
            for p in ph:
                if p[0] == PT_LOAD and p[4] <= pa and pa + 8 * count <= p[4] + p[5]:
                    o = p[2] + pa - p[4]
                    data[o:o + 8 * count] = struct.pack('<Q', value) * count
        elif kind == 'drop-notes':
            notes = []
        elif kind == 'note':
            tail += bytes.fromhex(arg)
        elif kind == 'load':
            pa, va, off, fsz, msz = (num(x) for x in arg.split(':'))
            ph.append([PT_LOAD, 7, off, va, pa, fsz, msz, 0])
        elif kind == 'alias':
            first = [p for p in ph if p[0] == PT_LOAD][0]
            ph.extend([list(first) for _ in range(int(arg))])
        elif kind == 'set':
            i, field, value = arg.split(':')
            [p for p in ph if p[0] == PT_LOAD][int(i)][FIELDS[field]] = num(value)
        else:
            raise SystemExit('60-craft.py: unknown op ' + op)
    blob = notes_build(notes) + tail
    note[2], note[5], note[6] = len(data), len(blob), 0
    data += blob + b'\0' * (-len(blob) % 8)
    eh[5], eh[10] = len(data), len(ph)
    for p in ph:
        data += PH.pack(*p)
    EH.pack_into(data, 0, *eh)
    open(dst, 'wb').write(data)


def flat_header():
    h = bytearray(4096)
    h[0:12] = b'makedumpfile'
    struct.pack_into('>QQ', h, 16, 1, 1)
    return bytes(h)


def flat_empty(dst):
    open(dst, 'wb').write(flat_header() + struct.pack('>qq', -1, -1))


def flat_overlap(n, dst):
    with open(dst, 'wb') as f:
        f.write(flat_header())
        rec = b'\xa5' * 16
        for k in range(n):
            f.write(struct.pack('>QQ', 8 * k, len(rec)) + rec)
        f.write(struct.pack('>qq', -1, -1))


RAW = {'crash_time': 24, 'dmesg_offset': 48, 'dmesg_size': 56,
       'dump_offset': 72, 'dump_size': 80}


def raw(src, dst, sets):
    data = bytearray(open(src, 'rb').read())
    for s in sets:
        k, _, v = s.partition('=')
        struct.pack_into('<Q', data, RAW[k], num(v))
    open(dst, 'wb').write(data)


def kdump(src, dst, bitmap_blocks, far):
    data = bytearray(open(src, 'rb').read())
    struct.pack_into('<I', data, 436, bitmap_blocks)
    with open(dst, 'wb') as f:
        f.write(flat_header())
        f.write(struct.pack('>QQ', 0, len(data)) + data)
        f.write(struct.pack('>QQ', far, 1) + b'\0')
        f.write(struct.pack('>qq', -1, -1))


def main(a):
    if a[0] == 'elf':
        elf(a[1], a[2], a[3:])
    elif a[0] == 'flat-empty':
        flat_empty(a[1])
    elif a[0] == 'flat-overlap':
        flat_overlap(int(a[1]), a[2])
    elif a[0] == 'kdump-flat':
        kdump(a[1], a[2], num(a[3]), num(a[4]))
    elif a[0] == 'raw':
        raw(a[1], a[2], a[3:])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
