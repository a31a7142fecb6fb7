// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap report [--json] DIR...: the dumps' report.json (report.h), a summary
 * line each or the JSON (what `kcapctl status` prints); --write makes one
 * for a dump copied out of a raw target by kcap savecore.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "report.h"
#include "save.h"

/* ---- kcap report ---- */

/* A value of our own format: the rest of the line after "key": , without a
 * trailing comma, quotes removed (escapes kept as written). */
static int report_get(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *s, *e;
	size_t n;

	snprintf(pat, sizeof(pat), "\n  \"%s\": ", key);
	s = strstr(json, pat);
	if (!s)
		return -ENOENT;
	s += strlen(pat);
	e = strchr(s, '\n');
	n = e ? (size_t)(e - s) : strlen(s);
	if (n && s[n - 1] == ',')
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return strcmp(out, "null") ? 0 : -ENOENT;
}

static int read_report(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, REPORT_NAME);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* One line per dump: what kcapctl status shows. */
static void print_summary(const char *dir, const char *json)
{
	char v[8][256];
	static const char *const keys[] = {
		"status", "crash_time", "kernel_release", "panic", "task", "vmcore_bytes",
		"format", "t_since_boot_s",
	};
	size_t i;

	for (i = 0; i < 8; i++)
		if (report_get(json, keys[i], v[i], sizeof(v[i])))
			snprintf(v[i], sizeof(v[i]), "?");
	printf("%s: %s, crashed %s, kernel %s, panic \"%s\" (task %s), vmcore %s bytes %s",
	       dir, v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
	if (strcmp(v[7], "?"))
		printf(", saved %s s after the capture kernel started", v[7]);
	printf("\n");
}

/* kcap report --write DIR: for a dump that got into DIR without the capture
 * kernel's report (kcap savecore from a raw target). */
static int report_for_dir(const char *dir)
{
	struct capture cap;
	struct kcap_conf conf;
	struct stat st;
	const char *dump;
	char path[PATH_MAX];
	int dirfd, ret;

	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		log_warn("%s", dir);
		return 1;
	}
	if (fstatat(dirfd, REPORT_NAME, &st, 0) == 0) {
		close(dirfd);
		return 0;
	}
	dump = !strcmp(report_dir_status(dirfd), "complete") ? "vmcore" : "vmcore-incomplete";
	snprintf(path, sizeof(path), "%s/%s", dir, dump);
	conf_init(&conf);
	report_reset();
	if (fstatat(dirfd, dump, &st, 0) == 0 && save_open(&cap, path, &conf) == 0) {
		/* the format is what the file is, not what a config asked */
		report_begin(&cap.id, dump_format_name(cap.dump.format), -1, cap.mem_bytes);
		save_close(&cap);
	}
	ret = report_write_as(dirfd, "kcap report --write");
	close(dirfd);
	if (ret < 0) {
		log_errno(ret, "%s/%s", dir, REPORT_NAME);
		return 1;
	}
	return 0;
}

static int report_usage(void)
{
	fprintf(stderr,
		"usage: kcap report [--json] DIR...    the dumps' report.json (a summary line each, or the JSON)\n"
		"       kcap report --write DIR...     write report.json for a dump that has none (from kcap savecore)\n");
	return 2;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "write", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char json[REPORT_MAX];
	int i, ret, opt, json_out = 0, write_mode = 0, nr = 0, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "jwh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json_out = 1;
			break;
		case 'w':
			write_mode = 1;
			break;
		case 'h':
			report_usage();
			return 0;
		default:
			return report_usage();
		}
	}
	i = optind;
	if (i >= argc)
		return report_usage();
	if (json_out)
		printf("[");
	for (; i < argc; i++) {
		if (write_mode) {
			status |= report_for_dir(argv[i]);
			continue;
		}
		ret = read_report(argv[i], json, sizeof(json));
		if (ret < 0) {
			fprintf(stderr, "kcap report: %s/%s: %s\n", argv[i], REPORT_NAME,
				strerror(-ret));
			status = 1;
			continue;
		}
		if (json_out) {
			size_t n = strlen(json);

			while (n && json[n - 1] == '\n')
				json[--n] = '\0';
			printf("%s\n%s", nr ? "," : "", json);
		} else {
			print_summary(argv[i], json);
		}
		nr++;
	}
	if (json_out)
		printf("%s]\n", nr ? "\n" : "");
	return status;
}
