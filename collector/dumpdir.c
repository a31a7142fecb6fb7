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
	struct stat st;
	char *p, c;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	if (!buf[0] || !strcmp(buf, "/"))
		return 0;
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		if (stat(buf, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (!c)
			return 0;
		*p = c;
		while (p[1] == '/')
			p++;
	}
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
	fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
