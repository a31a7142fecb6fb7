// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report.json (format in report.h): written by the capture kernel next to
 * each dump (hooks in capture.c and target_fs.c), by `kcap save`, and for a
 * dump copied out of a raw target by `kcap report --write DIR`; read by
 * `kcap report [--json] DIR...` (what `kcapctl status` prints).
 *
 * The panic line and the crashing task come from vmcore-dmesg.txt, already
 * in the directory: the last "Kernel panic - not syncing:" (else the last
 * "Oops:", "BUG:" or "general protection fault") and the "CPU: N PID: N
 * Comm: X" line that follows it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dump_read.h"
#include "dump_write.h"
#include "dumpdir.h"
#include "io.h"
#include "log.h"
#include "report.h"

#ifndef KCAP_VERSION
#define KCAP_VERSION	"unknown"
#endif

#define REPORT_TMP	"report.json.incomplete"
#define DMESG_TAIL	(256 * 1024)	/* the panic is at the end of the log */

static struct {
	int begun, dumped, dump_ret;
	char release[65], host[65], format[64];
	long long crash_time;
	int level;
	uint64_t mem_bytes;
	double t0, up0, t_dump_end;
	long dump_ms;
	uint64_t bytes, pages_present, pages_dumped, pages_excluded;
	int level_used;
} rs;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds since this kernel booted (-1 if unknown): in the capture kernel,
 * close to the time since the panic. */
static double uptime_s(void)
{
	char buf[64];

	if (io_read_small("/proc/uptime", buf, sizeof(buf)) < 0)
		return -1;
	return strtod(buf, NULL);
}

/* The capture runs in PID 1's worker (worker.c), a child of PID 1. */
static int in_capture_kernel(void)
{
	return (getpid() == 1 || getppid() == 1) && access("/proc/vmcore", F_OK) == 0;
}

void report_reset(void)
{
	memset(&rs, 0, sizeof(rs));
}

void report_begin(const struct dump_ident *id, const char *format, int level,
		  uint64_t mem_bytes)
{
	memset(&rs, 0, sizeof(rs));
	rs.begun = 1;
	rs.t0 = now_s();
	rs.up0 = in_capture_kernel() ? uptime_s() : -1;
	snprintf(rs.release, sizeof(rs.release), "%s", id->release);
	snprintf(rs.host, sizeof(rs.host), "%s", id->nodename);
	rs.crash_time = id->crash_time;
	snprintf(rs.format, sizeof(rs.format), "%s", format);
	rs.level = level;
	rs.mem_bytes = mem_bytes;
}

void report_dump(int ret, const struct dumpfile_stats *st, long ms)
{
	rs.dumped = 1;
	rs.dump_ret = ret;
	rs.dump_ms = ms;
	rs.t_dump_end = now_s();
	rs.bytes = st->bytes_written;
	rs.pages_present = st->pages_present;
	rs.pages_dumped = st->pages_dumped;
	rs.pages_excluded = st->pages_excluded;
	rs.level_used = st->level_used;
}

/* ---- the JSON, one key per line ---- */

struct jbuf {
	char buf[REPORT_MAX];
	size_t pos;
	int first;
};

static void jraw(struct jbuf *j, const char *s)
{
	size_t n = strlen(s);

	if (j->pos + n >= sizeof(j->buf))
		return;
	memcpy(j->buf + j->pos, s, n + 1);
	j->pos += n;
}

static void jkey(struct jbuf *j, const char *key)
{
	jraw(j, j->first ? "{\n  \"" : ",\n  \"");
	j->first = 0;
	jraw(j, key);
	jraw(j, "\": ");
}

static void jstr(struct jbuf *j, const char *key, const char *val)
{
	char esc[8];

	jkey(j, key);
	if (!val || !*val) {
		jraw(j, "null");
		return;
	}
	jraw(j, "\"");
	for (; *val; val++) {
		unsigned char ch = (unsigned char)*val;

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			esc[2] = '\0';
		} else if (ch < 0x20 || ch == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
		} else {
			esc[0] = (char)ch;
			esc[1] = '\0';
		}
		jraw(j, esc);
	}
	jraw(j, "\"");
}

static void jnum(struct jbuf *j, const char *key, long long v)
{
	char s[32];

	jkey(j, key);
	snprintf(s, sizeof(s), "%lld", v);
	jraw(j, s);
}

/* seconds with one decimal, null when negative (unknown) */
static void jsecs(struct jbuf *j, const char *key, double v)
{
	char s[32];

	jkey(j, key);
	if (v < 0) {
		jraw(j, "null");
		return;
	}
	snprintf(s, sizeof(s), "%.1f", v);
	jraw(j, s);
}

/* ---- what vmcore-dmesg.txt says ---- */

struct panic_info {
	char line[256];
	char task[64];
	int pid, cpu;
};

/* The text of a "[    1.234567] text" line. */
static const char *dmesg_text(const char *line)
{
	const char *s = line;

	if (*s == '[') {
		s = strchr(s, ']');
		if (!s)
			return line;
		s++;
		if (*s == ' ')
			s++;
	}
	return s;
}

static void panic_from_dmesg(int dirfd, struct panic_info *pi)
{
	static const char *const kinds[] = {
		"Kernel panic - not syncing:", "Oops:", "BUG:", "general protection fault",
	};
	char *buf, *line, *next, *found = NULL, *cpu_line = NULL;
	const char *t;
	size_t k;
	ssize_t n;
	off_t size;
	int fd;

	memset(pi, 0, sizeof(*pi));
	pi->pid = pi->cpu = -1;
	fd = openat(dirfd, "vmcore-dmesg.txt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	buf = malloc(DMESG_TAIL + 1);
	if (!buf)
		goto out_close;
	size = lseek(fd, 0, SEEK_END);
	if (size > DMESG_TAIL)
		lseek(fd, size - DMESG_TAIL, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, DMESG_TAIL);
	if (n <= 0)
		goto out_free;
	buf[n] = '\0';
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !found; k++) {
		for (line = buf; line; line = next) {
			next = strchr(line, '\n');
			if (next)
				next++;
			t = dmesg_text(line);
			if (!strncmp(t, kinds[k], strlen(kinds[k])))
				found = line;
		}
	}
	if (!found)
		goto out_free;
	/* the CPU line after it, else the last one before it */
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;
		if (!strncmp(dmesg_text(line), "CPU: ", 5)) {
			cpu_line = line;
			if (line > found)
				break;
		}
	}
	t = dmesg_text(found);
	n = (ssize_t)strcspn(t, "\n");
	snprintf(pi->line, sizeof(pi->line), "%.*s", (int)n, t);
	if (cpu_line &&
	    sscanf(dmesg_text(cpu_line), "CPU: %d PID: %d Comm: %63s", &pi->cpu, &pi->pid,
		   pi->task) != 3) {
		pi->task[0] = '\0';
		pi->pid = pi->cpu = -1;
	}
out_free:
	free(buf);
out_close:
	close(fd);
}

static long long file_size(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, 0) == 0 ? (long long)st.st_size : -1;
}

const char *report_dir_status(int dirfd)
{
	if (file_size(dirfd, "vmcore") >= 0 || file_size(dirfd, "vmcore.flat") >= 0)
		return "complete";
	if (file_size(dirfd, "vmcore-incomplete") >= 0)
		return "incomplete";
	return "failed";
}

static int report_commit(int dirfd, const struct jbuf *j)
{
	int fd, ret = 0;

	unlinkat(dirfd, REPORT_TMP, 0);
	fd = dumpdir_open_new(dirfd, REPORT_TMP);
	if (fd < 0)
		return fd;
	if (write(fd, j->buf, j->pos) != (ssize_t)j->pos)
		ret = -EIO;
	if (!ret)
		ret = dumpdir_commit(dirfd, fd, REPORT_TMP, REPORT_NAME);
	close(fd);
	if (ret < 0)
		unlinkat(dirfd, REPORT_TMP, 0);	/* a full disk: no half report */
	return ret;
}

static void report_common(struct jbuf *j, int dirfd, const char *status)
{
	struct panic_info pi;
	char when[40] = "";
	struct tm tm;
	time_t t;

	panic_from_dmesg(dirfd, &pi);
	j->first = 1;
	j->pos = 0;
	jnum(j, "kcap_report", 1);
	jstr(j, "status", status);
	jstr(j, "kernel_release", rs.release);
	jstr(j, "host", rs.host);
	if (rs.crash_time > 0) {
		t = (time_t)rs.crash_time;
		if (gmtime_r(&t, &tm))	/* else past year 2^31: "" */
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	jstr(j, "crash_time", when);
	jstr(j, "panic", pi.line);
	jstr(j, "task", pi.task);
	jnum(j, "pid", pi.pid);
	jnum(j, "cpu", pi.cpu);
	jstr(j, "format", rs.format);
	jnum(j, "dump_level", rs.level);
	jnum(j, "memory_bytes", (long long)rs.mem_bytes);
	jnum(j, "vmcore_bytes", file_size(dirfd, !strcmp(status, "complete") ? "vmcore" :
					  "vmcore-incomplete"));
	jnum(j, "dmesg_bytes", file_size(dirfd, "vmcore-dmesg.txt"));
}

void report_write(int dirfd, const char *target)
{
	static struct jbuf j;
	const char *status;
	double t1;
	int ret;

	if (!rs.begun || dirfd < 0)
		return;
	status = report_dir_status(dirfd);
	t1 = now_s();
	report_common(&j, dirfd, status);
	jnum(&j, "dump_level_used", rs.dumped ? rs.level_used : -1);
	jnum(&j, "pages_present", (long long)rs.pages_present);
	jnum(&j, "pages_dumped", (long long)rs.pages_dumped);
	jnum(&j, "pages_excluded", (long long)rs.pages_excluded);
	/* phases: capture kernel boot up to the collector, device and
	 * dmesg and size estimate, the vmcore, all of it */
	jsecs(&j, "t_boot_s", rs.up0);
	jsecs(&j, "t_prepare_s", rs.dumped ? rs.t_dump_end - rs.dump_ms / 1000.0 - rs.t0 : -1);
	jsecs(&j, "t_vmcore_s", rs.dumped ? rs.dump_ms / 1000.0 : -1);
	jsecs(&j, "t_total_s", t1 - rs.t0);
	jsecs(&j, "t_since_boot_s", in_capture_kernel() ? uptime_s() : -1);
	jstr(&j, "target", target);
	jstr(&j, "written_by", in_capture_kernel() ? "capture kernel" : "kcap save");
	jstr(&j, "kcap_version", KCAP_VERSION);
	jraw(&j, "\n}\n");
	ret = report_commit(dirfd, &j);
	if (ret < 0)
		log_errno(ret, "report.json (ignored)");
	else
		log_info("report.json: %s, %zu bytes", status, j.pos);
}

/* kcap report --write: a report for a dump that got into dirfd without the
 * capture kernel's (kcap savecore from a raw target). */
int report_write_as(int dirfd, const char *written_by)
{
	static struct jbuf j;

	report_common(&j, dirfd, report_dir_status(dirfd));
	jstr(&j, "written_by", written_by);
	jstr(&j, "kcap_version", KCAP_VERSION);
	jraw(&j, "\n}\n");
	return report_commit(dirfd, &j);
}
