/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DM_H
#define KCAP_DM_H

/*
 * Device-mapper through its ioctls on /dev/mapper/control (linux/dm-ioctl.h):
 * no libdevmapper, no udev, no dmsetup in the image. Used by LVM (lvm.c)
 * and multipath.
 *
 * A table is text, one target per line, the way dmsetup takes it:
 *	"<start> <length> <type> <params>\n"   (sectors of 512 bytes)
 * e.g. "0 204800 linear 8:16 2048\n"
 *      "0 409600 striped 2 128 8:16 2048 8:32 2048\n"
 *      "0 2097152 multipath 0 0 1 1 service-time 0 2 1 8:0 1 8:16 1\n"
 *
 * Contract of every function below: 0 or -errno; none prints. When why is
 * not NULL it receives, on failure, one line that names the step that failed
 * ("DM_TABLE_LOAD vg-lv: Invalid argument", "table line 2: no type"), so
 * the caller can log it as it is. On failure nothing is left behind: a
 * device that dm_create made is removed again.
 */
#include <stddef.h>
#include <sys/types.h>

#define DM_WHY_LEN	256
#define DM_MAX_TARGETS	256	/* table lines per device */

/*
 * Make sure /dev/mapper/control exists (mknod from
 * /sys/class/misc/device-mapper/dev when devtmpfs has not made it) and
 * that the kernel answers DM_VERSION. -ENODEV: no device-mapper in this
 * kernel (module not loaded, not built in).
 */
int dm_init(char *why, size_t whylen);

/*
 * Create device name (at most 127 bytes; uuid may be NULL or "", at most
 * 128 bytes), load table, resume it, and make the node /dev/mapper/<name>
 * (a block node of the new device). readonly: load the table read-only.
 * *devno (may be NULL) gets the new device's number. -EEXIST when a device
 * of that name exists already.
 */
int dm_create(const char *name, const char *uuid, const char *table, int readonly,
	      dev_t *devno, char *why, size_t whylen);

/* Remove device name and its /dev/mapper node. -ENXIO: no such device. */
int dm_remove(const char *name, char *why, size_t whylen);

/*
 * Device name exists: 0 with *devno (may be NULL) set, -ENXIO when it does
 * not, another -errno when the kernel cannot say.
 */
int dm_info(const char *name, dev_t *devno, char *why, size_t whylen);

/*
 * The live table of name as text, the same format dm_create takes (what
 * "dmsetup table" prints), for logs and tests. -ENOSPC when buf is too
 * small for it.
 */
int dm_table(const char *name, char *buf, size_t len, char *why, size_t whylen);

/*
 * Symlink link -> /dev/mapper/<name> (e.g. /dev/vg0/lv0), making the
 * directories on the way (0755). An existing link is replaced.
 */
int dm_link(const char *name, const char *link, char *why, size_t whylen);

/*
 * "vg-0" "lv" -> "vg--0-lv": the /dev/mapper name LVM gives a logical
 * volume (dashes in either part doubled). -ENAMETOOLONG when it does not
 * fit in len or in a device-mapper name.
 */
int dm_lvm_name(const char *vg, const char *lv, char *out, size_t len);

#endif
