// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ext4 and xfs targets: find the device (blkstack.c), mount it and hand back its dump
 * path as a directory sink; unmount afterwards. The file system may have
 * been mounted when the kernel crashed: mounting it replays the journal,
 * which is what we want.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "blkdev.h"
#include "blkstack.h"
#include "dumpdir.h"
#include "log.h"
#include "lvm.h"
#include "target.h"

int target_fs_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		      const struct log_ctx *lc, struct sink *s)
{
	const char *tag = lc->tag, *what = lc->what, *fstype = conf_target_kind_name(t->kind);
	char dev[PATH_MAX], why[LVM_WHY_LEN];
	int ret, dups;

	sink_init(s, SINK_DIR, "");
	log_info("%s: %s: looking for the device (up to %d s)", tag, what, c->device_timeout);
	ret = blkstack_find(t->spec, c->device_timeout, dev, sizeof(dev), &dups, why, sizeof(why));
	if (ret == -EINVAL) {
		log_warnx("%s: %s: not a device, LABEL= or UUID=: skipping", tag, what);
		return ret;
	}
	if (ret == -ETIMEDOUT) {
		log_warnx("%s: %s: no such device after %d s%s%s: skipping", tag, what,
			  c->device_timeout, why[0] ? "; LVM: " : "", why);
		return ret;
	}
	if (ret < 0) {
		log_errno(ret, "%s: %s: refused (%s): skipping", tag, what, why);
		return ret;
	}
	if (dups)
		log_warnx("%s: %s matches %d more device(s): using %s", tag, what, dups, dev);
	if (why[0])
		log_info("%s: %s", tag, why);
	log_info("%s: %s -> %s", tag, what, dev);
	snprintf(s->dev, sizeof(s->dev), "%s", dev);

	ret = target_mountpoint(n, lc, s);
	if (ret < 0)
		return ret;
	if (mount(dev, s->mnt, fstype, MS_NOSUID | MS_NODEV, NULL) < 0) {
		ret = -errno;
		log_warn("%s: %s: mount %s on %s (%s): skipping", tag, what, dev, s->mnt, fstype);
		s->mnt[0] = '\0';
		return ret;
	}
	log_info("%s: mounted %s on %s", tag, dev, s->mnt);

	ret = target_dump_path(c, lc, s);
	if (ret < 0)
		target_fs_release(lc, s);
	return ret;
}

void target_fs_release(const struct log_ctx *lc, struct sink *s)
{
	if (!s->mnt[0])
		return;
	sync();
	if (umount(s->mnt) < 0) {
		log_warn("%s: umount %s (detaching it)", lc->tag, s->mnt);
		umount2(s->mnt, MNT_DETACH);
	}
	s->mnt[0] = '\0';
}

/* Shared by the targets that mount something (ext4, xfs, nfs). */
int target_mountpoint(int n, const struct log_ctx *lc, struct sink *s)
{
	int ret;

	snprintf(s->mnt, sizeof(s->mnt), "/mnt/target%d", n);
	ret = dumpdir_mkpath(s->mnt, 0755);
	if (ret < 0) {
		log_errno(ret, "%s: mkdir %s", lc->tag, s->mnt);
		s->mnt[0] = '\0';
	}
	return ret;
}

int target_dump_path(const struct kcap_conf *c, const struct log_ctx *lc, struct sink *s)
{
	if (snprintf(s->path, sizeof(s->path), "%s%s%s", s->mnt, c->path[0] == '/' ? "" : "/",
		     c->path) >= (int)sizeof(s->path)) {
		log_errno(-ENAMETOOLONG, "%s: path %s", lc->tag, c->path);
		return -ENAMETOOLONG;
	}
	return 0;
}
