// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump-compressed files ("KDUMP   ", makedumpfile -c/-l/-p/-z and ours).
 *
 *   block 0      struct disk_dump_header (utsname, timestamp, status, ...)
 *   block 1..    struct kdump_sub_header (phys_base, dump_level, split pfn
 *                range, offsets of the VMCOREINFO and ELF note copies)
 *   then         1st bitmap (pages that exist), 2nd bitmap (pages dumped),
 *                bitmap_blocks blocks for the two together
 *   then         struct page_desc {offset, size, flags, page_flags}, one
 *                per set bit of the 2nd bitmap, in pfn order
 *   then         page data, each page compressed only if that made it
 *                smaller (flags say how); zero pages share one copy.
 *
 * The layouts are makedumpfile's diskdump_mod.h on x86_64 (LP64). The
 * descriptor of a pfn is found by counting the set bits of the 2nd bitmap
 * below it: a table of running counts per 512 pfns makes that a few
 * popcounts. Descriptors are read in blocks, page data with read-ahead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "checked.h"
#include "dump_read.h"
#include "dump_read_priv.h"
#include "fmt_kdump.h"

#define DH_COMPRESSED_MASK	(DUMP_COMP_ZLIB | DUMP_COMP_LZO | \
				 DUMP_COMP_SNAPPY | DUMP_COMP_ZSTD)

#define DESC_BLOCK		512	/* descriptors read at a time */
#define RANK_BITS		512	/* pfns per running count */
#define MAX_META		(64 << 20)	/* VMCOREINFO / notes copies */

struct kdump_desc {			/* a page_desc (fmt_kdump.h), decoded */
	uint64_t offset;
	uint32_t size;
	uint32_t flags;
};

struct kdump_priv {
	uint64_t *bm1, *bm2;		/* bitmaps as little-endian words */
	uint64_t words;			/* words in each bitmap */
	uint64_t *rank;			/* set bits of bm2 below i * RANK_BITS */
	uint64_t desc_off;		/* file offset of the page_desc table */
	uint64_t ndesc;			/* descriptors in the table */
	uint64_t start_pfn, end_pfn;	/* pfns this file holds (split dumps) */
	uint64_t rank_base;		/* set bits below start_pfn */
	uint64_t total;			/* set bits in bm2 */

	char *dcache;			/* DESC_BLOCK descriptors */
	uint64_t dc_first, dc_count;

	struct dump_ra ra;
	unsigned char *cbuf;		/* compressed page */
	/* the one stored zero page, once seen: served without a read */
	uint64_t zero_off;
	int zero_known;

	z_stream z;
	int z_ready;
};

static uint32_t le32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static int test_bit(const uint64_t *bm, uint64_t words, uint64_t pfn)
{
	if (pfn / 64 >= words)
		return 0;
	return (bm[pfn / 64] >> (pfn % 64)) & 1;
}

/* Set bits of bm2 below pfn. */
static uint64_t rank2(const struct kdump_priv *k, uint64_t pfn)
{
	uint64_t w = pfn / 64, n, i;

	if (w >= k->words)
		return k->total;
	i = (pfn / RANK_BITS) * (RANK_BITS / 64);
	n = k->rank[pfn / RANK_BITS];
	for (; i < w; i++)
		n += (uint64_t)__builtin_popcountll(k->bm2[i]);
	if (pfn % 64)
		n += (uint64_t)__builtin_popcountll(k->bm2[w] &
						    ((1ULL << (pfn % 64)) - 1));
	return n;
}

static int build_rank(struct kdump_priv *k)
{
	uint64_t blocks = (k->words * 64 + RANK_BITS - 1) / RANK_BITS, i, n = 0;

	k->rank = malloc((blocks + 1) * sizeof(*k->rank));
	if (!k->rank)
		return -ENOMEM;
	for (i = 0; i < k->words; i++) {
		if (i % (RANK_BITS / 64) == 0)
			k->rank[i / (RANK_BITS / 64)] = n;
		n += (uint64_t)__builtin_popcountll(k->bm2[i]);
	}
	/* words is a multiple of RANK_BITS / 64 only by luck: fill the end */
	for (i = (k->words + RANK_BITS / 64 - 1) / (RANK_BITS / 64); i <= blocks; i++)
		k->rank[i] = n;
	k->total = n;
	return 0;
}

static int get_desc(struct dump *d, uint64_t idx, struct kdump_desc *pd)
{
	struct kdump_priv *k = d->priv;
	const unsigned char *p;
	uint64_t first, count;
	int ret;

	if (idx >= k->ndesc)
		return -EUCLEAN;
	if (idx < k->dc_first || idx >= k->dc_first + k->dc_count) {
		first = idx - idx % DESC_BLOCK;
		count = k->ndesc - first < DESC_BLOCK ? k->ndesc - first : DESC_BLOCK;
		k->dc_count = 0;
		ret = dump_pread(d, k->dcache, count * PD_SIZE,
				 k->desc_off + first * PD_SIZE);
		if (ret == -ENODATA) {
			/* truncated table: what is missing reads as zero */
			memset(k->dcache, 0, count * PD_SIZE);
			ret = 0;
			for (uint64_t i = 0; i < count; i++) {
				if (dump_pread(d, k->dcache + i * PD_SIZE, PD_SIZE,
					       k->desc_off + (first + i) * PD_SIZE))
					break;
			}
		}
		if (ret)
			return ret;
		k->dc_first = first;
		k->dc_count = count;
	}
	p = (const unsigned char *)k->dcache + (idx - k->dc_first) * PD_SIZE;
	pd->offset = le64(p);
	pd->size = le32(p + 8);
	pd->flags = le32(p + 12);
	return 0;
}

static int all_zero(const void *buf, size_t len)
{
	const uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++) {
		if (w[i])
			return 0;
	}
	return 1;
}

/*
 * One zlib stream per page. A stream kept across pages and reset is much
 * cheaper than uncompress(), which sets up and frees 40K of state a page.
 */
static int unzlib(struct kdump_priv *k, unsigned char *in, size_t inlen,
		  void *out, size_t outlen)
{
	z_stream *z = &k->z;
	int ret;

	if (!k->z_ready) {
		memset(z, 0, sizeof(*z));
		if (inflateInit(z) != Z_OK)
			return -ENOMEM;
		k->z_ready = 1;
	} else if (inflateReset(z) != Z_OK) {
		return -EUCLEAN;
	}
	z->next_in = in;
	z->avail_in = (uInt)inlen;
	z->next_out = out;
	z->avail_out = (uInt)outlen;
	ret = inflate(z, Z_FINISH);
	if (ret != Z_STREAM_END || z->avail_out != 0)
		return -EUCLEAN;
	return 0;
}

static int kdump_read_page(struct dump *d, uint64_t pfn, void *buf)
{
	struct kdump_priv *k = d->priv;
	size_t ps = d->page_size, outlen;
	struct kdump_desc pd;
	int ret;

	if (pfn < k->start_pfn || pfn >= k->end_pfn ||
	    !test_bit(k->bm2, k->words, pfn)) {
		memset(buf, 0, ps);
		return -ENOENT;
	}
	ret = get_desc(d, rank2(k, pfn) - k->rank_base, &pd);
	if (ret)
		return ret;
	if (pd.offset == 0) {
		/* never written: the dump stopped before this page */
		memset(buf, 0, ps);
		return -ENOENT;
	}
	if (k->zero_known && pd.offset == k->zero_off && pd.size == ps &&
	    !(pd.flags & DH_COMPRESSED_MASK)) {
		memset(buf, 0, ps);
		return 0;
	}
	if (!(pd.flags & DH_COMPRESSED_MASK)) {
		if (pd.size != ps)
			return -EUCLEAN;
		ret = dump_ra_read(d, &k->ra, buf, ps, pd.offset);
		if (ret)
			return ret;
		if (!k->zero_known && all_zero(buf, ps)) {
			k->zero_off = pd.offset;
			k->zero_known = 1;
		}
		return 0;
	}
	if (pd.size == 0 || pd.size > 2 * ps)
		return -EUCLEAN;
	ret = dump_ra_read(d, &k->ra, k->cbuf, pd.size, pd.offset);
	if (ret)
		return ret;
	if (pd.flags & DUMP_COMP_ZLIB)
		return unzlib(k, k->cbuf, pd.size, buf, ps);
	if (pd.flags & DUMP_COMP_LZO) {
		outlen = ps;
		ret = dump_unlzo(k->cbuf, pd.size, buf, &outlen);
		if (ret)
			return ret;
		return outlen == ps ? 0 : -EUCLEAN;
	}
	if (pd.flags & DUMP_COMP_SNAPPY) {
		outlen = ps;
		ret = dump_unsnappy(k->cbuf, pd.size, buf, &outlen);
		if (ret)
			return ret;
		return outlen == ps ? 0 : -EUCLEAN;
	}
	return -ENOTSUP;	/* zstd: not built in */
}

static int kdump_pfn_present(struct dump *d, uint64_t pfn)
{
	struct kdump_priv *k = d->priv;

	return pfn >= k->start_pfn && pfn < k->end_pfn &&
	       test_bit(k->bm2, k->words, pfn);
}

static uint64_t popcount_range(const uint64_t *bm, uint64_t words,
			       uint64_t lo, uint64_t hi)
{
	uint64_t n = 0, pfn;

	/* whole words in the middle, single bits at the ends */
	for (pfn = lo; pfn < hi && pfn % 64; pfn++)
		n += (uint64_t)test_bit(bm, words, pfn);
	for (; pfn + 64 <= hi && pfn / 64 < words; pfn += 64)
		n += (uint64_t)__builtin_popcountll(bm[pfn / 64]);
	for (; pfn < hi; pfn++)
		n += (uint64_t)test_bit(bm, words, pfn);
	return n;
}

static int kdump_count_pages(struct dump *d, uint64_t *exist, uint64_t *present)
{
	struct kdump_priv *k = d->priv;

	*exist = popcount_range(k->bm1, k->words, 0, d->max_pfn);
	*present = k->ndesc;
	return 0;
}

static int kdump_check(struct dump *d, char *why, size_t whylen)
{
	struct kdump_priv *k = d->priv;
	uint64_t table_end = k->desc_off + k->ndesc * PD_SIZE, i, unwritten = 0,
		 past = 0, first_bad = 0;
	struct kdump_desc pd;
	int ret;

	if (d->incomplete) {
		snprintf(why, whylen, "header flags the dump incomplete");
		return 1;
	}
	if (d->file_size < table_end) {
		snprintf(why, whylen,
			 "file is %llu bytes, its page descriptors end at %llu",
			 (unsigned long long)d->file_size,
			 (unsigned long long)table_end);
		return 1;
	}
	for (i = 0; i < k->ndesc; i++) {
		ret = get_desc(d, i, &pd);
		if (ret)
			return ret;
		if (pd.offset == 0) {
			if (!unwritten++ && !past)
				first_bad = i;
		} else if (pd.offset + pd.size > d->file_size) {
			if (!past++ && !unwritten)
				first_bad = i;
		}
	}
	if (unwritten || past) {
		snprintf(why, whylen,
			 "%llu of %llu pages never written, %llu past the end of "
			 "the %llu-byte file (first: page %llu)",
			 (unsigned long long)unwritten,
			 (unsigned long long)k->ndesc, (unsigned long long)past,
			 (unsigned long long)d->file_size,
			 (unsigned long long)first_bad);
		return 1;
	}
	return 0;
}

static void kdump_release(struct dump *d)
{
	struct kdump_priv *k = d->priv;

	if (!k)
		return;
	dump_ra_free(&k->ra);
	if (k->z_ready)
		inflateEnd(&k->z);
	free(k->bm1);
	free(k->bm2);
	free(k->rank);
	free(k->dcache);
	free(k->cbuf);
	free(k);
	d->priv = NULL;
}

/* Runs of set bits in the 1st bitmap become the ranges. */
static int make_ranges(struct dump *d)
{
	struct kdump_priv *k = d->priv;
	uint64_t pfn = 0, start, ps = d->page_size;
	struct dump_range *r;
	int n = 0, cap = 0;

	while (pfn < d->max_pfn) {
		if (!(pfn % 64) && pfn / 64 < k->words && !k->bm1[pfn / 64]) {
			pfn += 64;
			continue;
		}
		if (!test_bit(k->bm1, k->words, pfn)) {
			pfn++;
			continue;
		}
		start = pfn;
		while (pfn < d->max_pfn) {
			if (!(pfn % 64) && pfn / 64 < k->words &&
			    k->bm1[pfn / 64] == UINT64_MAX && pfn + 64 <= d->max_pfn) {
				pfn += 64;
				continue;
			}
			if (!test_bit(k->bm1, k->words, pfn))
				break;
			pfn++;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			r = realloc(d->ranges, (size_t)cap * sizeof(*r));
			if (!r)
				return -ENOMEM;
			d->ranges = r;
		}
		r = &d->ranges[n++];
		memset(r, 0, sizeof(*r));
		r->paddr = start * ps;
		r->memsz = (pfn - start) * ps;
		r->filesz = r->memsz;
	}
	d->nr_ranges = n;
	return 0;
}

static int read_meta(struct dump *d, uint64_t off, uint64_t size, char **out)
{
	char *p;
	int ret;

	if (!size || size > MAX_META)
		return size ? -EUCLEAN : -ENOENT;
	p = malloc(size + 1);
	if (!p)
		return -ENOMEM;
	ret = dump_pread(d, p, size, off);
	if (ret) {
		free(p);
		return ret;
	}
	p[size] = '\0';
	*out = p;
	return 0;
}

int dump_kdump_open(struct dump *d)
{
	unsigned char dh[DH_SIZE], sh[SH_SIZE];
	struct kdump_priv *k;
	uint64_t bs, sub_blocks, bm_blocks, max_mapnr, bm_bytes, off, size;
	int version, ret, i;
	char *meta;

	ret = dump_pread(d, dh, sizeof(dh), 0);
	if (ret)
		return ret == -ENODATA ? -EUCLEAN : ret;
	version = (int)le32(dh + DH_VERSION);
	bs = le32(dh + DH_BLOCK_SIZE);
	sub_blocks = le32(dh + DH_SUB_HDR_SIZE);
	bm_blocks = le32(dh + DH_BITMAP_BLOCKS);
	if (version < 1 || bs < 4096 || bs > 65536 || (bs & (bs - 1)) ||
	    !sub_blocks || !bm_blocks || (int32_t)sub_blocks < 0)
		return -EUCLEAN;
	if (strncmp((const char *)dh + DH_UTSNAME + 4 * 65, "x86_64", 65))
		return -ENOTSUP;

	memset(sh, 0, sizeof(sh));
	ret = dump_pread(d, sh, sizeof(sh), bs);
	if (ret)
		return ret == -ENODATA ? -EUCLEAN : ret;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	d->priv = k;
	d->release = kdump_release;
	d->read_page = kdump_read_page;
	d->in->pfn_present = kdump_pfn_present;
	d->in->count_pages = kdump_count_pages;
	d->in->check = kdump_check;

	d->page_size = bs;
	d->compression = le32(dh + DH_STATUS) & DH_COMPRESSED_MASK;
	d->incomplete = !!(le32(dh + DH_STATUS) & DH_COMPRESSED_INCOMPLETE);
	d->nr_cpus = (int)le32(dh + DH_NR_CPUS);
	d->phys_base = le64(sh + SH_PHYS_BASE);
	d->dump_level = (int)le32(sh + SH_DUMP_LEVEL);
	memcpy(d->in->hdr_nodename, dh + DH_UTSNAME + 65, 64);
	memcpy(d->in->hdr_release, dh + DH_UTSNAME + 2 * 65, 64);
	d->in->hdr_time = (long long)le64(dh + DH_TIMESTAMP);

	max_mapnr = version >= 6 ? le64(sh + SH_MAX_MAPNR_64) : le32(dh + DH_MAX_MAPNR);
	bm_bytes = bm_blocks * bs / 2;
	if (!max_mapnr || bm_bytes * 8 < max_mapnr || bm_bytes % 8)
		return -EUCLEAN;
	d->max_pfn = max_mapnr;
	k->start_pfn = 0;
	k->end_pfn = max_mapnr;
	if (version >= 2 && le32(sh + SH_SPLIT)) {
		k->start_pfn = version >= 6 ? le64(sh + SH_START_PFN_64) :
					      le64(sh + SH_START_PFN);
		k->end_pfn = version >= 6 ? le64(sh + SH_END_PFN_64) :
					    le64(sh + SH_END_PFN);
		if (k->start_pfn >= k->end_pfn || k->end_pfn > max_mapnr)
			return -EUCLEAN;
	}

	/*
	 * bitmaps: checked against what the file holds before they are
	 * allocated (a 4.7 KB flattened stream asked for 2.2 GB)
	 */
	off = (1 + sub_blocks) * bs;
	if ((d->file_size && checked_range(off, 2 * bm_bytes, d->file_size)) ||
	    (d->in->flat_stored && 2 * bm_bytes > d->in->flat_stored))
		return -EUCLEAN;
	k->words = bm_bytes / 8;
	k->bm1 = malloc(bm_bytes);
	k->bm2 = malloc(bm_bytes);
	k->dcache = malloc(DESC_BLOCK * PD_SIZE);
	k->cbuf = malloc(2 * bs);
	if (!k->bm1 || !k->bm2 || !k->dcache || !k->cbuf)
		return -ENOMEM;
	off = (1 + sub_blocks) * bs;
	ret = dump_pread(d, k->bm1, bm_bytes, off);
	if (!ret)
		ret = dump_pread(d, k->bm2, bm_bytes, off + bm_bytes);
	if (ret)
		return ret == -ENODATA ? -EUCLEAN : ret;
	ret = build_rank(k);
	if (ret)
		return ret;
	k->rank_base = rank2(k, k->start_pfn);
	k->ndesc = rank2(k, k->end_pfn) - k->rank_base;
	k->desc_off = (1 + sub_blocks + bm_blocks) * bs;

	/* VMCOREINFO and the ELF notes, copied by the writer */
	if (version >= 3) {
		off = le64(sh + SH_OFF_VMCOREINFO);
		size = le64(sh + SH_SIZE_VMCOREINFO);
		ret = read_meta(d, off, size, &meta);
		if (ret == 0) {
			ret = dump_set_vmcoreinfo(d, meta, size);
			free(meta);
		}
		if (ret && ret != -ENOENT)
			return ret;
	}
	if (version >= 4) {
		off = le64(sh + SH_OFF_NOTE);
		size = le64(sh + SH_SIZE_NOTE);
		ret = read_meta(d, off, size, &meta);
		if (ret == 0) {
			i = d->nr_cpus;
			ret = dump_set_notes(d, meta, size);
			free(meta);
			if (!d->nr_cpus)
				d->nr_cpus = i;
		}
		if (ret && ret != -ENOENT)
			return ret;
	}
	return make_ranges(d);
}
