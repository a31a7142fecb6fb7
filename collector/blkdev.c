// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the target's block device in the capture kernel. There is no
 * udev, so no /dev/disk/by-*: we list /sys/class/block, take the node
 * devtmpfs made for each name, and read the ext2/3/4 superblock with
 * libext2fs (superblock only: that is all we link in).
 *
 * Multipath (mpath.c): before each look, paths that share a WWID are joined
 * into a multipath device; from then on the paths and their partitions are
 * never candidates (the same UUID seen on two paths of one LUN is one
 * device, and mounting one path of it would bypass the failover), the
 * multipath device and its partition maps are, under their /dev/mapper
 * names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>

#include "blkdev.h"
#include "io.h"
#include "log.h"
#include "mpath.h"

enum blkdev_by { BY_PATH, BY_LABEL, BY_UUID };

int blkdev_probe_ext(const char *path, char *label, size_t label_len,
		     char *uuid, size_t uuid_len)
{
	const unsigned char *u;
	ext2_filsys fs;
	errcode_t err;

	/*
	 * FORCE: a newer feature than our libext2fs knows must not hide the
	 * label; IGNORE_CSUM_ERRORS: a half-written superblock from the
	 * crash still names the file system (the kernel decides on mount).
	 */
	err = ext2fs_open(path, EXT2_FLAG_SUPER_ONLY | EXT2_FLAG_FORCE |
			  EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0, unix_io_manager, &fs);
	if (err)
		return err > 0 && err < 4096 ? -(int)err : -ENODATA;
	snprintf(label, label_len, "%.*s", (int)sizeof(fs->super->s_volume_name),
		 (const char *)fs->super->s_volume_name);
	u = fs->super->s_uuid;
	snprintf(uuid, uuid_len,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	ext2fs_close_free(&fs);
	return 0;
}

int blkdev_probe_xfs(const char *path, unsigned long long offset, char *label,
		     size_t label_len, char *uuid, size_t uuid_len)
{
	unsigned char sb[120], *u = sb + 32;
	uint32_t bsize;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = offset > (unsigned long long)INT64_MAX ? -1 : pread(fd, sb, sizeof(sb), (off_t)offset);
	close(fd);
	if (n != (ssize_t)sizeof(sb) || memcmp(sb, "XFSB", 4))
		return -ENODATA;
	/* sb_blocksize: a power of two from 512 to 64 KiB, else not a superblock */
	bsize = (uint32_t)sb[4] << 24 | (uint32_t)sb[5] << 16 | (uint32_t)sb[6] << 8 | sb[7];
	if (bsize < 512 || bsize > 65536 || (bsize & (bsize - 1)))
		return -ENODATA;
	snprintf(label, label_len, "%.*s", 12, (const char *)sb + 108);
	snprintf(uuid, uuid_len,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
	return 0;
}

int blkdev_probe_at(const char *path, unsigned long long offset, char *label, size_t label_len,
		    char *uuid, size_t uuid_len)
{
	char name[PATH_MAX];
	int ret;

	/* libext2fs opens "name?offset=N" at that byte offset */
	if (offset)
		snprintf(name, sizeof(name), "%s?offset=%llu", path, offset);
	ret = blkdev_probe_ext(offset ? name : path, label, label_len, uuid, uuid_len);
	if (ret == 0)
		return 0;
	return blkdev_probe_xfs(path, offset, label, label_len, uuid, uuid_len);
}

/*
 * "sda1" -> "/dev/sda1"; sysfs writes '/' in names as '!' (cciss!c0d0).
 * A device-mapper device by its /dev/mapper name (what the logs and the
 * user call it), when that node is there.
 */
static void blkdev_node(const char *name, char *dev, size_t len)
{
	char path[300], dm[160];
	char *p;

	snprintf(path, sizeof(path), "/sys/class/block/%s/dm/name", name);
	if (!strncmp(name, "dm-", 3) && io_read_small(path, dm, sizeof(dm)) > 0) {
		dm[strcspn(dm, "\n")] = '\0';
		snprintf(dev, len, "/dev/mapper/%s", dm);
		if (access(dev, F_OK) == 0)
			return;
	}
	snprintf(dev, len, "/dev/%s", name);
	for (p = dev + 5; *p; p++)
		if (*p == '!')
			*p = '/';
}

/* Devices with no media or zero size (unused loop and ram devices). */
static int blkdev_empty(const char *name)
{
	char path[300], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10) == 0;
}

static int blkdev_visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* 1 the first time node is passed over as a multipath path (one log line each). */
static int blkdev_first_time(const char *node)
{
	static char seen[16][300];	/* node names, as blkdev_scan's */
	static int nseen;
	int i;

	for (i = 0; i < nseen; i++)
		if (!strncmp(seen[i], node, sizeof(seen[i]) - 1))
			return 0;
	if (nseen < 16)
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", node);
	return 1;
}

/*
 * One pass over /sys/class/block. Returns the number of matches; a path of
 * a multipath LUN is no match (logged once per device).
 */
static int blkdev_scan(enum blkdev_by by, const char *want, char *dev, size_t len)
{
	char node[300], label[64], uuid[64];
	struct dirent **list;
	int i, n, found = 0;

	n = scandir("/sys/class/block", &list, blkdev_visible, alphasort);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (blkdev_empty(list[i]->d_name))
			continue;
		blkdev_node(list[i]->d_name, node, sizeof(node));
		if (blkdev_probe_at(node, 0, label, sizeof(label), uuid, sizeof(uuid)) < 0)
			continue;
		if (by == BY_LABEL ? strcmp(label, want) : strcasecmp(uuid, want))
			continue;
		if (mpath_is_path(list[i]->d_name)) {
			if (blkdev_first_time(node))
				log_info("blkdev: %s has %s=%s but is a path of a multipath LUN: never used directly (the multipath device is)",
					  node, by == BY_LABEL ? "LABEL" : "UUID", want);
			continue;
		}
		if (!found++)
			snprintf(dev, len, "%s", node);
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return found;
}

static int blkdev_is_blk(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISBLK(st.st_mode);
}

int blkdev_find(const char *spec, int timeout_s, char *dev, size_t len, int *dups)
{
	const struct timespec poll = { .tv_nsec = BLKDEV_POLL_MS * 1000000L };
	struct timespec start, now;
	enum blkdev_by by;
	const char *want;
	int n, redir;

	*dups = 0;
	if (!strncmp(spec, "LABEL=", 6)) {
		by = BY_LABEL;
		want = spec + 6;
	} else if (!strncmp(spec, "UUID=", 5)) {
		by = BY_UUID;
		want = spec + 5;
	} else if (!strncmp(spec, "/dev/disk/by-label/", 19)) {
		by = BY_LABEL;
		want = spec + 19;
	} else if (!strncmp(spec, "/dev/disk/by-uuid/", 18)) {
		by = BY_UUID;
		want = spec + 18;
	} else if (spec[0] == '/') {
		by = BY_PATH;
		want = spec;
	} else {
		return -EINVAL;
	}
	if (!*want)
		return -EINVAL;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		/* paths that share a WWID: joined first, whatever the target (mpath.h) */
		mpath_assemble();
		if (by == BY_PATH) {
			/* udev's names for multipath devices, a path named as itself */
			n = mpath_resolve(want, dev, len, &redir);
			if (n == 0) {
				if (redir)
					log_warnx("blkdev: %s is a path of a multipath LUN: using %s instead",
						  want, dev);
				return 0;
			}
			if (n == -EINVAL && blkdev_is_blk(want)) {
				snprintf(dev, len, "%s", want);
				return 0;
			}
		} else if ((n = blkdev_scan(by, want, dev, len)) > 0) {
			*dups = n - 1;
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* in ms: whole seconds would cut the wait short by up to 1 s */
		if ((now.tv_sec - start.tv_sec) * 1000LL +
		    (now.tv_nsec - start.tv_nsec) / 1000000 >= timeout_s * 1000LL)
			return -ETIMEDOUT;
		nanosleep(&poll, NULL);
	}
}
