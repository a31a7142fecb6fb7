// SPDX-License-Identifier: GPL-2.0-or-later
/* Progress lines on the console while the dump is written. */
#include <stdio.h>

#include "dump_write.h"
#include "log.h"
#include "progress.h"

#define MB	(1024 * 1024)

void progress_init(struct progress *p, const char *what, uint64_t page_size)
{
	p->what = what;
	p->page_size = page_size;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last_ms = 0;
	p->phase = 0;
	p->phase_ms = 0;
}

long progress_elapsed_ms(const struct progress *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - p->start.tv_sec) * 1000L +
	       (now.tv_nsec - p->start.tv_nsec) / 1000000L;
}

void progress_format(char *buf, size_t len, const char *what, uint64_t done_bytes,
		     uint64_t total_bytes, long elapsed_ms)
{
	uint64_t rate = 0, eta;
	unsigned int pct = 0;

	if (total_bytes)
		pct = (unsigned int)(done_bytes * 100 / total_bytes);
	if (elapsed_ms > 0)
		rate = done_bytes * 1000 / (uint64_t)elapsed_ms;	/* bytes/s */
	if (!rate || done_bytes >= total_bytes) {
		snprintf(buf, len, "%s: %u%% %llu/%llu MB", what, pct,
			 (unsigned long long)(done_bytes / MB),
			 (unsigned long long)(total_bytes / MB));
		return;
	}
	eta = (total_bytes - done_bytes + rate - 1) / rate;
	snprintf(buf, len, "%s: %u%% %llu/%llu MB %llu MB/s ETA %llu s", what, pct,
		 (unsigned long long)(done_bytes / MB),
		 (unsigned long long)(total_bytes / MB),
		 (unsigned long long)(rate / MB), (unsigned long long)eta);
}

void progress_update(void *arg, int phase, uint64_t done, uint64_t total)
{
	struct progress *p = arg;
	char what[64], line[160];
	long now = progress_elapsed_ms(p);

	if (phase != p->phase) {
		p->phase = phase;
		p->phase_ms = now;
	}
	if (now - p->last_ms < PROGRESS_INTERVAL_MS)
		return;
	p->last_ms = now;
	snprintf(what, sizeof(what), "%s%s", p->what,
		 phase == DUMPFILE_FILTERING ? ": filtering" : "");
	progress_format(line, sizeof(line), what, done * p->page_size,
			total * p->page_size, now - p->phase_ms);
	log_info("%s", line);
}
