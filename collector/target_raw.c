// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * raw target: a partition holding one dump (fmt_raw.h). Finding the device
 * is all there is to prepare; save.c writes the header, the text and the
 * dump, and `kcap savecore` (cmd_savecore.c) copies it out after the reboot.
 */
#include <errno.h>

#include "blkdev.h"
#include "blkstack.h"
#include "log.h"
#include "lvm.h"
#include "target.h"

int target_raw_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		       const struct log_ctx *lc, struct sink *s)
{
	const char *tag = lc->tag, *what = lc->what;
	char dev[PATH_MAX], why[LVM_WHY_LEN];
	int ret, dups;

	(void)n;
	log_info("%s: %s: looking for the device (up to %d s)", tag, what,
		 c->device_timeout);
	ret = blkstack_find(t->spec, c->device_timeout, dev, sizeof(dev), &dups, why, sizeof(why));
	if (ret == -ETIMEDOUT || ret == -EINVAL) {
		log_errno(ret, "%s: %s: no such device%s%s: skipping", tag, what,
			  why[0] ? "; LVM: " : "", why);
		return ret;
	}
	if (ret < 0) {
		log_errno(ret, "%s: %s: refused (%s): skipping", tag, what, why);
		return ret;
	}
	if (why[0])
		log_info("%s: %s", tag, why);
	log_info("%s: %s -> %s", tag, what, dev);
	return sink_init(s, SINK_RAW, dev);
}

void target_raw_release(const struct log_ctx *lc, struct sink *s)
{
	(void)lc;
	(void)s;
}
