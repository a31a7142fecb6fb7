// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PID 1 supervising the capture worker: a fork, a deadline, and reaping.
 * SIGCHLD is blocked and waited for with sigtimedwait(), so there is no
 * signal handler and no race between "check" and "sleep".
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "early.h"
#include "log.h"
#include "worker.h"

/* How long to wait for a worker killed with SIGKILL (D state never dies). */
#define WORKER_KILL_WAIT_MS	5000

static long worker_ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L +
	       (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/* Returns the worker's wait status, or -1 if it did not exit in time. */
static int worker_wait(pid_t pid, const sigset_t *chld, long limit_ms,
		       const struct timespec *start)
{
	struct timespec ts;
	int status;
	pid_t w;
	long left;

	for (;;) {
		while ((w = waitpid(-1, &status, WNOHANG)) > 0)
			if (w == pid)
				return status;
		if (w < 0) {
			log_warn("waitpid while supervising the worker %d", (int)pid);
			return -1;
		}
		if (limit_ms <= 0) {
			sigwaitinfo(chld, NULL);
			continue;
		}
		left = limit_ms - worker_ms_since(start);
		if (left <= 0)
			return -1;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000L;
		sigtimedwait(chld, NULL, &ts);
	}
}

int worker_run(int (*fn)(void *arg), void *arg, int timeout_s)
{
	struct timespec start, kill_start;
	sigset_t chld, old;
	int status, ret = -1;
	pid_t pid;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	clock_gettime(CLOCK_MONOTONIC, &start);

	pid = fork();
	if (pid < 0) {
		log_warn("fork for the capture worker");
		goto out_mask;
	}
	if (pid == 0) {
		early_child_signals();
		/* a write to a dead pipe (ssh, a script) fails with EPIPE, not kills */
		signal(SIGPIPE, SIG_IGN);
		setpgid(0, 0);
		_exit(fn(arg) & 0xff);
	}
	setpgid(pid, pid);	/* also here: no race with the child's own call */
	if (timeout_s > 0)
		log_info("capture worker started: pid %d, deadline %d s", (int)pid, timeout_s);
	else
		log_info("capture worker started: pid %d, no deadline", (int)pid);

	status = worker_wait(pid, &chld, timeout_s > 0 ? timeout_s * 1000L : 0, &start);
	if (status == -1) {
		log_warnx("capture worker %d still running after %ld s (capture_timeout %d s): killing it",
			  (int)pid, worker_ms_since(&start) / 1000, timeout_s);
		kill(-pid, SIGKILL);	/* its scripts too */
		kill(pid, SIGKILL);
		clock_gettime(CLOCK_MONOTONIC, &kill_start);
		if (worker_wait(pid, &chld, WORKER_KILL_WAIT_MS, &kill_start) == -1)
			log_warnx("capture worker %d did not die within %d ms of SIGKILL (stuck in the kernel?): going on",
				  (int)pid, WORKER_KILL_WAIT_MS);
		goto out_mask;
	}
	if (WIFSIGNALED(status)) {
		log_warnx("capture worker %d killed by signal %d (%s) after %ld s",
			  (int)pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
			  worker_ms_since(&start) / 1000);
		goto out_mask;
	}
	ret = WEXITSTATUS(status);
	log_info("capture worker %d exited with status %d after %ld s",
		 (int)pid, ret, worker_ms_since(&start) / 1000);
out_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
