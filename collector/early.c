// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PID 1 stage 1, in the capture kernel: mount the API file systems, make
 * sure fds 0, 1 and 2 exist, start logging, set the signals PID 1 must not
 * die of. Like s6-linux-init's stage 1 this is simple and does not fail:
 * a mount that does not work is logged and the capture goes on (reading
 * /proc/vmcore is the only thing that really needs one of them).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "early.h"
#include "log.h"

/* What the image was built from (initramfs/mkimage, from build/inputs.txt). */
#define EARLY_RELEASE		"/etc/kcap-release"

/* Console log level that shows our "<5>kcap:" records (shown when < level). */
#define EARLY_CONSOLE_LEVEL	6

static const struct early_mount {
	const char *source;
	const char *dir;
	const char *type;
	unsigned long flags;
	const char *data;
} early_mounts[] = {
	/* first: /dev/console and /dev/kmsg live here */
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};
#define NR_EARLY_MOUNTS	(sizeof(early_mounts) / sizeof(early_mounts[0]))

/* Signals whose default action would kill PID 1 (a kernel panic). */
static const int early_ignored[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGUSR1, SIGUSR2,
	SIGALRM, SIGTSTP, SIGTTIN, SIGTTOU,
};
#define NR_EARLY_IGNORED	(sizeof(early_ignored) / sizeof(early_ignored[0]))

static char cmdline[4096];

/* Returns 0 or errno; EBUSY means it was already mounted, which is fine. */
static int early_mount(const struct early_mount *m)
{
	if (mkdir(m->dir, 0755) < 0 && errno != EEXIST)
		return errno;
	if (mount(m->source, m->dir, m->type, m->flags, m->data) < 0 &&
	    errno != EBUSY)
		return errno;
	return 0;
}

/*
 * The kernel opens /dev/console for init only if the initramfs has the
 * node; without it fds 0-2 are closed and the first open() we do would
 * become "stdout". Check each fd like s6 does, fill the holes.
 */
static void early_fds(void)
{
	int fd, n;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		n = open("/dev/console", O_RDWR | O_NOCTTY);
		if (n < 0)
			n = open("/dev/null", O_RDWR);
		if (n < 0)
			continue;	/* log.c still has /dev/kmsg */
		if (n != fd) {
			dup2(n, fd);
			close(n);
		}
	}
}

static int early_write_file(const char *path, const char *s)
{
	ssize_t len = (ssize_t)strlen(s);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, (size_t)len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

static void early_read_cmdline(void)
{
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("cannot open /proc/cmdline");
		return;
	}
	n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	if (n < 0) {
		log_warn("cannot read /proc/cmdline");
		n = 0;
	}
	while (n > 0 && (cmdline[n - 1] == '\n' || cmdline[n - 1] == ' '))
		n--;
	cmdline[n] = '\0';
}

/*
 * Best effort: our log lines must reach the console and the capture
 * kernel's log. /dev/kmsg rate-limits user records by default (10 per 5 s)
 * unless printk.devkmsg=on; "quiet" sets the console level to 4, which
 * hides our level-5 records.
 */
static void early_printk(void)
{
	char buf[64];
	int fd, level, ret;
	ssize_t n;

	ret = early_write_file("/proc/sys/kernel/printk_devkmsg", "on\n");
	if (ret < 0 && ret != -ENOENT)
		log_debug("cannot set kernel.printk_devkmsg=on (locked by printk.devkmsg=?)");

	fd = open("/proc/sys/kernel/printk", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	level = atoi(buf);
	if (level < EARLY_CONSOLE_LEVEL &&
	    klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, EARLY_CONSOLE_LEVEL) < 0)
		log_warn("cannot raise the console log level from %d to %d",
			 level, EARLY_CONSOLE_LEVEL);
}

void early_setup(void)
{
	int err[NR_EARLY_MOUNTS];
	size_t i;

	umask(022);
	for (i = 0; i < NR_EARLY_IGNORED; i++)
		signal(early_ignored[i], SIG_IGN);

	for (i = 0; i < NR_EARLY_MOUNTS; i++)
		err[i] = early_mount(&early_mounts[i]);
	early_fds();
	log_init(1);
	for (i = 0; i < NR_EARLY_MOUNTS; i++)
		if (err[i])
			log_errno(err[i], "mount %s on %s", early_mounts[i].type,
				  early_mounts[i].dir);
	early_printk();
	early_read_cmdline();
	if (chdir("/") < 0)
		log_warn("chdir /");
}

void early_log_release(void)
{
	char buf[2048], *line, *next;
	ssize_t n;
	int fd;

	fd = open(EARLY_RELEASE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("cannot open %s", EARLY_RELEASE);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		log_warn("cannot read %s", EARLY_RELEASE);
		return;
	}
	buf[n] = '\0';
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (*line && *line != '#')
			log_info("image input: %s", line);
	}
}

const char *early_cmdline(void)
{
	return cmdline;
}

void early_child_signals(void)
{
	sigset_t none;
	size_t i;

	for (i = 0; i < NR_EARLY_IGNORED; i++)
		signal(early_ignored[i], SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
