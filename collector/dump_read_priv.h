/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DUMP_PRIV_H
#define KCAP_DUMP_PRIV_H

/*
 * Shared by the memory-image readers only (dump.c, dump_elf.c,
 * dump_kdump.c, dump_flat.c, vmcoreinfo.c, and dmesg.c for the identity
 * a kdump header carries). Everything else uses dump.h.
 */
#include <stddef.h>
#include <stdint.h>

#include "dump_read.h"

#define DUMP_PCACHE_PAGES	16	/* pages kept for small reads (page tables) */
#define DUMP_TLB_ENTRIES	8	/* recent translations */
#define DUMP_RA_MAX		(1024 * 1024)	/* read-ahead window, bytes */

/*
 * Sequential read-ahead over the container: a run of reads at increasing
 * offsets is served from one buffer filled by a few large preads (the
 * window doubles up to DUMP_RA_MAX); a read elsewhere costs one pread of
 * its own size and resets the window. This is what keeps a pass over the
 * pages in pfn order at a few large reads instead of one syscall a page.
 */
struct dump_ra {
	char *buf;
	uint64_t off;		/* container offset of buf[0] */
	size_t len;		/* valid bytes in buf */
	uint64_t next;		/* offset just after the previous read */
	size_t win;		/* current window */
};

struct dump_internal {
	/* container reads: NULL means pread(2) on d->fd */
	int (*pread)(struct dump *d, void *buf, size_t len, uint64_t off);
	void *flat;			/* dump_flat.c's record index */
	void (*flat_release)(struct dump *d);
	int flat_truncated;		/* the stream has no end record */
	uint64_t flat_stored;		/* bytes the stream's records hold */

	/* VMCOREINFO with each '\n' turned into NUL, for the look-ups */
	char *vi_lines;
	size_t vi_len;

	/* format hooks (optional) */
	int (*pfn_present)(struct dump *d, uint64_t pfn);
	int (*count_pages)(struct dump *d, uint64_t *exist, uint64_t *present);
	int (*check)(struct dump *d, char *why, size_t whylen);

	int last_range;			/* dump_range_find() memo */

	/* page cache for dump_read_phys(): page tables, small structures */
	uint64_t pc_pfn[DUMP_PCACHE_PAGES];
	int pc_ret[DUMP_PCACHE_PAGES];
	char *pc_data;
	unsigned int pc_used, pc_next;

	/* recent virtual -> physical translations (page-table walks) */
	struct {
		uint64_t va;		/* start of the mapping, aligned */
		uint64_t pa;
		uint64_t size;		/* 4K, 2M or 1G; 0 = unused */
	} tlb[DUMP_TLB_ENTRIES];
	unsigned int tlb_next;

	uint64_t kernel_image_size;	/* NUMBER(KERNEL_IMAGE_SIZE) or 512M */
	uint64_t sme_mask;		/* NUMBER(sme_mask): AMD memory encryption bit */
	int have_page_offset;

	/* identity from a kdump header (utsname, timestamp), if any */
	char hdr_nodename[65];
	char hdr_release[65];
	long long hdr_time;
};

/* Whole read or an error: -EIO, or -ENODATA when the container ends early. */
int dump_pread(struct dump *d, void *buf, size_t len, uint64_t off);
/* The same through a read-ahead buffer (sequential passes). */
int dump_ra_read(struct dump *d, struct dump_ra *ra, void *buf, size_t len,
		 uint64_t off);
void dump_ra_free(struct dump_ra *ra);

/* Index of the range holding paddr, or -1. */
int dump_range_find(struct dump *d, uint64_t paddr);
/* Sort d->ranges by paddr and remove overlaps (first, largest wins). */
int dump_ranges_normalise(struct dump *d);

/* Copy the VMCOREINFO text into d (d->vmcoreinfo and the look-up copy). */
int dump_set_vmcoreinfo(struct dump *d, const char *text, size_t len);
/*
 * Keep a copy of the ELF notes in d->notes, count NT_PRSTATUS in
 * d->nr_cpus and take VMCOREINFO from them unless d already has it.
 */
int dump_set_notes(struct dump *d, const void *notes, size_t len);

/*
 * Page decompressors for kdump files (dump_unpack.c): *outlen is the room
 * in out on entry, the bytes produced on return. -EUCLEAN for bad input.
 */
int dump_unlzo(const unsigned char *in, size_t inlen, unsigned char *out,
	       size_t *outlen);
int dump_unsnappy(const unsigned char *in, size_t inlen, unsigned char *out,
		  size_t *outlen);

/* Address translation from VMCOREINFO (dump_read.c), for dump_open_fd(). */
int dump_setup_x86_64(struct dump *d);

/* Readers: called by dump_open_fd() with d->fd, d->in and file_size set. */
int dump_elf_open(struct dump *d);
int dump_kdump_open(struct dump *d);
/* Flat: builds the index and installs in->pread; then detection re-runs. */
int dump_flat_open(struct dump *d);

#endif
