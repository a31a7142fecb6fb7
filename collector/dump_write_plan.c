// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writing a dump file, the top of it: which pages the dump level keeps
 * (filter.c), kept in the caller's struct dump_write_plan from the size
 * estimate to the write so that mem_map is read once; then the ELF or the
 * kdump-compressed writer (dump_write_elf.c, dump_write_kdump.c) over the
 * helpers of dump_write.c.
 */
#include <errno.h>
#include <string.h>

#include "dump_write_priv.h"
#include "log.h"

/* filter_build()'s progress: arg is the dumpfile_opts. */
static void filter_tick(void *arg, uint64_t done, uint64_t total)
{
	const struct dumpfile_opts *o = arg;

	o->progress(o->progress_arg, DUMPFILE_FILTERING, done, total);
}

static int build_filter(struct dump *d, int level, const struct dumpfile_opts *o,
			struct filter_result *f)
{
	return filter_build(d, level, f, o->progress ? filter_tick : NULL, (void *)o);
}

/* ---- the plan: the filter result, shared by estimate and write ------------- */

void dump_write_plan_init(struct dump_write_plan *p)
{
	memset(p, 0, sizeof(*p));
}

void dump_write_plan_free(struct dump_write_plan *p)
{
	if (p->valid)
		filter_free(&p->f);
	p->valid = 0;
}

static int plan_match(const struct dump_write_plan *p, const struct dump *d, int level)
{
	return p && p->valid && p->d == d && p->level == level;
}

/* The filter result for (d, level), kept in p for a dumpfile_write() to come. */
static const struct filter_result *plan_filter(struct dump_write_plan *p, struct dump *d,
					       int level, const struct dumpfile_opts *o,
					       int *err)
{
	if (plan_match(p, d, level))
		return &p->f;
	dump_write_plan_free(p);
	*err = build_filter(d, level, o, &p->f);
	if (*err)
		return NULL;
	p->valid = 1;
	p->d = d;
	p->level = level;
	return &p->f;
}

/* The filter result for (d, level), owned by the caller: the plan's if any. */
static int take_filter(struct dump_write_plan *p, struct dump *d, int level,
		       const struct dumpfile_opts *o, struct filter_result *f)
{
	if (plan_match(p, d, level)) {
		*f = p->f;
		p->valid = 0;
		return 0;
	}
	if (p)
		dump_write_plan_free(p);
	return build_filter(d, level, o, f);
}

static int check_opts(const struct dump *d, const struct dumpfile_opts *o)
{
	if (!d->page_size || (d->page_size & (d->page_size - 1)) ||
	    d->page_size > (1u << 20))
		return -EINVAL;
	if (o->dump_level < 0 || o->dump_level > 31)
		return -EINVAL;
	if (o->compress & ~(unsigned int)(DUMP_COMP_ZLIB | DUMP_COMP_LZO))
		return -ENOTSUP;	/* snappy/zstd: Debian's makedumpfile cannot read them */
	return 0;
}

int dumpfile_estimate(struct dump *src, const struct dumpfile_opts *o,
		      struct dump_write_plan *plan, uint64_t *max, uint64_t *expected)
{
	const struct filter_result *f;
	struct dumpfile_stats st;
	struct df_job j;
	uint64_t data, head;
	int ret;

	ret = check_opts(src, o);
	if (ret)
		return ret;
	f = plan_filter(plan, src,
			o->dump_level | (src->dump_level > 0 ? (src->dump_level & 31) : 0), o, &ret);
	if (!f)
		return ret;
	memset(&j, 0, sizeof(j));
	memset(&st, 0, sizeof(st));
	j.d = src;
	j.o = o;
	j.f = (struct filter_result *)f;
	j.st = &st;
	j.level = f->level;
	data = f->nr_keep * src->page_size;
	head = o->format == DUMP_FMT_ELF ? dumpfile_elf_overhead(&j) : dumpfile_kdump_overhead(&j);
	*max = head + data;
	/*
	 * Measured on a 6.1 kernel after a panic at -d 31: zlib level 1
	 * leaves about 30% of the kept pages' bytes (zero pages cost
	 * nothing). Without compression or for ELF, zero pages are what
	 * we can hope to save; assume a tenth.
	 */
	if (o->format != DUMP_FMT_ELF && o->compress)
		*expected = head + data * 3 / 10;
	else if (o->format == DUMP_FMT_ELF && !(f->level & FILTER_ZERO))
		*expected = *max;
	else
		*expected = head + data * 9 / 10;
	return 0;
}

int dumpfile_write(struct dump *src, const struct dumpfile_opts *o,
		   struct dump_write_plan *plan, int fd, off_t base, struct dumpfile_stats *st)
{
	struct dumpfile_stats dummy;
	struct filter_result f;
	struct df_sink s;
	struct df_job j;
	int ret, level;

	if (!st)
		st = &dummy;
	memset(st, 0, sizeof(*st));
	ret = check_opts(src, o);
	if (ret)
		return ret;
	/* a dump made at some level cannot give back what it left out */
	level = o->dump_level | (src->dump_level > 0 ? (src->dump_level & 31) : 0);
	ret = take_filter(plan, src, level, o, &f);
	if (ret)
		return df_copy_unfiltered(src, o, fd, base, st, ret);
#ifndef KCAP_WITH_LZO
	if ((o->compress & DUMP_COMP_LZO) && o->format != DUMP_FMT_ELF)
		log_info("dumpfile: no LZO in this build: pages compressed with zlib (level 1)");
#endif

	memset(&j, 0, sizeof(j));
	j.d = src;
	j.o = o;
	j.f = &f;
	j.st = st;
	j.level = f.level;
	j.total = f.nr_keep;
	st->pages_present = f.nr_exist;
	st->level_used = f.level;

	ret = df_sink_open(&s, fd, base, o->flat);
	if (!ret)
		ret = o->format == DUMP_FMT_ELF ? dumpfile_elf_write(&j, &s) : dumpfile_kdump_write(&j, &s);
	if (!ret)
		ret = df_sink_close(&s);
	st->bytes_written = o->flat ? s.stream : s.size;
	if (st->pages_present >= st->pages_dumped)
		st->pages_excluded = st->pages_present - st->pages_dumped;
	if (!ret && o->progress)
		o->progress(o->progress_arg, DUMPFILE_WRITING, j.total, j.total);
	filter_free(&f);
	return ret;
}
