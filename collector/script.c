// SPDX-License-Identifier: GPL-2.0-or-later
/* Running the administrator's kdump_pre / kdump_post, with a deadline. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "early.h"
#include "script.h"

#define SCRIPT_MAX_ARGS	8
#define SCRIPT_POLL_MS	100

static char *const script_env[] = {
	"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/", "TERM=linux", NULL,
};

static void script_child(const char *path, char *const args[])
{
	char *argv[SCRIPT_MAX_ARGS + 3];
	int i, n = 0;

	early_child_signals();
	setpgid(0, 0);
	argv[n++] = "sh";
	argv[n++] = (char *)path;
	for (i = 0; args && args[i] && i < SCRIPT_MAX_ARGS; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	execve(path, argv + 1, script_env);
	execve("/bin/sh", argv, script_env);
	_exit(127);
}

int script_run(const char *path, char *const args[], int timeout_s, int *sig)
{
	const struct timespec poll = { .tv_nsec = SCRIPT_POLL_MS * 1000000L };
	long waited_ms = 0;
	int status;
	pid_t pid, w;

	*sig = 0;
	if (access(path, R_OK) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		script_child(path, args);
	setpgid(pid, pid);

	while ((w = waitpid(pid, &status, WNOHANG)) == 0) {
		if (waited_ms >= timeout_s * 1000L) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		nanosleep(&poll, NULL);
		waited_ms += SCRIPT_POLL_MS;
	}
	if (w < 0)
		return -errno;
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
		return -EINTR;
	}
	return WEXITSTATUS(status);
}
