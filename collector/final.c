// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The end of every path PID 1 takes: reboot, halt, power off or a shell.
 * No malloc here; this runs after arbitrary failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "early.h"
#include "final.h"
#include "log.h"

#define FINAL_MNT_PREFIX	"/mnt/"		/* where targets are mounted */
#define FINAL_MAX_MOUNTS	32
#define FINAL_FLUSH_S		30	/* sync and unmount before the final action, at most */

void final_policy(const struct kcap_conf *c, int success, struct final_decision *d)
{
	if (!success) {
		d->action = c->failure_action != ACT_UNSET ? c->failure_action : ACT_REBOOT;
		d->why = c->failure_action != ACT_UNSET ? "failure_action" :
			 "failure, default";
	} else if (c->final_action != ACT_UNSET) {
		d->action = c->final_action;
		d->why = "final_action";
	} else if (c->panic_set && c->panic == 0) {
		d->action = ACT_HALT;
		d->why = "kcap.panic=0: keeping the console readable";
	} else {
		d->action = ACT_REBOOT;
		d->why = c->panic_set ? "kcap.panic" : "default";
	}
	d->delay = 0;
	if (d->action == ACT_REBOOT && c->panic_set && c->panic > 0)
		d->delay = c->panic;
}

static void final_sleep(int seconds)
{
	struct timespec ts = { .tv_sec = seconds };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Reap whatever has exited; returns 1 once there are no children left. */
static int final_reap(void)
{
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		;
	return pid < 0 && errno == ECHILD;
}

/* Best effort: nothing may hold the targets open while we unmount. */
static void final_stop_all(void)
{
	struct timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	int i;

	if (kill(-1, SIGKILL) < 0 && errno != ESRCH)
		log_warn("kill(-1, SIGKILL)");
	/* a process stuck in D state never goes: give up after 2 s */
	for (i = 0; i < 20 && !final_reap(); i++)
		nanosleep(&ts, NULL);
}

/* Best effort: unmount every mount under /mnt/, deepest (latest) first. */
static void final_umount_all(void)
{
	static char buf[65536];
	char *mnt[FINAL_MAX_MOUNTS];
	int fd, n = 0;
	ssize_t len, r;
	char *line, *p, *end;

	fd = open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("open /proc/self/mounts");
		return;
	}
	len = 0;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (r = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += r;
	close(fd);
	buf[len] = '\0';

	for (line = buf; *line && n < FINAL_MAX_MOUNTS; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		p = strchr(line, ' ');		/* "source mountpoint type ..." */
		if (!p || strncmp(p + 1, FINAL_MNT_PREFIX, strlen(FINAL_MNT_PREFIX)))
			continue;
		mnt[n++] = ++p;
		p = strchr(p, ' ');
		if (p)
			*p = '\0';
	}
	while (n-- > 0) {
		if (umount(mnt[n]) == 0) {
			log_info("unmounted %s", mnt[n]);
			continue;
		}
		log_warn("umount %s", mnt[n]);
		if (umount2(mnt[n], MNT_DETACH) < 0)
			log_warn("umount -l %s", mnt[n]);
	}
}

/*
 * The console as a controlling terminal, so ^C works in the shell:
 * /dev/console cannot be one, the device behind it (the last name in
 * /sys/class/tty/console/active) can. Falls back to /dev/console.
 */
static void final_open_console_tty(void)
{
	char active[128], dev[160];
	char *name;
	ssize_t n;
	int fd;

	strcpy(dev, "/dev/console");
	fd = open("/sys/class/tty/console/active", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, active, sizeof(active) - 1);
		close(fd);
		if (n > 0) {
			while (n > 0 && (active[n - 1] == '\n' || active[n - 1] == ' '))
				n--;
			active[n] = '\0';
			name = strrchr(active, ' ');
			name = name ? name + 1 : active;
			if (*name)
				snprintf(dev, sizeof(dev), "/dev/%s", name);
		}
	}
	fd = open(dev, O_RDWR);
	if (fd < 0)
		fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;
	ioctl(fd, TIOCSCTTY, 1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* Runs a BusyBox shell on the console and returns when it exits. */
static void final_shell(void)
{
	static char *const env[] = {
		"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=linux",
		"PS1=kcap# ", NULL,
	};
	pid_t pid, w;
	int status;

	pid = fork();
	if (pid < 0) {
		log_warn("fork for the shell");
		return;
	}
	if (pid == 0) {
		early_child_signals();
		setsid();
		final_open_console_tty();
		execle("/bin/sh", "sh", (char *)NULL, env);
		log_warn("exec /bin/sh");
		_exit(127);
	}
	log_info("shell on the console (pid %d): exit it to reboot", (int)pid);
	for (;;) {
		w = waitpid(-1, &status, 0);
		if (w == pid || (w < 0 && errno == ECHILD))
			break;
	}
}

/*
 * sync and unmount, in a child with a deadline: a target that stalls
 * (a dying disk, a throttled or hung NFS server) holds dirty pages that
 * sync waits for forever, and the final action would never run.
 * Returns 0 when done, -1 when it was left running.
 */
static int final_flush(void)
{
	struct timespec ts = { .tv_nsec = 100 * 1000 * 1000 };
	pid_t pid = fork();
	int i, status;

	if (pid == 0) {
		sync();
		final_umount_all();
		_exit(0);
	}
	if (pid < 0) {
		sync();
		final_umount_all();
		return 0;
	}
	for (i = 0; i < FINAL_FLUSH_S * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return 0;
		nanosleep(&ts, NULL);
	}
	log_warnx("sync and unmount still running after %d s (a target that stalls?): going on without them",
		  FINAL_FLUSH_S);
	return -1;
}

void final_action(enum conf_action action, int delay)
{
	int cmd, flushed;

	if (action == ACT_SHELL) {
		final_shell();
		log_info("shell exited: failure fallback is reboot");
		action = ACT_REBOOT;
		delay = 0;
	}
	final_stop_all();
	flushed = final_flush() == 0;

	switch (action) {
	case ACT_HALT:
		log_info("halting");
		cmd = RB_HALT_SYSTEM;
		break;
	case ACT_POWEROFF:
		log_info("powering off");
		cmd = RB_POWER_OFF;
		break;
	default:
		if (delay > 0) {
			log_info("rebooting in %d s", delay);
			final_sleep(delay);
		}
		log_info("rebooting");
		cmd = RB_AUTOBOOT;
		break;
	}
	if (flushed)
		sync();
	reboot(cmd);
	log_warn("reboot(0x%x) failed: waiting forever", (unsigned int)cmd);
	for (;;)
		pause();
}
