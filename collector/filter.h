/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FILTER_H
#define KCAP_FILTER_H

/*
 * Page selection by dump level (makedumpfile's -d), decided per struct
 * page from the crashed kernel's mem_map:
 *    1  zero pages            (needs the page data: decided by the writers)
 *    2  page cache, not private
 *    4  page cache, private too
 *    8  user (anonymous) pages and hugetlbfs pages
 *   16  free pages (buddy allocator)
 * Kernel pages (slab, page tables, mem_map itself, ...) are never left out.
 */
#include <stdint.h>

#include "dump_read.h"

#define FILTER_ZERO		0x01
#define FILTER_CACHE		0x02
#define FILTER_CACHE_PRIVATE	0x04
#define FILTER_USER		0x08
#define FILTER_FREE		0x10

struct filter_result {
	/*
	 * One bit per pfn below max_pfn, LSB first in each byte (the layout
	 * of the kdump-compressed bitmaps): set = the page exists, is stored
	 * in the source and the level keeps it.
	 */
	uint8_t *keep;
	uint64_t max_pfn;
	uint64_t bytes;		/* size of keep[], a multiple of 8 */
	uint64_t nr_keep;	/* bits set */
	uint64_t nr_exist;	/* pages the source describes (its ranges) */
	int level;		/* level applied: may lack bits of the one asked */
	/* pages left out, by reason */
	uint64_t excl_cache, excl_cache_private, excl_user, excl_free;
	uint64_t excl_hwpoison, excl_offline;
};

/*
 * Build the bitmap for a dump level. When VMCOREINFO lacks something a
 * level bit needs, that bit is dropped (one log_warnx naming the missing
 * entry) and r->level says what was applied; unreadable parts of mem_map
 * keep their pages. progress (may be NULL) is called for every chunk of
 * mem_map with the pfn reached of max_pfn, and with (max_pfn, max_pfn) at
 * the end. Returns 0 or -errno (-ENOMEM).
 */
int filter_build(struct dump *d, int level, struct filter_result *r,
		 void (*progress)(void *arg, uint64_t done, uint64_t total), void *progress_arg);
void filter_free(struct filter_result *r);

static inline int filter_test(const uint8_t *bm, uint64_t pfn)
{
	return (bm[pfn >> 3] >> (pfn & 7)) & 1;
}

static inline void filter_clear(uint8_t *bm, uint64_t pfn)
{
	bm[pfn >> 3] &= (uint8_t)~(1u << (pfn & 7));
}

/* Number of set bits in bm[0..bytes). */
uint64_t filter_count(const uint8_t *bm, uint64_t bytes);

#endif
