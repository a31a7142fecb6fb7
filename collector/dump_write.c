// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing a dump file: what the ELF and the kdump-compressed writers
 * share. The output sink (seekable pwrite, or makedumpfile's flattened
 * records for pipes), write caches, the page source (large reads of
 * /proc/vmcore), progress. The plan, the size estimate and
 * dumpfile_write() itself are in dump_write_plan.c.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "io.h"
#include "dump_read_priv.h"
#include "dump_write_priv.h"
#include "log.h"

/* ---- output sink ------------------------------------------------------ */

static int write_all(int fd, const struct iovec *iov_in, int cnt)
{
	struct iovec iov[2];
	ssize_t n;

	memcpy(iov, iov_in, (size_t)cnt * sizeof(*iov));
	while (cnt > 0) {
		n = writev(fd, iov, cnt);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		while (cnt > 0 && (size_t)n >= iov[0].iov_len) {
			n -= (ssize_t)iov[0].iov_len;
			iov[0] = iov[1];
			cnt--;
		}
		if (cnt > 0) {
			iov[0].iov_base = (char *)iov[0].iov_base + n;
			iov[0].iov_len -= (size_t)n;
		}
	}
	return 0;
}


int df_sink_open(struct df_sink *s, int fd, off_t base, int flat)
{
	unsigned char hdr[FLAT_HEADER_SIZE];
	struct iovec iov;
	uint64_t v;
	int ret;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->base = base;
	s->flat = flat;
	if (!flat)
		return 0;
	/* struct makedumpfile_header: char signature[16]; int64 type, version */
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE));
	v = htobe64(FLAT_TYPE);
	memcpy(hdr + FLAT_OFF_TYPE, &v, 8);
	v = htobe64(FLAT_VERSION);
	memcpy(hdr + FLAT_OFF_VERSION, &v, 8);
	iov.iov_base = hdr;
	iov.iov_len = sizeof(hdr);
	ret = write_all(fd, &iov, 1);
	if (!ret)
		s->stream = sizeof(hdr);
	return ret;
}

int df_sink_write(struct df_sink *s, uint64_t off, const void *buf, size_t len)
{
	int ret;

	if (!len)
		return 0;	/* makedumpfile -R rejects empty records */
	if (s->flat) {
		uint64_t rec[2] = { htobe64(off), htobe64(len) };
		struct iovec iov[2] = {
			{ .iov_base = rec, .iov_len = sizeof(rec) },
			{ .iov_base = (void *)buf, .iov_len = len },
		};

		ret = write_all(s->fd, iov, 2);
		if (!ret)
			s->stream += sizeof(rec) + len;
	} else {
		ret = io_pwrite_all(s->fd, buf, len, (uint64_t)s->base + off, &s->done);
		s->stream += s->done;
		if (ret && off + s->done > s->size)
			s->size = off + s->done;
	}
	if (!ret && off + len > s->size)
		s->size = off + len;
	return ret;
}

int df_sink_close(struct df_sink *s)
{
	uint64_t rec[2] = { htobe64(UINT64_MAX), htobe64(UINT64_MAX) };	/* -1, -1 */
	struct iovec iov = { .iov_base = rec, .iov_len = sizeof(rec) };
	int ret;

	if (!s->flat)
		return 0;
	ret = write_all(s->fd, &iov, 1);
	if (!ret)
		s->stream += sizeof(rec);
	return ret;
}

/* ---- write caches ------------------------------------------------------ */

int df_cache_init(struct df_cache *c, struct df_sink *s, uint64_t off, size_t cap)
{
	memset(c, 0, sizeof(*c));
	c->buf = malloc(cap);
	if (!c->buf)
		return -ENOMEM;
	c->s = s;
	c->off = off;
	c->durable = off;
	c->cap = cap;
	return 0;
}

int df_cache_flush(struct df_cache *c)
{
	int ret;

	if (!c->len)
		return 0;
	ret = df_sink_write(c->s, c->off, c->buf, c->len);
	if (ret) {
		/* seekable: the part that did get written still counts */
		if (!c->s->flat)
			c->durable = c->off + c->s->done;
		return ret;
	}
	c->off += c->len;
	c->durable = c->off;
	c->len = 0;
	return 0;
}

int df_cache_put(struct df_cache *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	int ret;

	while (len) {
		size_t n = c->cap - c->len;

		if (n > len)
			n = len;
		memcpy(c->buf + c->len, p, n);
		c->len += n;
		p += n;
		len -= n;
		if (c->len == c->cap) {
			ret = df_cache_flush(c);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int df_cache_zero(struct df_cache *c, size_t len)
{
	int ret;

	while (len) {
		size_t n = c->cap - c->len;

		if (n > len)
			n = len;
		memset(c->buf + c->len, 0, n);
		c->len += n;
		len -= n;
		if (c->len == c->cap) {
			ret = df_cache_flush(c);
			if (ret)
				return ret;
		}
	}
	return 0;
}

void df_cache_free(struct df_cache *c)
{
	free(c->buf);
	c->buf = NULL;
}

/* ---- page source --------------------------------------------------------- */

int df_src_init(struct df_src *s, struct dump *d)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->direct = d->format == DUMP_FMT_ELF && d->nr_ranges > 0;
	/* mmap needs page-aligned file offsets and a file we know the end of */
	s->use_mmap = s->direct && d->file_size > 0 && d->page_size <= DF_MAP_WINDOW &&
		      (uint64_t)sysconf(_SC_PAGESIZE) <= d->page_size;
	s->buf = malloc(DF_SRC_PAGES * d->page_size);
	return s->buf ? 0 : -ENOMEM;
}

void df_src_free(struct df_src *s)
{
	if (s->map)
		munmap(s->map, s->map_len);
	s->map = NULL;
	free(s->buf);
	s->buf = NULL;
}


/* Index of the last range starting at or below paddr, or -1. */
static int range_at(struct df_src *s, uint64_t paddr)
{
	const struct dump_range *r = s->d->ranges;
	int lo = 0, hi = s->d->nr_ranges - 1, i = s->ri;

	if (i >= 0 && i <= hi && r[i].paddr <= paddr &&
	    (i == hi || r[i + 1].paddr > paddr))
		return i;
	if (hi < 0 || r[0].paddr > paddr)
		return -1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (r[mid].paddr <= paddr)
			lo = mid;
		else
			hi = mid - 1;
	}
	s->ri = lo;
	return lo;
}

/* A page not wholly inside one range's file data: piece it together. */
static int slow_page(struct df_src *s, uint64_t pfn)
{
	struct dump *d = s->d;
	uint64_t ps = d->page_size, a = pfn * ps, b = a + ps;
	int i, ret;

	memset(s->buf, 0, ps);
	for (i = 0; i < d->nr_ranges; i++) {
		const struct dump_range *r = &d->ranges[i];
		uint64_t from = r->paddr > a ? r->paddr : a;
		uint64_t to = r->paddr + r->filesz < b ? r->paddr + r->filesz : b;

		if (from >= to)
			continue;
		ret = io_pread_all(d->fd, s->buf + (from - a), to - from,
				r->offset + (from - r->paddr));
		if (ret)
			return ret;
	}
	return 0;
}

static int map_window(struct df_src *s, uint64_t off)
{
	uint64_t start = off & ~((uint64_t)DF_MAP_WINDOW - 1);
	uint64_t len = DF_MAP_WINDOW;
	void *m;

	if (s->map)
		munmap(s->map, s->map_len);
	s->map = NULL;
	if (start + len > s->d->file_size)
		len = s->d->file_size - start;
	m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, s->d->fd, (off_t)start);
	if (m == MAP_FAILED)
		return -errno;
	s->map = m;
	s->map_off = start;
	s->map_len = len;
	return 0;
}

long df_src_pages(struct df_src *s, uint64_t pfn, uint64_t n,
		  const unsigned char **data)
{
	struct dump *d = s->d;
	uint64_t ps = d->page_size, pa = pfn * ps, m, off, k;
	const struct dump_range *r;
	int i, ret;

	if (!n)
		return -EINVAL;
	if (!s->direct) {
		m = n < DF_SRC_PAGES ? n : DF_SRC_PAGES;
		for (k = 0; k < m; k++) {
			ret = dump_read_page(d, pfn + k, s->buf + k * ps);
			if (ret && ret != -ENOENT)
				return ret;
		}
		*data = s->buf;
		return (long)m;
	}

	i = range_at(s, pa);
	if (i < 0 || pa + ps > d->ranges[i].paddr + d->ranges[i].filesz) {
		ret = slow_page(s, pfn);
		if (ret)
			return ret;
		*data = s->buf;
		return 1;
	}
	r = &d->ranges[i];
	m = (r->paddr + r->filesz - pa) / ps;
	if (m > n)
		m = n;
	off = r->offset + (pa - r->paddr);

	if (s->use_mmap && !(off % ps) && off + ps <= d->file_size) {
		if (!s->map || off < s->map_off || off + ps > s->map_off + s->map_len) {
			ret = map_window(s, off);
			if (ret) {
				s->use_mmap = 0;	/* e.g. no mmap on this file */
				goto use_pread;
			}
		}
		k = (s->map_off + s->map_len - off) / ps;
		if (m > k)
			m = k;
		*data = s->map + (off - s->map_off);
		return (long)m;
	}
use_pread:
	if (m > DF_SRC_PAGES)
		m = DF_SRC_PAGES;
	ret = io_pread_all(d->fd, s->buf, m * ps, off);
	if (ret)
		return ret;
	*data = s->buf;
	return (long)m;
}

int df_page_is_zero(const unsigned char *p, size_t len)
{
	uint64_t acc = 0, w[8];
	size_t i;

	/* OR 64 bytes at a time: the compiler makes this vector code */
	for (i = 0; i + 64 <= len; i += 64) {
		memcpy(w, p + i, 64);
		acc |= w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7];
		if (acc)
			return 0;
	}
	for (; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* ---- bitmap walking ------------------------------------------------------ */

uint64_t df_next_set(const uint8_t *bm, uint64_t pfn, uint64_t end)
{
	uint64_t w;

	while (pfn < end && (pfn & 63)) {
		if (filter_test(bm, pfn))
			return pfn;
		pfn++;
	}
	while (pfn + 64 <= end) {
		memcpy(&w, bm + (pfn >> 3), 8);
		w = le64toh(w);
		if (w)
			return pfn + (uint64_t)__builtin_ctzll(w);
		pfn += 64;
	}
	for (; pfn < end; pfn++)
		if (filter_test(bm, pfn))
			return pfn;
	return end;
}

uint64_t df_next_clear(const uint8_t *bm, uint64_t pfn, uint64_t end)
{
	uint64_t w;

	while (pfn < end && (pfn & 63)) {
		if (!filter_test(bm, pfn))
			return pfn;
		pfn++;
	}
	while (pfn + 64 <= end) {
		memcpy(&w, bm + (pfn >> 3), 8);
		w = ~le64toh(w);
		if (w)
			return pfn + (uint64_t)__builtin_ctzll(w);
		pfn += 64;
	}
	for (; pfn < end; pfn++)
		if (!filter_test(bm, pfn))
			return pfn;
	return end;
}

/* ---- progress --------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void df_progress(struct df_job *j, uint64_t done)
{
	uint64_t t;

	j->done = done;
	if (!j->o->progress || ((done & 1023) && done != j->total))
		return;
	t = now_ns();
	if (t < j->next_tick_ns && done != j->total)
		return;
	j->next_tick_ns = t + 250000000ULL;
	j->o->progress(j->o->progress_arg, DUMPFILE_WRITING, done, j->total);
}

/*
 * The last resort when no page filter can be built (no memory for the
 * bitmap of a huge physical address space): the ELF source as it is,
 * byte for byte, in whichever container (file or flat stream). Only an
 * ELF source (/proc/vmcore) can be copied this way.
 */
int df_copy_unfiltered(struct dump *src, const struct dumpfile_opts *o, int fd,
		       off_t base, struct dumpfile_stats *st, int why)
{
	struct df_sink s;
	unsigned char *buf;
	uint64_t off = 0;
	size_t chunk = 1024 * 1024;
	int ret;

	if (src->format != DUMP_FMT_ELF || !src->file_size)
		return why;
	log_errno(why, "dumpfile: no page filter: writing an unfiltered copy of the ELF source (%llu bytes)",
		  (unsigned long long)src->file_size);
	buf = malloc(chunk);
	if (!buf)
		return -ENOMEM;
	ret = df_sink_open(&s, fd, base, o->flat);
	while (!ret && off < src->file_size) {
		size_t n = src->file_size - off < chunk ? (size_t)(src->file_size - off) : chunk;

		ret = dump_pread(src, buf, n, off);
		if (!ret)
			ret = df_sink_write(&s, off, buf, n);
		off += n;
	}
	if (!ret)
		ret = df_sink_close(&s);
	free(buf);
	st->bytes_written = o->flat ? s.stream : s.size;
	st->level_used = 0;
	return ret;
}
