// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging: one record per event, never split across write() calls.
 *
 * In the capture kernel (PID 1) a record goes to /dev/kmsg with a "<N>"
 * priority prefix, so it lands in the capture kernel's own log (saved as
 * kexec-dmesg.log) and, through printk, on every console. When /dev/kmsg
 * cannot be opened we fall back to writing the console directly.
 * As a host tool, records go to stderr.  Formatting uses a stack buffer:
 * no malloc, so this is safe on fatal paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	1024

static int kmsg_fd = -1;
static int pid1_mode;
static int verbose;

void log_init(int pid1)
{
	pid1_mode = pid1;
	if (!pid1)
		return;
	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
}

void log_set_verbose(int v)
{
	verbose = v;
}

/* prio: kernel log level 0..7; err: errno to append, or 0 */
static void vlog(int prio, int err, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t n, hdr;

	if (kmsg_fd >= 0)
		hdr = (size_t)snprintf(line, sizeof(line), "<%d>kcap: ", prio);
	else
		hdr = (size_t)snprintf(line, sizeof(line), "kcap: ");
	n = hdr;
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	if (err && n < sizeof(line) - 1)
		snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
	n = strlen(line);
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';

	if (kmsg_fd >= 0) {
		/* printk echoes it to the console; one write() is one record */
		if (write(kmsg_fd, line, n) == (ssize_t)n)
			return;
		/* fall through: write the console without the prefix */
		memmove(line + 6, line + hdr, n - hdr);
		memcpy(line, "kcap: ", 6);
		n = n - hdr + 6;
	}
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to report it */
	}
}

#define DEFINE_LOG(name, prio, with_errno)				\
void name(const char *fmt, ...)						\
{									\
	int saved = errno;						\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	vlog(prio, with_errno ? saved : 0, fmt, ap);			\
	va_end(ap);							\
	errno = saved;							\
}

DEFINE_LOG(log_info, 5, 0)
DEFINE_LOG(log_warn, 4, 1)
DEFINE_LOG(log_warnx, 4, 0)

void log_debug(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (!verbose && !pid1_mode)
		return;
	va_start(ap, fmt);
	vlog(7, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	vlog(4, err, fmt, ap);
	va_end(ap);
}
