// SPDX-License-Identifier: GPL-2.0-or-later
/* Whole-buffer pread/pwrite: the one loop every reader and writer needs. */
#include <errno.h>
#include <sys/types.h>
#include <unistd.h>

#include "io.h"

int io_pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int io_pwrite_all(int fd, const void *buf, size_t len, uint64_t off, size_t *done)
{
	const char *p = buf;
	ssize_t n;

	if (done)
		*done = 0;
	while (len) {
		n = pwrite(fd, p, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
		if (done)
			*done += (size_t)n;
	}
	return 0;
}
