// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump-compressed ("KDUMP   ", header version 6) writer, the format of
 * makedumpfile -c/-l and of crash's diskdump.c:
 *
 *   block 0            struct disk_dump_header
 *   block 1..          struct kdump_sub_header, then a copy of the ELF
 *                      notes (VMCOREINFO is found inside them)
 *   1 + sub_hdr_size   1st bitmap (pages that exist), 2nd bitmap (pages
 *                      dumped), each bitmap_blocks / 2 blocks
 *   then               one struct page_desc per set bit of the 2nd bitmap
 *   then               page data: the shared zero page first, then each
 *                      page zlib- (-c) or LZO1X-1- (-l) compressed
 *                      when that makes it smaller
 *
 * One pass over the pages: the 2nd bitmap comes from the page filter
 * before any data is read, zero pages keep their bit and point at the one
 * stored zero page, so the descriptor count is known up front.
 * While writing (seekable output) the header says "incomplete"; the last
 * write clears that. Flattened output writes the header once, final:
 * crash reading a flat file directly cannot tell two records for the
 * same offset apart, and a cut stream lacks the end marker anyway.
 */
#define _GNU_SOURCE		/* fallocate() */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef KCAP_LIBDEFLATE
#include <libdeflate.h>
#endif
#ifdef KCAP_WITH_LZO
#include <lzo/lzo1x.h>
#endif

#include "checked.h"
#include "dump_write_priv.h"
#include "fmt_kdump.h"
#include "log.h"

#define DESC_CACHE	(64 * 1024)
#define DATA_CACHE	(1024 * 1024)

/* Find the VMCOREINFO note's descriptor in the notes: offset or -1. */
static long find_vmcoreinfo(const unsigned char *n, size_t len, size_t *size)
{
	size_t off = 0;

	while (off + 12 <= len) {
		uint32_t namesz, descsz;
		uint64_t name, desc, next;

		memcpy(&namesz, n + off, 4);
		memcpy(&descsz, n + off + 4, 4);
		name = off + 12;
		/* padded in 64 bits: (namesz + 3) & ~3 wraps to 0 in 32 */
		if (checked_add(name, ((uint64_t)namesz + 3) & ~3ULL, &desc) ||
		    checked_add(desc, ((uint64_t)descsz + 3) & ~3ULL, &next) ||
		    desc > len || next > len || next <= off)
			return -1;
		if (namesz >= 10 && !memcmp(n + name, "VMCOREINFO", 10) &&
		    (namesz == 10 || n[name + 10] == 0)) {
			*size = descsz;
			return (long)desc;
		}
		off = next;
	}
	return -1;
}

/* struct new_utsname of the crashed kernel, or a plausible stand-in. */
static void get_utsname(struct dump *d, char uts[6][65])
{
	uint64_t sym, off = 0;
	const char *rel;

	memset(uts, 0, 6 * 65);
	if (!vmcoreinfo_symbol(d, "init_uts_ns", &sym)) {
		if (vmcoreinfo_offset(d, "uts_namespace.name", &off))
			off = 4;	/* struct kref before name, older kernels */
		if (!dump_read_virt(d, sym + off, uts, 6 * 65) &&
		    !memcmp(uts[0], "Linux", 6)) {
			int i;

			for (i = 0; i < 6; i++)
				uts[i][64] = 0;
			return;
		}
	}
	memset(uts, 0, 6 * 65);
	strcpy(uts[0], "Linux");
	rel = vmcoreinfo_str(d, "OSRELEASE");
	if (rel)
		strncpy(uts[2], rel, 64);
	strcpy(uts[4], "x86_64");
}

struct kw {
	struct df_job *j;
	struct df_sink *s;
	struct df_cache data;
	unsigned char *descs;		/* descriptor cache */
	size_t ndesc, desc_cap;
	uint64_t desc_off;		/* file offset of descs[0] */
	z_stream z;
	int zinit;
#ifdef KCAP_LIBDEFLATE
	struct libdeflate_compressor *ld;
#endif
#ifdef KCAP_WITH_LZO
	void *lzowrk;			/* LZO1X_1_MEM_COMPRESS bytes */
#endif
	unsigned int comp;		/* DH_COMPRESSED_ZLIB/LZO for pages, or 0 */
	unsigned char *zbuf;		/* ZBUF_SIZE(page size) */
	uint64_t bad;			/* pages the source could not give */
};

/*
 * The compressed page buffer: zlib is told to stop at one byte less than
 * a page, LZO1X-1 cannot be and writes at most this much (lzo's own
 * bound for incompressible input, as makedumpfile sizes it).
 */
#define ZBUF_SIZE(ps)		((ps) + (ps) / 16 + 64 + 3)

/* Descriptors reach the file only after the data they point at. */
static int flush_descs(struct kw *w)
{
	int ret;

	if (!w->ndesc)
		return 0;
	ret = df_cache_flush(&w->data);
	if (ret)
		return ret;
	ret = df_sink_write(w->s, w->desc_off, w->descs, w->ndesc * sizeof(struct page_desc));
	if (ret)
		return ret;
	w->desc_off += w->ndesc * sizeof(struct page_desc);
	w->ndesc = 0;
	return 0;
}

static int put_desc(struct kw *w, int64_t offset, uint32_t size, uint32_t flags)
{
	struct page_desc pd = { .offset = offset, .size = size, .flags = flags };

	memcpy(w->descs + w->ndesc * sizeof(pd), &pd, sizeof(pd));
	if (++w->ndesc == w->desc_cap)
		return flush_descs(w);
	return 0;
}

/* After a failed write: save the descriptors whose data is on disk. */
static void salvage_descs(struct kw *w)
{
	size_t i;

	for (i = 0; i < w->ndesc; i++) {
		struct page_desc pd;

		memcpy(&pd, w->descs + i * sizeof(pd), sizeof(pd));
		if ((uint64_t)pd.offset + pd.size > w->data.durable)
			break;
	}
	if (i)
		df_sink_write(w->s, w->desc_off, w->descs, i * sizeof(struct page_desc));
}

/*
 * One page as a zlib stream (what crash's and makedumpfile's uncompress()
 * read) into w->zbuf: its size, or 0 when it would not be smaller.
 * libdeflate, when built in, is about twice as fast as zlib at level 1
 * for a similar size.
 */
static size_t zpage(struct kw *w, const unsigned char *page, uint64_t ps)
{
#ifdef KCAP_LIBDEFLATE
	return libdeflate_zlib_compress(w->ld, page, ps, w->zbuf, ps - 1);
#else
	deflateReset(&w->z);
	w->z.next_in = (unsigned char *)page;
	w->z.avail_in = (uInt)ps;
	w->z.next_out = w->zbuf;
	w->z.avail_out = (uInt)(ps - 1);	/* only if smaller */
	if (deflate(&w->z, Z_FINISH) != Z_STREAM_END)
		return 0;
	return w->z.total_out;
#endif
}

#ifdef KCAP_WITH_LZO
/*
 * One page as LZO1X-1, lzo1x_1_compress() like makedumpfile -l (what
 * crash's and makedumpfile's lzo1x_decompress_safe() read): its size, or 0
 * when it would not be smaller. LZO has no output limit: it may write up
 * to ZBUF_SIZE() before it can tell.
 */
static size_t lzopage(struct kw *w, const unsigned char *page, uint64_t ps)
{
	lzo_uint n = 0;

	if (lzo1x_1_compress(page, ps, w->zbuf, &n, w->lzowrk) != LZO_E_OK || n >= ps)
		return 0;
	return n;
}
#endif

static int put_page(struct kw *w, const unsigned char *page, uint64_t ps,
		    const struct page_desc *zero)
{
	uint64_t at = df_cache_pos(&w->data);
	int ret;

	if (df_page_is_zero(page, ps)) {
		w->j->st->pages_zero++;
		return put_desc(w, zero->offset, zero->size, zero->flags);
	}
	if (w->comp) {
		size_t n;

#ifdef KCAP_WITH_LZO
		if (w->comp == DH_COMPRESSED_LZO)
			n = lzopage(w, page, ps);
		else
#endif
			n = zpage(w, page, ps);
		if (n) {
			ret = df_cache_put(&w->data, w->zbuf, n);
			if (ret)
				return ret;
			return put_desc(w, (int64_t)at, (uint32_t)n, w->comp);
		}
	}
	ret = df_cache_put(&w->data, page, ps);
	if (ret)
		return ret;
	return put_desc(w, (int64_t)at, (uint32_t)ps, 0);
}

/* The pages of one run of set bits, [pfn, end). */
static int write_run(struct kw *w, struct df_src *src, uint64_t pfn, uint64_t end,
		     const struct page_desc *zero)
{
	struct df_job *j = w->j;
	uint64_t ps = j->d->page_size;
	const unsigned char *data;
	long m, k;
	int ret;

	while (pfn < end) {
		m = df_src_pages(src, pfn, end - pfn, &data);
		if (m == -ENOMEM)
			return (int)m;
		if (m < 0) {
			/* one page at a time, to lose only the bad ones */
			m = df_src_pages(src, pfn, 1, &data);
			if (m < 0) {
				if (!w->bad++)
					log_errno((int)-m, "kdump: cannot read pfn 0x%llx: marked not dumped",
						  (unsigned long long)pfn);
				ret = put_desc(w, 0, 0, 0);
				if (ret)
					return ret;
				pfn++;
				continue;
			}
		}
		for (k = 0; k < m; k++) {
			ret = put_page(w, data + (uint64_t)k * ps, ps, zero);
			if (ret)
				return ret;
		}
		pfn += (uint64_t)m;
		j->st->pages_dumped += (uint64_t)m;
		df_progress(j, j->st->pages_dumped);
	}
	return 0;
}

/*
 * Seekable output: allocate the page descriptor table before the data
 * comes, or a disk that fills up with data has no room left for the
 * descriptors of the pages it did take.
 */
static int reserve(struct df_sink *s, uint64_t off, uint64_t len)
{
	unsigned char *zero;
	struct stat st;
	int ret = 0;

	if (!len || (fstat(s->fd, &st) == 0 && S_ISBLK(st.st_mode)))
		return 0;
	if (fallocate(s->fd, 0, s->base + (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno == ENOSPC)
		return -ENOSPC;
	zero = calloc(1, DATA_CACHE);	/* no fallocate here (NFS): zeros */
	if (!zero)
		return -ENOMEM;
	while (len && !ret) {
		size_t n = len < DATA_CACHE ? (size_t)len : DATA_CACHE;

		ret = df_sink_write(s, off, zero, n);
		off += n;
		len -= n;
	}
	free(zero);
	return ret;
}

uint64_t dumpfile_kdump_overhead(struct df_job *j)
{
	struct dump *d = j->d;
	uint64_t ps = d->page_size;
	uint64_t sub = (sizeof(struct kdump_sub_header) + d->notes_len +
			d->vmcoreinfo_len + ps - 1) / ps;
	uint64_t half = ((d->max_pfn + 7) / 8 + ps - 1) / ps;

	return (1 + sub + 2 * half) * ps + j->f->nr_keep * sizeof(struct page_desc) + ps;
}

int dumpfile_kdump_write(struct df_job *j, struct df_sink *s)
{
	struct dump *d = j->d;
	const struct dumpfile_opts *o = j->o;
	uint64_t ps = d->page_size, max_pfn = d->max_pfn;
	uint64_t half, sub_blocks, sub_len, bm1_off, table_off, data_off, pfn;
	struct kdump_header h;
	struct kdump_sub_header kh;
	struct page_desc zero = { 0 };
	struct df_src src;
	struct kw w;
	unsigned char *blk = NULL, *bm = NULL;
	size_t vi_size = 0, vi_extra = 0;
	long vi_off;
	int ret, i;

	memset(&w, 0, sizeof(w));
	w.j = j;
	w.s = s;

	/* layout */
	vi_off = d->notes ? find_vmcoreinfo(d->notes, d->notes_len, &vi_size) : -1;
	if (vi_off < 0 && d->vmcoreinfo)
		vi_extra = d->vmcoreinfo_len;	/* no note to point into: own copy */
	sub_len = sizeof(kh) + d->notes_len + vi_extra;
	sub_blocks = (sub_len + ps - 1) / ps;
	half = ((max_pfn + 7) / 8 + ps - 1) / ps;	/* blocks per bitmap */
	bm1_off = (1 + sub_blocks) * ps;
	table_off = bm1_off + 2 * half * ps;
	data_off = table_off + j->f->nr_keep * sizeof(struct page_desc);
	if (sub_blocks > INT32_MAX || 2 * half > UINT32_MAX)
		return -EFBIG;

	memset(&h, 0, sizeof(h));
	memcpy(h.signature, KDUMP_SIGNATURE, 8);
	h.header_version = KDUMP_HEADER_VERSION;
	get_utsname(d, h.utsname);
	if (vmcoreinfo_str(d, "CRASHTIME"))	/* what makedumpfile puts there */
		h.tv_sec = strtoll(vmcoreinfo_str(d, "CRASHTIME"), NULL, 10);
	/* the page compression, and the same flag in the header, as makedumpfile */
	w.comp = o->compress ? DH_COMPRESSED_ZLIB : 0;
#ifdef KCAP_WITH_LZO
	if (o->compress & DUMP_COMP_LZO)
		w.comp = DH_COMPRESSED_LZO;
#endif
	h.status = w.comp;
	h.block_size = (int32_t)ps;
	h.sub_hdr_size = (int32_t)sub_blocks;
	h.bitmap_blocks = (uint32_t)(2 * half);
	h.max_mapnr = max_pfn > UINT32_MAX ? UINT32_MAX : (uint32_t)max_pfn;
	h.nr_cpus = d->nr_cpus > 0 ? d->nr_cpus : 1;

	memset(&kh, 0, sizeof(kh));
	kh.phys_base = d->phys_base;
	kh.dump_level = j->level;
	kh.max_mapnr_64 = max_pfn;
	if (d->notes_len) {
		kh.offset_note = (int64_t)(ps + sizeof(kh));
		kh.size_note = d->notes_len;
	}
	if (vi_off >= 0) {
		kh.offset_vmcoreinfo = kh.offset_note + vi_off;
		kh.size_vmcoreinfo = vi_size;
	} else if (vi_extra) {
		kh.offset_vmcoreinfo = (int64_t)(ps + sizeof(kh) + d->notes_len);
		kh.size_vmcoreinfo = vi_extra;
	}

	/* headers: seekable output says "incomplete" until the end */
	blk = calloc(1, ps > sizeof(h) ? ps : sizeof(h));
	if (!blk)
		return -ENOMEM;
	memcpy(blk, &h, sizeof(h));
	if (!s->flat)
		((struct kdump_header *)blk)->status |= DH_COMPRESSED_INCOMPLETE;
	ret = df_sink_write(s, 0, blk, ps);
	free(blk);
	if (ret)
		return ret;
	blk = calloc(1, sub_blocks * ps);
	if (!blk)
		return -ENOMEM;
	memcpy(blk, &kh, sizeof(kh));
	if (d->notes_len)
		memcpy(blk + sizeof(kh), d->notes, d->notes_len);
	if (vi_extra)
		memcpy(blk + sizeof(kh) + d->notes_len, d->vmcoreinfo, vi_extra);
	ret = df_sink_write(s, ps, blk, sub_blocks * ps);
	free(blk);
	if (ret)
		return ret;

	/* bitmaps: 1st = pages in the ranges, 2nd = the filter's */
	bm = calloc(half, ps);
	if (!bm)
		return -ENOMEM;
	for (i = 0; i < d->nr_ranges; i++) {
		const struct dump_range *r = &d->ranges[i];
		uint64_t e = (r->paddr + r->memsz + ps - 1) / ps;

		if (e > max_pfn)
			e = max_pfn;
		for (pfn = r->paddr / ps; pfn < e; pfn++)
			bm[pfn >> 3] |= (uint8_t)(1u << (pfn & 7));
	}
	ret = df_sink_write(s, bm1_off, bm, half * ps);
	if (!ret) {
		memset(bm, 0, half * ps);
		memcpy(bm, j->f->keep, j->f->bytes < half * ps ? j->f->bytes : half * ps);
		ret = df_sink_write(s, bm1_off + half * ps, bm, half * ps);
	}
	free(bm);
	if (!ret && !s->flat)
		ret = reserve(s, table_off, data_off - table_off);
	if (ret)
		return ret;

	/* pages */
	ret = df_src_init(&src, d);
	if (ret)
		goto out;
	w.desc_cap = DESC_CACHE / sizeof(struct page_desc);
	w.descs = malloc(DESC_CACHE);
	w.zbuf = malloc(ZBUF_SIZE(ps));
	ret = df_cache_init(&w.data, s, data_off, DATA_CACHE);
	if (ret || !w.descs || !w.zbuf) {
		ret = -ENOMEM;
		goto out;
	}
	w.desc_off = table_off;
#ifdef KCAP_WITH_LZO
	if (w.comp == DH_COMPRESSED_LZO) {
		/* lzo_init() checks that the library was built for this ABI */
		if (lzo_init() != LZO_E_OK) {
			ret = -ENOTSUP;
			goto out;
		}
		w.lzowrk = malloc(LZO1X_1_MEM_COMPRESS);
		if (!w.lzowrk) {
			ret = -ENOMEM;
			goto out;
		}
	}
#endif
	if (w.comp == DH_COMPRESSED_ZLIB) {
		/*
		 * Level 1, as makedumpfile -c (and -l in a build without
		 * LZO). zlib's default window and hash: smaller ones were
		 * measured slower (more hash collisions) and no smaller.
		 */
#ifdef KCAP_LIBDEFLATE
		w.ld = libdeflate_alloc_compressor(1);
		if (!w.ld) {
			ret = -ENOMEM;
			goto out;
		}
#else
		if (deflateInit2(&w.z, Z_BEST_SPEED, Z_DEFLATED, 15, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			ret = -ENOMEM;
			goto out;
		}
#endif
		w.zinit = 1;
	}

	zero.offset = (int64_t)data_off;
	zero.size = (uint32_t)ps;
	ret = df_cache_zero(&w.data, ps);
	for (pfn = 0; !ret; ) {
		uint64_t end;

		pfn = df_next_set(j->f->keep, pfn, max_pfn);
		if (pfn >= max_pfn)
			break;
		end = df_next_clear(j->f->keep, pfn, max_pfn);
		ret = write_run(&w, &src, pfn, end, &zero);
		pfn = end;
	}
	if (!ret)
		ret = flush_descs(&w);
	if (ret) {
		salvage_descs(&w);
		goto out;
	}

	if (w.bad)
		log_warnx("kdump: %llu pages could not be read: the dump says it is incomplete",
			  (unsigned long long)w.bad);
	if (!s->flat && !w.bad) {
		/* the data must be on disk before the header says so */
		if (fdatasync(s->fd) && errno != EINVAL && errno != EROFS) {
			ret = -errno;
			goto out;
		}
		ret = df_sink_write(s, 0, &h, sizeof(h));
	}
out:
#ifdef KCAP_LIBDEFLATE
	if (w.ld)
		libdeflate_free_compressor(w.ld);
#else
	if (w.zinit)
		deflateEnd(&w.z);
#endif
#ifdef KCAP_WITH_LZO
	free(w.lzowrk);
#endif
	df_cache_free(&w.data);
	free(w.descs);
	free(w.zbuf);
	df_src_free(&src);
	return ret;
}
