// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flattened dumps (makedumpfile -F): a stream that can go down a pipe or
 * onto a raw device. A 4096-byte header ("makedumpfile", type 1, version
 * 1, big-endian), then records {offset, size} (big-endian int64) each
 * followed by size bytes meant for that offset of the real file, and an
 * end record {-1, -1}. `makedumpfile -R` replays the records into a file.
 *
 * Instead of replaying, we index the records: a sorted table of
 * (file offset, size, stream offset) with later records winning where
 * they overlap (the writer rewrites headers at the end). Reads of the
 * rebuilt file become preads of the stream, and the ELF or kdump reader
 * runs on top unchanged. Bytes no record covers read as zero, as in the
 * sparse file -R would make.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "dump_read.h"
#include "dump_read_priv.h"
#include "fmt_flat.h"

#define FLAT_MAX_RECORD		(1ULL << 32)

struct flat_seg {
	uint64_t voff;		/* offset in the rebuilt file */
	uint64_t size;
	uint64_t foff;		/* offset of the data in the stream */
};

struct flat {
	struct flat_seg *seg;
	size_t n, cap;
	uint64_t vsize;		/* size of the rebuilt file */
	size_t last;		/* lookup memo */
};

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}


/* Last segment starting at or below off, or (size_t)-1. */
static size_t seg_find(struct flat *f, uint64_t off)
{
	size_t lo = 0, hi = f->n, mid;

	if (f->last < f->n && f->seg[f->last].voff <= off &&
	    (f->last + 1 == f->n || f->seg[f->last + 1].voff > off))
		return f->last;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->seg[mid].voff <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return (size_t)-1;
	f->last = lo - 1;
	return lo - 1;
}

static int flat_pread(struct dump *d, void *buf, size_t len, uint64_t off)
{
	struct flat *f = d->in->flat;
	struct flat_seg *s;
	char *out = buf;
	size_t i, n;
	uint64_t gap_end;
	int ret;

	if (off > f->vsize || len > f->vsize - off)
		return -ENODATA;
	while (len) {
		i = seg_find(f, off);
		if (i != (size_t)-1 && off - f->seg[i].voff < f->seg[i].size) {
			s = &f->seg[i];
			n = s->voff + s->size - off < len ?
			    (size_t)(s->voff + s->size - off) : len;
			ret = io_pread_all(d->fd, out, n, s->foff + (off - s->voff));
			if (ret)
				return ret;
		} else {
			/* a hole: zeros up to the next segment */
			gap_end = i + 1 < f->n ? f->seg[i + 1].voff : f->vsize;
			if (i == (size_t)-1)
				gap_end = f->n ? f->seg[0].voff : f->vsize;
			n = gap_end - off < len ? (size_t)(gap_end - off) : len;
			memset(out, 0, n);
		}
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct flat_seg *x = a, *y = b;

	if (x->voff != y->voff)
		return x->voff < y->voff ? -1 : 1;
	/* same start: the later record (further in the stream) first */
	if (x->foff != y->foff)
		return x->foff > y->foff ? -1 : 1;
	return 0;
}

static int add_seg(struct flat_seg **v, size_t *n, size_t *cap,
		   uint64_t voff, uint64_t size, uint64_t foff)
{
	struct flat_seg *p;

	if (*n && (*v)[*n - 1].voff + (*v)[*n - 1].size == voff &&
	    (*v)[*n - 1].foff + (*v)[*n - 1].size == foff) {
		(*v)[*n - 1].size += size;	/* contiguous in both: merge */
		return 0;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		p = realloc(*v, *cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*v = p;
	}
	(*v)[(*n)++] = (struct flat_seg){ voff, size, foff };
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Max-heap of segment indices by stream offset (the last record written
 * wins), for resolve()'s sweep.
 */
static void heap_push(size_t *h, size_t *n, const struct flat_seg *in, size_t v)
{
	size_t i = (*n)++, up;

	while (i && in[h[up = (i - 1) / 2]].foff < in[v].foff) {
		h[i] = h[up];
		i = up;
	}
	h[i] = v;
}

static void heap_pop(size_t *h, size_t *n, const struct flat_seg *in)
{
	size_t i = 0, c, v = h[--(*n)];

	while ((c = 2 * i + 1) < *n) {
		if (c + 1 < *n && in[h[c + 1]].foff > in[h[c]].foff)
			c++;
		if (in[h[c]].foff <= in[v].foff)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = v;
}

/*
 * Sort the records and cut overlaps so that every byte comes from the
 * last record that wrote it. An overlapping group is swept once over its
 * sorted boundaries with a heap of the records covering the current
 * piece: O(n log n) however many records a hostile stream overlaps.
 */
static int resolve(struct flat *f)
{
	struct flat_seg *in = f->seg, *out = NULL, *s;
	size_t n = f->n, i, j, k, m, cap = 0, nout = 0, q, nh;
	uint64_t cend, a, b, *pts = NULL, *np;
	size_t pcap = 0, *heap = NULL;
	int ret = 0;

	if (n)
		qsort(in, n, sizeof(*in), seg_cmp);
	for (i = 0; i < n; i = j) {
		cend = in[i].voff + in[i].size;
		for (j = i + 1; j < n && in[j].voff < cend; j++) {
			if (in[j].voff + in[j].size > cend)
				cend = in[j].voff + in[j].size;
		}
		if (j == i + 1) {
			ret = add_seg(&out, &nout, &cap, in[i].voff, in[i].size,
				      in[i].foff);
			if (ret)
				break;
			continue;
		}
		if (2 * (j - i) > pcap) {
			size_t *nheap;

			pcap = 2 * (j - i);
			np = realloc(pts, pcap * sizeof(*pts));
			if (np)
				pts = np;
			nheap = realloc(heap, pcap * sizeof(*heap));
			if (nheap)
				heap = nheap;
			if (!np || !nheap) {
				ret = -ENOMEM;
				break;
			}
		}
		for (k = i, m = 0; k < j; k++) {
			pts[m++] = in[k].voff;
			pts[m++] = in[k].voff + in[k].size;
		}
		qsort(pts, m, sizeof(*pts), u64_cmp);
		for (k = 0, q = i, nh = 0; k + 1 < m; k++) {
			a = pts[k];
			b = pts[k + 1];
			if (a == b)
				continue;
			/* in[] is sorted by voff: add what starts here... */
			for (; q < j && in[q].voff <= a; q++)
				heap_push(heap, &nh, in, q);
			/* ...drop what ended; the newest left covers [a, b) */
			while (nh && in[heap[0]].voff + in[heap[0]].size <= a)
				heap_pop(heap, &nh, in);
			if (!nh)
				continue;
			s = &in[heap[0]];
			ret = add_seg(&out, &nout, &cap, a, b - a, s->foff + (a - s->voff));
			if (ret)
				break;
		}
		if (ret)
			break;
	}
	free(heap);
	free(pts);
	free(in);
	f->seg = out;
	f->n = nout;
	f->cap = cap;
	return ret;
}

static void flat_release(struct dump *d)
{
	struct flat *f = d->in->flat;

	if (!f)
		return;
	free(f->seg);
	free(f);
	d->in->flat = NULL;
}

int dump_flat_open(struct dump *d)
{
	unsigned char hdr[32], rec[16];
	uint64_t pos, voff, size, raw_size = d->file_size;
	struct dump_ra ra;
	struct flat *f;
	int ret;

	ret = dump_pread(d, hdr, sizeof(hdr), 0);
	if (ret)
		return ret == -ENODATA ? -EUCLEAN : ret;
	if (memcmp(hdr, FLAT_SIGNATURE, 12) || be64(hdr + FLAT_OFF_TYPE) != FLAT_TYPE ||
	    be64(hdr + FLAT_OFF_VERSION) != FLAT_VERSION)
		return -EUCLEAN;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	d->in->flat = f;
	d->in->flat_release = flat_release;

	/* walk the record headers; the read-ahead makes it a few big reads */
	memset(&ra, 0, sizeof(ra));
	d->in->flat_truncated = 1;
	for (pos = FLAT_HEADER_SIZE;; pos += sizeof(rec) + size) {
		ret = dump_ra_read(d, &ra, rec, sizeof(rec), pos);
		if (ret == -ENODATA) {
			ret = 0;
			break;		/* the stream stops without its end */
		}
		if (ret)
			break;
		voff = be64(rec);
		size = be64(rec + 8);
		if (voff == UINT64_MAX && size == UINT64_MAX) {
			d->in->flat_truncated = 0;
			break;
		}
		if ((int64_t)voff < 0 || size > FLAT_MAX_RECORD) {
			ret = -EUCLEAN;
			break;
		}
		if (raw_size && pos + sizeof(rec) + size > raw_size) {
			/* the last record was cut short: keep what is there */
			size = raw_size - pos - sizeof(rec);
			if (size)
				ret = add_seg(&f->seg, &f->n, &f->cap, voff, size,
					      pos + sizeof(rec));
			break;
		}
		if (!size)
			continue;
		ret = add_seg(&f->seg, &f->n, &f->cap, voff, size, pos + sizeof(rec));
		if (ret)
			break;
		if (voff + size > f->vsize)
			f->vsize = voff + size;
	}
	dump_ra_free(&ra);
	if (ret)
		return ret;
	for (size_t i = 0; i < f->n; i++) {
		if (f->seg[i].voff + f->seg[i].size > f->vsize)
			f->vsize = f->seg[i].voff + f->seg[i].size;
	}
	ret = resolve(f);
	if (ret)
		return ret;
	d->in->pread = flat_pread;
	d->file_size = f->vsize;
	for (size_t i = 0; i < f->n; i++)
		d->in->flat_stored += f->seg[i].size;
	return 0;
}
