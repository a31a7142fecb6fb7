/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_LVM_H
#define KCAP_LVM_H

/*
 * LVM2 logical volumes without the LVM tools: read the label and the text
 * metadata of every physical volume, and activate the one LV a target needs
 * with dm-linear or dm-striped (dm.h). Read only on the PVs: kcap never
 * writes LVM metadata.
 *
 * On-disk (little-endian; lvm2's lib/format_text/layout.h and lib/label/):
 *  - label: one of sectors 0..3 starts with "LABELONE", u64 sector (its own
 *    number), u32 crc (of bytes 20..511), u32 offset of the PV header (from
 *    the label), "LVM2 001". PV header: 32-byte UUID (no dashes), u64
 *    device size, then {u64 offset, u64 size} byte ranges: data areas up
 *    to a zero entry, metadata areas up to a zero entry.
 *  - metadata area: a 512-byte header (u32 crc of bytes 4..511, magic
 *    " LVM2 x[5A%r0N*>", u32 version 1, u64 start (its own offset), u64
 *    size) and raw_locns {u64 offset (from the area start), u64 size, u32
 *    crc of the text, u32 flags}; the first names the current text, which
 *    may wrap round to the area's byte 512.
 *  - crc: CRC-32 (reflected, 0xedb88320) from 0xf597a6cf, no final xor.
 *  - text: "vg { extent_size = N  physical_volumes { pv0 { id = "..."
 *    pe_start = N pe_count = N } }  logical_volumes { lv { status = [...]
 *    segment1 { start_extent = N extent_count = N type = "striped"
 *    stripe_count = N [stripe_size = N] stripes = [ "pv0", PE, ... ] } } } }".
 *    Sizes in 512-byte sectors. stripe_count 1 is linear.
 *
 * Activated: linear and striped LVs of a VG whose PVs are all present.
 * Refused (the why says which rule): thin, cache, raid, mirror, snapshot
 * and other segment types, origins of snapshots, hidden or pvmove-locked
 * LVs, shared (lockd) VGs, missing PVs (by UUID), metadata that fails its
 * checksum or bounds checks, extents beyond their PV.
 *
 * PVs are looked for on every block device in /sys/class/block, device-mapper
 * devices included (LVM on multipath), except LVs themselves and devices
 * that lvm_skip_device() rules out: a path of a multipath device (held by
 * a dm device whose uuid starts with "mpath-").
 */
#include <stddef.h>

#define LVM_META_MAX	(4u << 20)	/* larger metadata text is refused */
#define LVM_WHY_LEN	512

/* The holder rule above: 1 to skip /sys/class/block/<name>, else 0. */
int lvm_skip_device(const char *name);

/*
 * spec is /dev/VG/LV or /dev/mapper/VG-LV ("--" in a mapper name is one
 * dash): 1 with vg and lv filled, else 0. /dev/disk/..., /dev/mapper/NAME
 * without a single dash and one-level paths are not LVs.
 */
int lvm_spec_lv(const char *spec, char *vg, size_t vglen, char *lv, size_t lvlen);

/*
 * Activate vg/lv: 0 with dev = "/dev/mapper/<vg>-<lv>" (and /dev/<vg>/<lv>
 * linked to it), also when it is active already; why then holds the live
 * table, for the log. -ENOENT: no such VG or LV
 * on the devices seen so far (why says what was seen); another -errno:
 * refused or failed, why names the rule or the step.
 */
int lvm_activate(const char *vg, const char *lv, char *dev, size_t len,
		 char *why, size_t whylen);

/*
 * Find the LV holding the file system with this label (by_uuid 0) or UUID
 * (by_uuid 1), by reading the superblock at the PV offset of each LV's
 * first extent (no LV is activated for that), and activate just that one.
 * Same returns as lvm_activate.
 */
int lvm_activate_fs(int by_uuid, const char *want, char *dev, size_t len,
		    char *why, size_t whylen);

/*
 * Host check (kcap lvm FILE...): read labels and metadata from image files
 * and print, for each LV, "vg/lv: <table>" with FILE:OFFSET-style devices,
 * or "vg/lv: refused: <why>". Nothing is activated. 0 when every file was
 * read, 1 when a label or metadata area was bad (said on stderr).
 */
int lvm_print_files(int n, char **files);

#endif
