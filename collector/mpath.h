/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_MPATH_H
#define KCAP_MPATH_H

/*
 * dm-multipath made by the collector (no multipathd, no udev, nothing from
 * multipath-tools in the image). Whole disks whose WWID matches are paths
 * to one LUN: each group of two or more becomes one multipath device
 *
 *	/dev/mapper/NAME   uuid mpath-WWID
 *	table "0 SECTORS multipath 0 0 1 1 service-time 0 N 1 MAJ:MIN 1 ..."
 *
 * with no features: no queue_if_no_path, so I/O on a lost path is retried
 * on the others and, with no path left, fails (the dump is then incomplete
 * and the next target is tried) instead of hanging the capture. Its
 * partitions (MBR or GPT, read by parttab.c) are mapped on top with
 * dm-linear like kpartx does: uuid partN-mpath-WWID, named as on the
 * production machine when the image records it, else kpartx's default
 * NAME + N (NAME + "p" + N when NAME ends in a digit).
 *
 * WWID: the form multipath-tools uses (udev's ID_SERIAL of scsi_id), from
 * the LUN's VPD page 0x83 (sysfs device/vpd_pg83), the kernel's
 * device/wwid as fallback: NAA "3<hex>", EUI-64 "2<hex>", T10 vendor ID
 * "1<text>" (blanks as '_').
 *
 * NAME: from MPATH_MAP_FILE, which initramfs/mkimage writes from the
 * production machine (its live maps, else /etc/multipath/bindings):
 *	map NAME WWID		a multipath device
 *	part NAME WWID N	partition N of it
 * A WWID not listed is named by itself (multipath-tools without
 * user_friendly_names).
 */
#include <stddef.h>

#define MPATH_MAP_FILE		"/etc/kcap-multipath"
#define MPATH_WWID_MAX		256	/* bytes of a WWID, with its NUL */
#define MPATH_PATHS_MAX		256	/* whole disks looked at */

/*
 * The LUN's WWID from a VPD page 0x83 as read from sysfs (the 4-byte page
 * header included): designators with LUN association, NAA preferred (16
 * bytes over 8), then EUI-64, then T10 vendor ID. 0, -ENODATA when none is
 * usable, -EUCLEAN when the page is malformed (a designator past its end).
 */
int mpath_wwid_vpd83(const unsigned char *page, size_t len, char *wwid, size_t wlen);

/* The kernel's device/wwid text ("naa.5000c500...") in the same form. 0, -ENODATA. */
int mpath_wwid_sysfs(const char *text, char *wwid, size_t wlen);

/*
 * Make the multipath devices (and their partitions) that are not there
 * yet: called before every device search (blkdev.c), whatever the target,
 * as multipathd would at boot: the target may be a LABEL= or UUID= that
 * only the scan finds on the SAN. Paths that show up late are joined once
 * two are there; a path that appears after its map was made is not added.
 * A LUN recorded in MPATH_MAP_FILE that shows one path only gets its map
 * with that path after 2 s (the others died with the crash, or are late).
 * A LUN whose map cannot be made (no dm-multipath module, a refused
 * table) is tried once, logged, and its paths are plain disks from then
 * on: a dump through one of them beats no dump. Best effort: logs what it
 * makes and what it cannot, returns the number of multipath devices made.
 */
int mpath_assemble(void);

/*
 * 1 when block device sysname ("sdb", "sdb1") is a path of a multipath
 * LUN, or a partition of one: its disk is held by a multipath device
 * (sysfs holders/), or shares its WWID with another disk or is recorded
 * in MPATH_MAP_FILE, and its map has not failed (mpath_assemble). Such a device must never be mounted or
 * scanned (blkdev.c, the LVM PV scan: call mpath_assemble first): the
 * multipath device stands for it. 0 otherwise.
 */
int mpath_is_path(const char *sysname);

/*
 * Names that only udev would make on a running system, as the multipath
 * device they stand for:
 *	/dev/disk/by-id/dm-uuid-mpath-WWID, dm-uuid-partN-mpath-WWID
 *	/dev/disk/by-id/dm-name-NAME
 *	/dev/disk/by-id/scsi-WWID[-partN], wwn-0xNAA[-partN]
 * and a path's own node (/dev/sdb1) as the multipath device (partition)
 * on top of it. 0 with the /dev/mapper path in dev (*redirected set when
 * spec named a path), -ENOENT when there is no such device (yet),
 * -EINVAL when spec is none of these.
 */
int mpath_resolve(const char *spec, char *dev, size_t len, int *redirected);

#endif
