// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * worker_run(): what PID 1 sees of the capture worker. The test process
 * makes itself a child subreaper, so orphans come back to it as they come
 * back to PID 1 in the capture kernel.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "worker.h"

static int fn_ok(void *arg)
{
	(void)arg;
	return 0;
}

static int fn_fail(void *arg)
{
	(void)arg;
	return 1;
}

static int fn_segv(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
	return 0;
}

/* Hangs, with a child of its own that hangs too (a script, say; it gives
 * up after 30 s so that a broken worker.c leaves nothing behind for long). */
static int fn_hang(void *arg)
{
	(void)arg;
	if (fork() == 0) {
		sleep(30);
		_exit(0);
	}
	for (;;)
		pause();
	return 0;
}

/* Leaves an orphan behind that exits after the worker. */
static int fn_orphan(void *arg)
{
	(void)arg;
	if (fork() == 0) {
		usleep(200 * 1000);
		_exit(0);
	}
	return 0;
}

static const struct row {
	const char *name;
	int (*fn)(void *arg);
	int timeout;
	int expect;
	long max_ms;
} rows[] = {
	{ "exit 0", fn_ok, 5, 0, 2000 },
	{ "exit 1", fn_fail, 5, 1, 2000 },
	{ "SIGSEGV", fn_segv, 5, -1, 2000 },
	{ "hang past the deadline", fn_hang, 1, -1, 4000 },
	{ "orphan left behind", fn_orphan, 5, 0, 2000 },
	{ "no deadline", fn_ok, 0, 0, 2000 },
};

int main(void)
{
	struct timespec a, b;
	size_t i;
	int failed = 0, ret;
	long ms;

	log_init(0);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fprintf(stderr, "row %zu: %s\n", i + 1, rows[i].name);
		clock_gettime(CLOCK_MONOTONIC, &a);
		ret = worker_run(rows[i].fn, NULL, rows[i].timeout);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		if (ret != rows[i].expect || ms > rows[i].max_ms) {
			printf("FAIL: row %zu (%s): expected %d within %ld ms, got %d after %ld ms\n",
			       i + 1, rows[i].name, rows[i].expect, rows[i].max_ms, ret, ms);
			failed++;
		}
	}
	/*
	 * Row 4's grandchild was killed with the worker's process group and
	 * row 5's orphan exits by itself: both come back to this subreaper
	 * and nothing may be left alive (SIGALRM ends the test otherwise).
	 */
	alarm(3);
	while (waitpid(-1, NULL, 0) > 0)
		;
	alarm(0);
	printf("%zu rows, %d failed\n", i, failed);
	return failed ? 1 : 0;
}
