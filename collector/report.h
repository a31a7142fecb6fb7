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

struct capture;
struct dumpfile_stats;

/* capture_open(): the crashed kernel, the format, the start time. */
void report_begin(const struct capture *cap);
/* capture_write_dump(): the result of the vmcore write, how long it took. */
void report_dump(int ret, const struct dumpfile_stats *st, long ms);
/* After the dump directory is done: writes dirfd/report.json (status from
 * the files present). target names where it went ("/dev/vda1"). */
void report_write(int dirfd, const char *target);

#endif
