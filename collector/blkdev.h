/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_BLKDEV_H
#define KCAP_BLKDEV_H

#include <stddef.h>

/*
 * Block device discovery without udev: devtmpfs makes the nodes, sysfs
 * lists them, LABEL= and UUID= come from each device's ext2/3/4 superblock.
 *
 * spec: /dev/X, LABEL=x, UUID=x, /dev/disk/by-label/x, /dev/disk/by-uuid/x,
 * and the multipath names of mpath.h (/dev/disk/by-id/dm-uuid-mpath-WWID, ...).
 * Paths of a multipath LUN are never returned: its multipath device is.
 * Polls every BLKDEV_POLL_MS until the device is there or timeout_s is
 * over. Returns 0 with the /dev path in dev, -ETIMEDOUT, or -EINVAL for a
 * spec it does not understand. When several devices match, the first in
 * name order wins and *dups counts the others (the caller warns).
 */
#define BLKDEV_POLL_MS	200
int blkdev_find(const char *spec, int timeout_s, char *dev, size_t len, int *dups);

/*
 * Read LABEL and UUID ("01234567-89ab-...", lowercase) from the ext2/3/4
 * superblock of a device or image file. 0, or -ENODATA (not ext2/3/4),
 * or -errno.
 */
int blkdev_probe_ext(const char *path, char *label, size_t label_len,
		     char *uuid, size_t uuid_len);

/*
 * LVM and XFS (branch lvm): LABEL and UUID of the ext2/3/4 or XFS file
 * system that starts offset bytes into path (an LV inside its PV, without
 * activating it). 0, -ENODATA (neither), or -errno.
 */
int blkdev_probe_at(const char *path, unsigned long long offset, char *label, size_t label_len,
		    char *uuid, size_t uuid_len);
/*
 * XFS superblock ("XFSB", big-endian; sb_uuid at 32, sb_fname[12] at 108)
 * at offset bytes into path: 0, -ENODATA (not XFS), or -errno.
 */
int blkdev_probe_xfs(const char *path, unsigned long long offset, char *label,
		     size_t label_len, char *uuid, size_t uuid_len);

#endif
