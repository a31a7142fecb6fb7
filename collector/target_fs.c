// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ext4 target: find the device (blkdev.c), mount it, write the dump
 * directory (capture.c), kexec-dmesg.log, unmount. The file system may
 * have been mounted when the kernel crashed: mounting it replays the
 * journal, which is what we want.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "blkdev.h"
#include "dumpdir.h"
#include "log.h"
#include "report.h"
#include "target.h"

int target_fs_save(struct capture *cap, const char *tag, const char *what, int n,
		   const struct conf_target *t, struct target_fs *fs)
{
	const struct kcap_conf *c = cap->conf;
	char base[PATH_MAX];
	int ret, dups;

	memset(fs, 0, sizeof(*fs));
	fs->dirfd = -1;
	log_info("%s: %s: looking for the device (up to %d s)", tag, what, c->device_timeout);
	ret = blkdev_find(t->spec, c->device_timeout, fs->dev, sizeof(fs->dev), &dups);
	if (ret == -EINVAL) {
		log_warnx("%s: %s: not a device, LABEL= or UUID=: skipping", tag, what);
		return ret;
	}
	if (ret < 0) {
		log_warnx("%s: %s: no such device after %d s: skipping", tag, what,
			  c->device_timeout);
		return ret;
	}
	if (dups)
		log_warnx("%s: %s matches %d more device(s): using %s", tag, what, dups, fs->dev);
	log_info("%s: %s -> %s", tag, what, fs->dev);

	snprintf(fs->mnt, sizeof(fs->mnt), "/mnt/target%d", n);
	ret = dumpdir_mkpath(fs->mnt, 0755);
	if (ret < 0) {
		log_errno(ret, "%s: mkdir %s", tag, fs->mnt);
		return ret;
	}
	if (mount(fs->dev, fs->mnt, "ext4", MS_NOSUID | MS_NODEV, NULL) < 0) {
		ret = -errno;
		log_warn("%s: %s: mount %s on %s (ext4): skipping", tag, what, fs->dev, fs->mnt);
		return ret;
	}
	fs->mounted = 1;
	log_info("%s: mounted %s on %s", tag, fs->dev, fs->mnt);

	if (snprintf(base, sizeof(base), "%s%s%s", fs->mnt, c->path[0] == '/' ? "" : "/",
		     c->path) >= (int)sizeof(base)) {
		ret = -ENAMETOOLONG;
		log_errno(ret, "%s: path %s", tag, c->path);
	} else {
		ret = capture_to_dir(cap, tag, what, base, fs->dir, sizeof(fs->dir), &fs->dirfd);
	}
	if (ret < 0)
		target_fs_finish(cap, tag, fs);
	return ret;
}

void target_fs_finish(struct capture *cap, const char *tag, struct target_fs *fs)
{
	(void)cap;
	if (fs->dirfd >= 0) {
		capture_kexec_dmesg(fs->dirfd, tag);	/* also after a failure */
		report_write(fs->dirfd, fs->dev);
		close(fs->dirfd);
		fs->dirfd = -1;
	}
	if (!fs->mounted)
		return;
	sync();
	if (umount(fs->mnt) < 0) {
		log_warn("%s: umount %s (detaching it)", tag, fs->mnt);
		umount2(fs->mnt, MNT_DETACH);
	}
	fs->mounted = 0;
}
