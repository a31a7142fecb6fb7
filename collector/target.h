/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_TARGET_H
#define KCAP_TARGET_H

/*
 * Dump targets. Each returns 0 when a complete vmcore is on the target,
 * -ENOSPC when it was skipped for space, another -errno otherwise; every
 * problem is logged with tag ("target 1/2") and what ("ext4 UUID=...").
 */
#include <limits.h>

#include "capture.h"
#include "conf.h"

/* ext4 (target_fs.c): find the device, mount it on /mnt/target<n>, save. */
struct target_fs {
	char dev[PATH_MAX];
	char mnt[32];
	char dir[PATH_MAX];	/* the dump directory, as seen here */
	int dirfd;		/* -1 when there is none */
	int mounted;
};
/* On success the file system stays mounted (kdump_post sees the dump
 * directory): call target_fs_finish() afterwards. On failure it is done. */
int target_fs_save(struct capture *cap, const char *tag, const char *what, int n,
		   const struct conf_target *t, struct target_fs *fs);
/* kexec-dmesg.log, sync, unmount. */
void target_fs_finish(struct capture *cap, const char *tag, struct target_fs *fs);

/* raw (target_raw.c): header block, vmcore-dmesg text, dump. */
int target_raw_save(struct capture *cap, const char *tag, const char *what,
		    const char *spec);
/* The same on an open path (a block device, or a file for tests). */
int target_raw_write(struct capture *cap, const char *tag, const char *what,
		     const char *path);

#endif
