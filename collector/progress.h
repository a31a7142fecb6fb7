/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_PROGRESS_H
#define KCAP_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * "kcap: vmcore: 45% 412/914 MB 61 MB/s ETA 8 s" every PROGRESS_INTERVAL_MS,
 * so whoever watches a serial console knows the capture is alive; before
 * that, while mem_map is read for the dump level, "kcap: vmcore: filtering:
 * 30% 77/256 MB ..." (memory whose struct pages were scanned).
 * Amounts are memory of the crashed kernel processed (pages * page size);
 * rate and ETA are of the current phase.
 */
#define PROGRESS_INTERVAL_MS	3000

struct progress {
	const char *what;		/* "vmcore" */
	uint64_t page_size;
	struct timespec start;
	long last_ms;			/* when the last line was printed */
	int phase;			/* DUMPFILE_FILTERING, DUMPFILE_WRITING; 0 */
	long phase_ms;			/* when that phase began */
};

void progress_init(struct progress *p, const char *what, uint64_t page_size);
/* Matches dumpfile_opts.progress: arg is a struct progress. */
void progress_update(void *arg, int phase, uint64_t done, uint64_t total);
/* Milliseconds since progress_init(). */
long progress_elapsed_ms(const struct progress *p);
/* The line without "kcap: ", for tests. */
void progress_format(char *buf, size_t len, const char *what, uint64_t done_bytes,
		     uint64_t total_bytes, long elapsed_ms);

#endif
