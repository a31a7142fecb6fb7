/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_REPORT_H
#define KCAP_REPORT_H

/*
 * report.json: a small machine-readable record next to each dump, read by
 * `kcap report` and `kcapctl status`. Written last, under a temporary name,
 * then renamed: a report.json is always whole. Format, one key per line
 * (the reader in report.c relies on it, nothing else does):
 *
 *   {
 *     "kcap_report": 1,
 *     "status": "complete",            complete | incomplete | failed
 *     "kernel_release": "...", "host": "...", "crash_time": "...Z",
 *     "panic": "Kernel panic - not syncing: ...", "task": "sh", "pid": 1, "cpu": 0,
 *     "format": "...", "dump_level": 31, sizes, "t_*_s" timings,
 *     "target": "...", "written_by": "...", "kcap_version": "..."
 *   }
 *
 * Every hook is best effort: a report never costs the dump.
 */
#include <stdint.h>

struct dump_ident;
struct dumpfile_stats;

#define REPORT_NAME	"report.json"
#define REPORT_MAX	8192		/* a report is about 1 KiB */

/* save_open(): the crashed kernel, the format asked for, the start time. */
void report_begin(const struct dump_ident *id, const char *format, int level,
		  uint64_t mem_bytes);
/* Forget what report_begin() and report_dump() recorded. */
void report_reset(void);
/* capture_write_dump(): the result of the vmcore write, how long it took. */
void report_dump(int ret, const struct dumpfile_stats *st, long ms);
/* After the dump directory is done: writes dirfd/report.json (status from
 * the files present). target names where it went ("/dev/vda1"). */
void report_write(int dirfd, const char *target);
/* A report for a dump that got into dirfd another way (kcap savecore):
 * what report_begin() recorded, if anything. 0 or -errno. */
int report_write_as(int dirfd, const char *written_by);
/* "complete", "incomplete" or "failed", from the files in dirfd. */
const char *report_dir_status(int dirfd);

#endif
