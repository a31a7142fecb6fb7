/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DUMPFILE_H
#define KCAP_DUMPFILE_H

/*
 * Writing a dump file from a struct dump: kdump-compressed (makedumpfile
 * -c/-l), ELF (-E), either of them flattened (-F) for targets that cannot
 * seek. Page selection by dump level (-d) comes from filter.c.
 */
#include <stdint.h>
#include <sys/types.h>

#include "dump_read.h"
#include "filter.h"

#define DUMPFILE_FILTERING	1
#define DUMPFILE_WRITING	2

struct dumpfile_opts {
	enum dump_format format;	/* DUMP_FMT_KDUMP or DUMP_FMT_ELF (flattened: flat) */
	int flat;			/* 1: flattened stream (sequential writes only) */
	unsigned int compress;		/* DUMP_COMP_ZLIB, DUMP_COMP_LZO (if built), 0 */
	int dump_level;			/* 0..31 */
	/*
	 * Called every few hundred ms (every chunk of mem_map while filtering)
	 * with the phase and pages done / pages to do: DUMPFILE_FILTERING
	 * counts pfns of mem_map scanned of max_pfn (by dumpfile_estimate(),
	 * or by dumpfile_write() when no estimate came first), DUMPFILE_WRITING
	 * pages written of pages kept.
	 */
	void (*progress)(void *arg, int phase, uint64_t done, uint64_t total);
	void *progress_arg;
};

struct dumpfile_stats {
	uint64_t pages_present;		/* pages of memory in the source */
	uint64_t pages_dumped;		/* pages written (incl. shared zero pages) */
	uint64_t pages_excluded;	/* left out by the dump level */
	uint64_t pages_zero;		/* zero pages seen among the kept ones */
	uint64_t bytes_written;		/* size of the output */
	int level_used;			/* may be lower than asked (missing VMCOREINFO) */
};

/*
 * The pages a dump level keeps (filter.c's bitmap): worked out by
 * dumpfile_estimate() and used again by a dumpfile_write() of the same
 * dump and level, so that mem_map is read once. Owned by the caller:
 * init, hand it to both, free (dump_write_plan.c).
 */
struct dump_write_plan {
	int valid;
	const struct dump *d;
	int level;
	struct filter_result f;
};
void dump_write_plan_init(struct dump_write_plan *p);
void dump_write_plan_free(struct dump_write_plan *p);

/*
 * Size bounds for the free-space check, before writing: *max is the size
 * with no compression of the pages the level keeps (plus headers);
 * *expected a realistic guess for the chosen compression. Keeps the page
 * selection in plan (may be NULL).
 */
int dumpfile_estimate(struct dump *src, const struct dumpfile_opts *o,
		      struct dump_write_plan *plan, uint64_t *max, uint64_t *expected);

/*
 * Write the dump to fd. Non-flat output is written with pwrite() at
 * offsets relative to base (a raw partition leaves room for its header);
 * flat output is written sequentially from the current position. The
 * output says "incomplete" until the last byte is written and the header
 * is finalised; on error the caller gets -errno and a file that says it
 * is incomplete. plan (may be NULL): what dumpfile_estimate() kept; it is
 * used up.
 */
int dumpfile_write(struct dump *src, const struct dumpfile_opts *o,
		   struct dump_write_plan *plan, int fd, off_t base, struct dumpfile_stats *st);

#endif
