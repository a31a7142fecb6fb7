// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * benchrun: time one command inside the capture kernel and report its peak memory.
 *
 *   benchrun NAME OUT LOG CMD [ARG...]
 *
 * Runs CMD with stdout and stderr on LOG, waits for it with wait4() and, if OUT is not "-",
 * fsync()s OUT and takes its size. Prints one line on stdout:
 *
 *   KCAPBENCH name=NAME status=S secs=T run_secs=R sync_secs=Y maxrss_kb=M bytes=B
 *             user_secs=U sys_secs=K
 *
 * secs = run_secs + sync_secs, from fork() to the end of the fsync (CLOCK_MONOTONIC).
 * The fsync is there because makedumpfile never calls it, while kcap counts its own fsync
 * in the time it reports: without it, makedumpfile's last dirty pages would be written
 * after the clock stopped.
 *
 * maxrss_kb is wait4()'s ru_maxrss: the largest resident set the child had (the kernel
 * keeps the high-water mark of the mm, the same number as VmHWM in /proc/PID/status, and
 * carries it across exec(), so it also counts the tiny pre-exec copy of benchrun).
 *
 * Exit status: CMD's (128 + signal if killed), 127 when it could not run.
 * Built static with musl-gcc by tests/bench/dumpspeed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_secs(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void child(const char *log, char **argv)
{
	int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
		fprintf(stderr, "benchrun: %s: %s\n", log, strerror(errno));
		_exit(127);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "benchrun: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *name, *out, *log;
	double t0, t1, t2;
	long long bytes = -1;
	struct rusage ru;
	struct stat st;
	int status, ret, fd;
	pid_t pid;

	if (argc < 5) {
		fprintf(stderr, "usage: benchrun NAME OUT|- LOG CMD [ARG...]\n");
		return 2;
	}
	name = argv[1];
	out = argv[2];
	log = argv[3];

	t0 = now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "benchrun: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0)
		child(log, argv + 4);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "benchrun: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	t1 = now();
	if (strcmp(out, "-")) {
		fd = open(out, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "benchrun: %s: %s\n", out, strerror(errno));
		} else {
			if (fsync(fd) < 0)
				fprintf(stderr, "benchrun: fsync %s: %s\n", out, strerror(errno));
			if (fstat(fd, &st) == 0)
				bytes = (long long)st.st_size;
			close(fd);
		}
	}
	t2 = now();

	if (WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
	else
		ret = WEXITSTATUS(status);
	printf("KCAPBENCH name=%s status=%d secs=%.3f run_secs=%.3f sync_secs=%.3f maxrss_kb=%ld bytes=%lld user_secs=%.3f sys_secs=%.3f\n",
	       name, ret, t2 - t0, t1 - t0, t2 - t1, ru.ru_maxrss, bytes,
	       tv_secs(&ru.ru_utime), tv_secs(&ru.ru_stime));
	fflush(stdout);
	return ret;
}
