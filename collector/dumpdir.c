// SPDX-License-Identifier: GPL-2.0-or-later
/* Dump directory layout and "write, fsync, rename" commits. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dumpdir.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	1
#endif
#define DUMPDIR_MAX_SUFFIX	999	/* dumps of one host within one second */

int dumpdir_mkpath(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p, *comp;
	int fd, nfd, ret = 0;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	/*
	 * One component at a time below an fd, never through a symbolic
	 * link: on a target, /var/crash -> /srv/crash would resolve in the
	 * initramfs and the dump would be lost at the reboot.
	 */
	fd = open(buf[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (p = buf; ; ) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		if (*p)
			*p++ = '\0';
		if (mkdirat(fd, comp, mode) < 0 && errno != EEXIST) {
			ret = -errno;
			break;
		}
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			struct stat st;

			ret = -errno;
			/* O_NOFOLLOW on a link: ELOOP, or ENOTDIR with O_DIRECTORY */
			if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				ret = -ELOOP;
			break;
		}
		close(fd);
		fd = nfd;
	}
	close(fd);
	return ret;
}

void dumpdir_name(const struct dump_ident *id, char *buf, size_t len)
{
	time_t t = id->crash_time > 0 ? (time_t)id->crash_time : time(NULL);
	char host[sizeof(id->nodename)], date[32];
	struct tm tm;
	size_t i;
	char c;

	for (i = 0; id->nodename[i] && i < sizeof(host) - 1; i++) {
		c = id->nodename[i];
		/* a directory name, not a path: no '/', no leading '.' */
		host[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' ||
			  (c == '.' && i > 0) ? c : '_';
	}
	host[i] = '\0';
	/* "(none)" is how the kernel says the hostname was never set */
	if (!host[0] || !strcmp(id->nodename, "(none)"))
		strcpy(host, "localhost");
	/* a crash time gmtime_r cannot express (past year 2^31): now instead */
	if (!gmtime_r(&t, &tm)) {
		t = time(NULL);
		if (!gmtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
	}
	if (!strftime(date, sizeof(date), "%Y-%m-%d-%H:%M:%S", &tm))
		strcpy(date, "unknown-time");
	snprintf(buf, len, "%s-%s", host, date);
}

int dumpdir_create(const char *base, const char *name, char *out, size_t len)
{
	int i, fd;

	for (i = 1; i <= DUMPDIR_MAX_SUFFIX; i++) {
		int n = i == 1 ? snprintf(out, len, "%s/%s", base, name) :
				 snprintf(out, len, "%s/%s-%d", base, name, i);

		if (n < 0 || (size_t)n >= len)
			return -ENAMETOOLONG;
		if (mkdir(out, 0700) == 0)
			break;
		if (errno != EEXIST)
			return -errno;
	}
	if (i > DUMPDIR_MAX_SUFFIX)
		return -EEXIST;
	fd = open(out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int dumpdir_open_new(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	return fd < 0 ? -errno : fd;
}

int dumpdir_commit(int dirfd, int fd, const char *tmp, const char *final)
{
	if (fsync(fd) < 0)
		return -errno;
	if (syscall(SYS_renameat2, dirfd, tmp, dirfd, final, RENAME_NOREPLACE) < 0) {
		if (errno != ENOSYS && errno != EINVAL)
			return -errno;
		/* no renameat2 here: link() never replaces either */
		if (linkat(dirfd, tmp, dirfd, final, 0) < 0)
			return -errno;
		if (unlinkat(dirfd, tmp, 0) < 0)
			return -errno;
	}
	return fsync(dirfd) < 0 ? -errno : 0;
}
