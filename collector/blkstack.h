/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_BLKSTACK_H
#define KCAP_BLKSTACK_H

#include <stddef.h>

/*
 * A target's block device, through the device stacks: a plain device
 * (blkdev.c), else an LVM logical volume (lvm.c: /dev/VG/LV,
 * /dev/mapper/VG-LV, or LABEL=/UUID= of a file system inside an LV), which
 * is activated. Polls every BLKDEV_POLL_MS up to timeout_s.
 *
 * 0 with dev (and *dups as blkdev_find); -EINVAL for a spec it does not
 * understand; -ETIMEDOUT when nothing matched; another -errno when an LV
 * matched but is refused or failed to activate. why (may be empty) says
 * what was seen or refused, or on success what was activated (the table),
 * one line for the log.
 */
int blkstack_find(const char *spec, int timeout_s, char *dev, size_t len, int *dups,
		  char *why, size_t whylen);

#endif
