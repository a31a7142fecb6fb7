// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding a target's device through the block-device stacks (see
 * blkstack.h). Each pass looks at the plain devices first, so an LV that
 * an earlier pass (or target) activated is found as /dev/dm-N or by its
 * /dev/mapper path without reading LVM metadata again.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "blkdev.h"
#include "blkstack.h"
#include "lvm.h"

/* One LVM attempt: 0, -ENOENT (nothing of the kind yet), or -errno. */
static int blkstack_lvm(const char *spec, char *dev, size_t len, char *why, size_t whylen)
{
	char vg[128], lv[128];

	if (!strncmp(spec, "UUID=", 5))
		return lvm_activate_fs(1, spec + 5, dev, len, why, whylen);
	if (!strncmp(spec, "LABEL=", 6))
		return lvm_activate_fs(0, spec + 6, dev, len, why, whylen);
	if (!strncmp(spec, "/dev/disk/by-uuid/", 18))
		return lvm_activate_fs(1, spec + 18, dev, len, why, whylen);
	if (!strncmp(spec, "/dev/disk/by-label/", 19))
		return lvm_activate_fs(0, spec + 19, dev, len, why, whylen);
	if (lvm_spec_lv(spec, vg, sizeof(vg), lv, sizeof(lv)))
		return lvm_activate(vg, lv, dev, len, why, whylen);
	return -ENOENT;
}

int blkstack_find(const char *spec, int timeout_s, char *dev, size_t len, int *dups,
		  char *why, size_t whylen)
{
	const struct timespec poll = { .tv_nsec = BLKDEV_POLL_MS * 1000000L };
	struct timespec start, now;
	int ret;

	if (why && whylen)
		why[0] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		/*
		 * blkdev_find joins multipath paths first (mpath_assemble), so
		 * that neither a LABEL= scan nor LVM takes a path;
		 * lvm_skip_device() skips them with mpath_is_path().
		 * timeout 0: one pass over the plain devices.
		 */
		ret = blkdev_find(spec, 0, dev, len, dups);
		if (ret != -ETIMEDOUT)
			return ret;
		ret = blkstack_lvm(spec, dev, len, why, whylen);
		if (ret == 0)
			return 0;
		/*
		 * Refused: final, except a missing PV or VG, which may be a
		 * disk still coming up (then the why of the last pass stands).
		 */
		if (ret != -ENOENT && ret != -ENODEV)
			return ret;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000LL +
		    (now.tv_nsec - start.tv_nsec) / 1000000 >= timeout_s * 1000LL)
			return ret == -ENODEV ? ret : -ETIMEDOUT;
		nanosleep(&poll, NULL);
	}
}
