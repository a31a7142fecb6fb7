/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DUMPFILE_PRIV_H
#define KCAP_DUMPFILE_PRIV_H

/*
 * Shared by the writers only (dump_write.c, dump_write_plan.c,
 * dump_write_elf.c, dump_write_kdump.c, cmd_convert.c). Use dump_write.h
 * elsewhere.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dump_write.h"
#include "filter.h"

/* makedumpfile's flattened format */
#include "fmt_flat.h"

/*
 * Where the bytes go. Seekable: pwrite(fd, base + off). Flat: every write
 * becomes a {offset, size} record (big-endian) followed by its data, in
 * the order written, so a later write to the same offset wins when the
 * stream is rebuilt (we never do that: crash reading a flat file directly
 * cannot tell which of two records for one offset is the newer).
 */
struct df_sink {
	int fd;
	off_t base;
	int flat;
	uint64_t stream;	/* bytes written to fd */
	uint64_t size;		/* end of the furthest byte of the dump file */
	size_t done;		/* seekable: bytes of the last write that landed */
};

int df_sink_open(struct df_sink *s, int fd, off_t base, int flat);
int df_sink_write(struct df_sink *s, uint64_t off, const void *buf, size_t len);
/* Flat: the end marker. Seekable: nothing. */
int df_sink_close(struct df_sink *s);
/* No page filter could be built: the ELF source byte for byte (else why). */
int df_copy_unfiltered(struct dump *src, const struct dumpfile_opts *o, int fd,
		       off_t base, struct dumpfile_stats *st, int why);

/*
 * A sequential region of the dump file (page data, page descriptors)
 * collected into large writes. durable: end of what reached the sink.
 */
struct df_cache {
	struct df_sink *s;
	uint64_t off;		/* file offset of buf[0] */
	size_t len, cap;
	unsigned char *buf;
	uint64_t durable;
};

int df_cache_init(struct df_cache *c, struct df_sink *s, uint64_t off, size_t cap);
int df_cache_put(struct df_cache *c, const void *data, size_t len);
int df_cache_zero(struct df_cache *c, size_t len);
int df_cache_flush(struct df_cache *c);
void df_cache_free(struct df_cache *c);
static inline uint64_t df_cache_pos(const struct df_cache *c)
{
	return c->off + c->len;
}

/*
 * Page data of the source in large pieces: from an ELF source (vmcore)
 * straight from its ranges by mmap windows or large preads, otherwise
 * through dump_read_page().
 */
struct df_src {
	struct dump *d;
	int direct;		/* ELF ranges: mmap / pread on d->fd */
	int use_mmap;
	unsigned char *map;	/* current mmap window */
	uint64_t map_off;
	size_t map_len;
	unsigned char *buf;	/* bounce buffer, DF_SRC_PAGES pages */
	int ri;			/* range of the previous call */
};

#define DF_SRC_PAGES	256		/* 1 MiB with 4 KiB pages */
#define DF_MAP_WINDOW	(4u << 20)

int df_src_init(struct df_src *s, struct dump *d);
/*
 * Data of up to n pages from pfn (all of them in the source): returns how
 * many pages are at *data (>= 1), or -errno.
 */
long df_src_pages(struct df_src *s, uint64_t pfn, uint64_t n,
		  const unsigned char **data);
void df_src_free(struct df_src *s);

int df_page_is_zero(const unsigned char *p, size_t len);

/* What both writers get from dumpfile_write(). */
struct df_job {
	struct dump *d;
	const struct dumpfile_opts *o;
	struct filter_result *f;	/* keep bitmap */
	struct dumpfile_stats *st;
	int level;			/* as applied (f->level) */
	/* progress */
	uint64_t done, total;
	uint64_t next_tick_ns;
};

void df_progress(struct df_job *j, uint64_t done);

/* First pfn >= pfn (below end) whose keep bit is set, or end. */
uint64_t df_next_set(const uint8_t *bm, uint64_t pfn, uint64_t end);
/* First pfn >= pfn (below end) whose keep bit is clear, or end. */
uint64_t df_next_clear(const uint8_t *bm, uint64_t pfn, uint64_t end);

int dumpfile_elf_write(struct df_job *j, struct df_sink *s);
int dumpfile_kdump_write(struct df_job *j, struct df_sink *s);

/* Header size estimates for dumpfile_estimate(). */
uint64_t dumpfile_elf_overhead(struct df_job *j);
uint64_t dumpfile_kdump_overhead(struct df_job *j);

#endif
