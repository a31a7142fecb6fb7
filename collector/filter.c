// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dump-level page selection from the crashed kernel's mem_map.
 *
 * The rules are makedumpfile's (__exclude_unnecessary_pages): a free
 * buddy block, a page-cache page, an anonymous or hugetlbfs page may be
 * left out; anything else (slab, page tables, kernel text and data, the
 * mem_map itself) is always kept. Everything is read through VMCOREINFO
 * (SYMBOL(mem_section), SIZE(page), OFFSET(page.*), NUMBER(PG_*), ...):
 * no vmlinux needed. When an entry is missing we keep more, never less.
 *
 * Memory: the bitmap is one bit per pfn (32 MiB for 1 TiB of RAM, all of
 * it held at once; makedumpfile works in cycles of at most 4 MiB).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "filter.h"
#include "log.h"

#define NOT_FOUND	INT64_MIN
#define CHUNK_PAGES	256	/* struct pages read at once (power of 2) */

/* What we know about struct page and its flags, from VMCOREINFO. */
struct pg {
	uint64_t page_size;
	uint64_t sz_page;
	int64_t o_flags, o_mapping, o_mapcount, o_private;
	int64_t o_chead, o_corder, o_cdtor;
	int64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked;
	int64_t pg_slab, pg_buddy, pg_hwpoison, pg_hugetlb, head_mask;
	int64_t buddy_mc, offline_mc, slab_mc, hugetlb_mc, unaccepted_mc;
	int64_t hugetlb_dtor;
	int64_t max_order;		/* LENGTH(zone.free_area) */
	unsigned int kver;		/* KERNEL_VERSION of OSRELEASE */
	int level;
	uint8_t *keep;
	uint64_t max_pfn;
	struct filter_result *r;
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

static int64_t get_off(struct dump *d, const char *name)
{
	uint64_t v;

	return vmcoreinfo_offset(d, name, &v) == 0 ? (int64_t)v : NOT_FOUND;
}

static int64_t get_num(struct dump *d, const char *name)
{
	int64_t v;

	return vmcoreinfo_number(d, name, &v) == 0 ? v : NOT_FOUND;
}

static unsigned int kernel_version(struct dump *d)
{
	const char *rel = vmcoreinfo_str(d, "OSRELEASE");
	unsigned int a = 0, b = 0, c = 0;

	if (!rel || sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}
#define KV(a, b)	(((a) << 16) | ((b) << 8))

uint64_t filter_count(const uint8_t *bm, uint64_t bytes)
{
	uint64_t n = 0, i, w;

	for (i = 0; i + 8 <= bytes; i += 8) {
		memcpy(&w, bm + i, 8);
		n += (uint64_t)__builtin_popcountll(w);
	}
	for (; i < bytes; i++)
		n += (uint64_t)__builtin_popcount(bm[i]);
	return n;
}

static void set_range(uint8_t *bm, uint64_t from, uint64_t to)
{
	for (; from < to && (from & 7); from++)
		bm[from >> 3] |= (uint8_t)(1u << (from & 7));
	if (to - from >= 8) {
		memset(bm + (from >> 3), 0xff, (to - from) >> 3);
		from += (to - from) & ~7ULL;
	}
	for (; from < to; from++)
		bm[from >> 3] |= (uint8_t)(1u << (from & 7));
}

/* Pages stored in the source: ELF from the ranges, others ask the reader. */
static void base_bitmap(struct dump *d, struct filter_result *r)
{
	uint64_t ps = d->page_size;
	int i;

	for (i = 0; i < d->nr_ranges; i++) {
		const struct dump_range *rg = &d->ranges[i];
		uint64_t first = rg->paddr / ps;
		uint64_t end = (rg->paddr + rg->memsz + ps - 1) / ps;
		uint64_t fend = (rg->paddr + rg->filesz + ps - 1) / ps;
		uint64_t pfn;

		if (end > r->max_pfn)
			end = r->max_pfn;
		if (fend > end)
			fend = end;
		if (first >= end)
			continue;
		r->nr_exist += end - first;
		if (d->format == DUMP_FMT_ELF) {
			if (rg->filesz)
				set_range(r->keep, first, fend);
			continue;
		}
		for (pfn = first; pfn < end; pfn++)
			if (dump_pfn_present(d, pfn) > 0)
				r->keep[pfn >> 3] |= (uint8_t)(1u << (pfn & 7));
	}
	/* partial pages shared by two ranges were counted twice */
	if (r->nr_exist > r->max_pfn)
		r->nr_exist = r->max_pfn;
}

static void drop(struct pg *p, int bits, const char *what, const char *missing)
{
	int old = p->level;

	if (!(p->level & bits))
		return;
	p->level &= ~bits;
	log_warnx("filter: VMCOREINFO has no %s: keeping %s (dump level %d -> %d)",
		  missing, what, old, p->level);
}

/* Decide which level bits we can honour with this VMCOREINFO. */
static void check_entries(struct dump *d, struct pg *p)
{
	uint64_t v;
	const char *miss = NULL;

	if (vmcoreinfo_symbol(d, "mem_section", &v))
		miss = "SYMBOL(mem_section)";
	else if (vmcoreinfo_size(d, "mem_section", &v))
		miss = "SIZE(mem_section)";
	else if (get_off(d, "mem_section.section_mem_map") == NOT_FOUND)
		miss = "OFFSET(mem_section.section_mem_map)";
	else if (get_num(d, "SECTION_SIZE_BITS") == NOT_FOUND)
		miss = "NUMBER(SECTION_SIZE_BITS)";
	else if (vmcoreinfo_size(d, "page", &p->sz_page) || !p->sz_page ||
		 p->sz_page > p->page_size)
		miss = "SIZE(page) (or it is out of range)";
	else if (checked_field(p->o_flags, 8, p->sz_page))
		miss = "OFFSET(page.flags) (or it is out of range)";
	else if (checked_field(p->o_mapping, 8, p->sz_page))
		miss = "OFFSET(page.mapping) (or it is out of range)";
	if (miss) {
		drop(p, ~FILTER_ZERO, "all pages but zero pages", miss);
		return;
	}
	/* optional fields past the struct page are as good as missing */
	if (checked_field(p->o_mapcount, 4, p->sz_page))
		p->o_mapcount = NOT_FOUND;
	if (checked_field(p->o_private, 8, p->sz_page))
		p->o_private = NOT_FOUND;
	if (checked_field(p->o_chead, 8, p->sz_page))
		p->o_chead = NOT_FOUND;
	if (checked_field(p->o_corder, 2, p->sz_page))
		p->o_corder = NOT_FOUND;
	if (checked_field(p->o_cdtor, 2, p->sz_page))
		p->o_cdtor = NOT_FOUND;

	if (p->pg_lru == NOT_FOUND)
		drop(p, FILTER_CACHE | FILTER_CACHE_PRIVATE, "page cache", "NUMBER(PG_lru)");
	else if (p->pg_private == NOT_FOUND)
		drop(p, FILTER_CACHE | FILTER_CACHE_PRIVATE, "page cache", "NUMBER(PG_private)");
	else if (p->pg_swapcache == NOT_FOUND)
		drop(p, FILTER_CACHE | FILTER_CACHE_PRIVATE, "page cache", "NUMBER(PG_swapcache)");

	/* an anonymous mapping bit is only meaningful outside slab pages */
	if (p->pg_slab == NOT_FOUND && p->slab_mc == NOT_FOUND)
		drop(p, FILTER_USER | FILTER_FREE, "user and free pages", "NUMBER(PG_slab)");

	if (p->o_private == NOT_FOUND)
		drop(p, FILTER_FREE, "free pages", "OFFSET(page.private)");
	else if (p->buddy_mc != NOT_FOUND) {
		if (p->o_mapcount == NOT_FOUND)
			drop(p, FILTER_FREE, "free pages", "OFFSET(page._mapcount)");
	} else if (p->pg_buddy == NOT_FOUND) {
		drop(p, FILTER_FREE, "free pages", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
	}
}

static inline uint64_t rd64(const unsigned char *p, int64_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static inline int32_t rd32(const unsigned char *p, int64_t off)
{
	int32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static inline int bit(uint64_t flags, int64_t nr)
{
	return nr != NOT_FOUND && nr >= 0 && nr < 64 && ((flags >> nr) & 1);
}

static int is_slab(const struct pg *p, uint64_t flags, int32_t mc)
{
	if (p->slab_mc != NOT_FOUND && mc == (int32_t)p->slab_mc)
		return 1;
	return bit(flags, p->pg_slab);
}

static int is_buddy(const struct pg *p, uint64_t flags, int32_t mc)
{
	if (p->buddy_mc != NOT_FOUND)
		return !is_slab(p, flags, mc) && mc == (int32_t)p->buddy_mc;
	return bit(flags, p->pg_buddy);
}

static int is_cache(const struct pg *p, uint64_t flags)
{
	if (bit(flags, p->pg_lru))
		return 1;
	/* PG_swapcache only counts with PG_swapbacked (>= 4.10) */
	return (p->pg_swapbacked == NOT_FOUND || bit(flags, p->pg_swapbacked)) &&
	       bit(flags, p->pg_swapcache);
}

/* Clear [pfn, pfn + n), counting the pages that were kept until now. */
static void exclude(struct pg *p, uint64_t pfn, uint64_t n, uint64_t *counter)
{
	uint64_t end = pfn + n;

	if (end > p->max_pfn)
		end = p->max_pfn;
	for (; pfn < end; pfn++) {
		if (filter_test(p->keep, pfn)) {
			filter_clear(p->keep, pfn);
			(*counter)++;
		}
	}
}

/*
 * One chunk of struct pages (CHUNK_PAGES of them, the first for pfn0,
 * which is CHUNK_PAGES aligned). Returns the first pfn after what it
 * decided (a compound or buddy block may run past the chunk).
 */
static uint64_t scan_chunk(struct pg *p, const unsigned char *buf,
			   uint64_t pfn0, uint64_t npages, uint64_t from)
{
	struct filter_result *r = p->r;
	uint64_t i;

	for (i = from - pfn0; i < npages; i++) {
		const unsigned char *pg = buf + i * p->sz_page;
		uint64_t pfn = pfn0 + i, flags, mapping, priv = 0, n;
		unsigned int order = 0;
		int32_t mc = -1;
		int hugetlb = 0, anon;
		uint64_t *counter;

		if (!filter_test(p->keep, pfn))
			continue;
		flags = rd64(pg, p->o_flags);
		mapping = rd64(pg, p->o_mapping);
		if (p->o_mapcount != NOT_FOUND)
			mc = rd32(pg, p->o_mapcount);
		if (p->o_private != NOT_FOUND)
			priv = rd64(pg, p->o_private);
		/* tail pages are decided with their head */
		if (p->o_chead != NOT_FOUND && (rd64(pg, p->o_chead) & 1))
			continue;

		/*
		 * Compound head: order and destructor live in the first tail
		 * page, which is in this chunk (compound pages are aligned to
		 * their size, so a head is never the chunk's last page).
		 */
		if (p->head_mask != NOT_FOUND && (flags & (uint64_t)p->head_mask) &&
		    i + 1 < npages) {
			const unsigned char *t = pg + p->sz_page;
			uint64_t dtor = 0;

			if (p->hugetlb_mc != NOT_FOUND) {		/* >= 6.9 */
				order = rd64(t, p->o_flags) & 0xff;
				hugetlb = mc == (int32_t)p->hugetlb_mc;
			} else if (p->pg_hugetlb != NOT_FOUND) {	/* >= 6.6 */
				uint64_t f1 = rd64(t, p->o_flags);

				order = f1 & 0xff;
				hugetlb = bit(f1, p->pg_hugetlb);
			} else {
				int big = p->kver >= KV(4u, 16u);

				if (p->o_corder != NOT_FOUND)
					order = big ? t[p->o_corder] :
						(unsigned int)(t[p->o_corder] | (t[p->o_corder + 1] << 8));
				if (p->o_cdtor != NOT_FOUND)
					dtor = big ? t[p->o_cdtor] :
						(uint64_t)(t[p->o_cdtor] | (t[p->o_cdtor + 1] << 8));
				hugetlb = p->hugetlb_dtor != NOT_FOUND &&
					  dtor == (uint64_t)p->hugetlb_dtor;
			}
			if (order >= 64 || (pfn & ((1ULL << order) - 1)))
				order = 0;
		}
		n = 1ULL << order;
		anon = (mapping & 1) && !is_slab(p, flags, mc);

		if ((p->level & FILTER_FREE) && is_buddy(p, flags, mc)) {
			if (p->max_order != NOT_FOUND && priv >= (uint64_t)p->max_order)
				continue;	/* not a believable order: keep */
			if (priv >= 64 || (pfn & ((1ULL << priv) - 1)))
				continue;
			n = 1ULL << priv;
			counter = &r->excl_free;
		} else if (p->unaccepted_mc != NOT_FOUND && (p->level & FILTER_FREE) &&
			   mc == (int32_t)p->unaccepted_mc && p->max_order != NOT_FOUND) {
			n = 1ULL << (p->max_order - 1);
			counter = &r->excl_free;
		} else if ((p->level & FILTER_CACHE) && is_cache(p, flags) &&
			   !bit(flags, p->pg_private) && !anon) {
			counter = &r->excl_cache;
		} else if ((p->level & FILTER_CACHE_PRIVATE) && is_cache(p, flags) && !anon) {
			counter = bit(flags, p->pg_private) ? &r->excl_cache_private :
				  &r->excl_cache;
		} else if ((p->level & FILTER_USER) && (anon || hugetlb)) {
			counter = &r->excl_user;
		} else if (bit(flags, p->pg_hwpoison)) {
			counter = &r->excl_hwpoison;
		} else if (p->offline_mc != NOT_FOUND && !is_slab(p, flags, mc) &&
			   mc == (int32_t)p->offline_mc) {
			counter = &r->excl_offline;
		} else {
			continue;
		}
		exclude(p, pfn, n, counter);
		if (n > 1 && i + n > npages)
			return pfn + n;
		if (n > 1)
			i += n - 1;
	}
	return pfn0 + npages;
}

static int kvaddr(uint64_t a)
{
	return a >= 0xffff800000000000ULL;	/* x86_64 kernel half */
}

/* Any keep bit in [from, to)? */
static int any_kept(const uint8_t *bm, uint64_t from, uint64_t to)
{
	for (; from < to && (from & 7); from++)
		if (filter_test(bm, from))
			return 1;
	for (; from + 8 <= to; from += 8)
		if (bm[from >> 3])
			return 1;
	for (; from < to; from++)
		if (filter_test(bm, from))
			return 1;
	return 0;
}

/*
 * mem_map address of each section (0: none), from mem_section: with
 * SPARSEMEM_EXTREME an array of roots, each pointing at a page of
 * struct mem_section; without it one flat array.
 */
static int section_maps(struct dump *d, struct pg *p, uint64_t *maps, uint64_t nsec)
{
	uint64_t sym, sz_ms, nroots_ex, spr, i, nsec_max;
	int64_t o_map = get_off(d, "mem_section.section_mem_map");
	int64_t bits = get_num(d, "SECTION_SIZE_BITS");
	int64_t phys = get_num(d, "MAX_PHYSMEM_BITS");
	uint64_t len = 0, *roots = NULL;
	unsigned char *secbuf = NULL;
	int extreme, attempt, ret = -ENOENT, found;

	vmcoreinfo_symbol(d, "mem_section", &sym);
	vmcoreinfo_size(d, "mem_section", &sz_ms);
	if (!sz_ms || sz_ms > p->page_size || o_map < 0 || (uint64_t)o_map + 8 > sz_ms)
		return -EINVAL;
	if (phys == NOT_FOUND) {
		phys = d->pgtable_l5 ? 52 : 46;
		log_warnx("filter: VMCOREINFO has no NUMBER(MAX_PHYSMEM_BITS), assuming %lld",
			  (long long)phys);
	}
	if (phys <= bits || phys - bits > 40)
		return -EINVAL;
	nsec_max = 1ULL << (phys - bits);
	nroots_ex = (nsec_max + p->page_size / sz_ms - 1) / (p->page_size / sz_ms);
	extreme = vmcoreinfo_length(d, "mem_section", &len) || len == nroots_ex;
	spr = extreme ? p->page_size / sz_ms : 1;

	secbuf = malloc(spr * sz_ms);
	if (!secbuf)
		return -ENOMEM;
	if (extreme) {
		uint64_t nroots = (nsec + spr - 1) / spr;

		roots = calloc(nroots, 8);
		if (!roots) {
			free(secbuf);
			return -ENOMEM;
		}
		/*
		 * VMCOREINFO gives the root array itself; a vmlinux symbol
		 * would be the pointer to it. Try the first, then the other.
		 */
		for (attempt = 0; attempt < 2; attempt++) {
			uint64_t base = sym;

			if (attempt == 1 && dump_read_u64(d, sym, &base))
				break;
			if (dump_read_virt(d, base, roots, nroots * 8))
				continue;
			found = 0;
			memset(maps, 0, nsec * 8);
			for (i = 0; i < nroots && found >= 0; i++) {
				uint64_t j, n = nsec - i * spr < spr ? nsec - i * spr : spr;

				if (!roots[i])
					continue;
				if (!kvaddr(roots[i]) || dump_read_virt(d, roots[i], secbuf, n * sz_ms)) {
					found = -1;
					break;
				}
				for (j = 0; j < n; j++) {
					uint64_t m = rd64(secbuf + j * sz_ms, o_map);

					if (!(m & 1))		/* SECTION_MARKED_PRESENT */
						continue;
					m &= ~((1ULL << 5) - 1);	/* SECTION_MAP_MASK */
					if (!kvaddr(m)) {
						found = -1;
						break;
					}
					maps[i * spr + j] = m;
					found = 1;
				}
			}
			if (found == 1) {
				ret = 0;
				break;
			}
		}
	} else {
		unsigned char *all = malloc(nsec * sz_ms);

		ret = all ? -EIO : -ENOMEM;
		if (all && !dump_read_virt(d, sym, all, nsec * sz_ms)) {
			ret = -ENOENT;
			for (i = 0; i < nsec; i++) {
				uint64_t m = rd64(all + i * sz_ms, o_map);

				maps[i] = 0;
				if (!(m & 1))
					continue;
				m &= ~((1ULL << 5) - 1);
				if (!kvaddr(m)) {
					ret = -EINVAL;
					break;
				}
				maps[i] = m;
				ret = 0;
			}
		}
		free(all);
	}
	free(roots);
	free(secbuf);
	return ret;
}

static int scan_mem_map(struct dump *d, struct pg *p)
{
	uint64_t bits = (uint64_t)get_num(d, "SECTION_SIZE_BITS");
	unsigned int page_shift = (unsigned int)__builtin_ctzll(p->page_size);
	uint64_t pfn_shift, pps, nsec, s, *maps;
	unsigned char *buf;
	uint64_t unread = 0, next = 0;
	int ret;

	if (bits <= page_shift || bits >= 48)
		return -EINVAL;
	pfn_shift = bits - page_shift;
	pps = 1ULL << pfn_shift;
	nsec = (p->max_pfn + pps - 1) / pps;
	maps = calloc(nsec ? nsec : 1, 8);
	buf = malloc((CHUNK_PAGES + 1) * p->sz_page);
	if (!maps || !buf) {
		ret = -ENOMEM;
		goto out;
	}
	ret = section_maps(d, p, maps, nsec);
	if (ret)
		goto out;

	for (s = 0; s < nsec; s++) {
		uint64_t start = s * pps, end = start + pps, pfn;

		if (end > p->max_pfn)
			end = p->max_pfn;
		if (!maps[s] || !any_kept(p->keep, start, end))
			continue;	/* no mem_map: nothing to decide, keep */
		for (pfn = start; pfn < end; pfn += CHUNK_PAGES) {
			uint64_t n = end - pfn < CHUNK_PAGES ? end - pfn : CHUNK_PAGES;

			if (p->progress)
				p->progress(p->progress_arg, pfn, p->max_pfn);
			if (next >= pfn + n || !any_kept(p->keep, pfn, pfn + n))
				continue;
			if (dump_read_virt(d, maps[s] + pfn * p->sz_page, buf,
					   n * p->sz_page)) {
				unread += n;	/* fail safe: keep them */
				continue;
			}
			next = scan_chunk(p, buf, pfn, n, next > pfn ? next : pfn);
		}
	}
	if (unread)
		log_warnx("filter: could not read struct page of %llu pages: kept them",
			  (unsigned long long)unread);
	ret = 0;
out:
	free(maps);
	free(buf);
	return ret;
}

int filter_build(struct dump *d, int level, struct filter_result *r,
		 void (*progress)(void *arg, uint64_t done, uint64_t total), void *progress_arg)
{
	struct pg p;
	uint64_t v;
	int ret;

	memset(r, 0, sizeof(*r));
	r->max_pfn = d->max_pfn;
	r->bytes = (d->max_pfn + 63) / 64 * 8;
	r->keep = calloc(r->bytes ? r->bytes : 8, 1);
	if (!r->keep)
		return -ENOMEM;
	base_bitmap(d, r);

	memset(&p, 0, sizeof(p));
	p.level = level & 31;
	p.keep = r->keep;
	p.max_pfn = r->max_pfn;
	p.r = r;
	p.progress = progress;
	p.progress_arg = progress_arg;
	p.page_size = d->page_size;
	p.kver = kernel_version(d);
	p.o_flags = get_off(d, "page.flags");
	p.o_mapping = get_off(d, "page.mapping");
	p.o_mapcount = get_off(d, "page._mapcount");
	p.o_private = get_off(d, "page.private");
	p.o_chead = get_off(d, "page.compound_head");
	p.o_corder = get_off(d, "page.compound_order");
	p.o_cdtor = get_off(d, "page.compound_dtor");
	p.pg_lru = get_num(d, "PG_lru");
	p.pg_private = get_num(d, "PG_private");
	p.pg_swapcache = get_num(d, "PG_swapcache");
	p.pg_swapbacked = get_num(d, "PG_swapbacked");
	p.pg_slab = get_num(d, "PG_slab");
	p.pg_buddy = get_num(d, "PG_buddy");
	p.pg_hwpoison = get_num(d, "PG_hwpoison");
	p.pg_hugetlb = get_num(d, "PG_hugetlb");
	p.head_mask = get_num(d, "PG_head_mask");
	p.buddy_mc = get_num(d, "PAGE_BUDDY_MAPCOUNT_VALUE");
	p.offline_mc = get_num(d, "PAGE_OFFLINE_MAPCOUNT_VALUE");
	p.slab_mc = get_num(d, "PAGE_SLAB_MAPCOUNT_VALUE");
	p.hugetlb_mc = get_num(d, "PAGE_HUGETLB_MAPCOUNT_VALUE");
	p.unaccepted_mc = get_num(d, "PAGE_UNACCEPTED_MAPCOUNT_VALUE");
	p.hugetlb_dtor = get_num(d, "HUGETLB_PAGE_DTOR");
	p.max_order = vmcoreinfo_length(d, "zone.free_area", &v) ? NOT_FOUND : (int64_t)v;

	if (p.level & ~FILTER_ZERO) {
		if (!d->vmcoreinfo)
			drop(&p, ~FILTER_ZERO, "all pages but zero pages", "VMCOREINFO note");
		else
			check_entries(d, &p);
	}
	if (p.level & ~FILTER_ZERO) {
		ret = scan_mem_map(d, &p);
		if (ret) {
			/*
			 * Nothing was cleared yet when scan_mem_map fails (no
			 * memory for its buffers, mem_section unreadable or
			 * out of range): a lower level, never a lost dump.
			 */
			log_errno(-ret, "filter: cannot read mem_section or mem_map: keeping all but zero pages (dump level %d -> %d)",
				  p.level, p.level & FILTER_ZERO);
			p.level &= FILTER_ZERO;
		}
	}
	r->level = p.level;
	r->nr_keep = filter_count(r->keep, r->bytes);
	if (progress)
		progress(progress_arg, r->max_pfn, r->max_pfn);
	return 0;
}

void filter_free(struct filter_result *r)
{
	free(r->keep);
	r->keep = NULL;
}
