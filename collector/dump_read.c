// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The memory image of the crashed kernel, whatever holds it.
 *
 * dump_open_fd() recognises the container from its first bytes, lets the
 * reader for it (dump_elf.c, dump_kdump.c, dump_flat.c) fill in the ranges,
 * the notes and a read_page() method, then works out the x86_64 address
 * translation from VMCOREINFO: kernel-image addresses are a constant offset
 * from phys_base, direct-map addresses one from page_offset, and anything
 * else (vmemmap, vmalloc, modules) is a walk of the 4- or 5-level page
 * tables rooted at init_top_pgt.
 *
 * Physical reads of less than a page go through a small page cache (page
 * table walks touch the same few pages again and again) and translations
 * through a small TLB, so reading the kernel's data structures stays cheap
 * even when every page costs a decompression.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checked.h"
#include "io.h"
#include "dump_read.h"
#include "dump_read_priv.h"

#define PTE_PRESENT	0x001ULL
#define PTE_PSE		0x080ULL	/* 2M (PMD) or 1G (PUD) leaf */
#define PTE_ADDR_MASK	0x000ffffffffff000ULL	/* bits 12..51 */

/* Where KASLR may put the direct map (arch/x86/mm/kaslr.c), 4/5 levels */
#define PAGE_OFFSET_BASE_L4	0xffff888000000000ULL
#define PAGE_OFFSET_BASE_L5	0xff11000000000000ULL
#define KASLR_REGIONS_END	0xfffffe0000000000ULL	/* CPU_ENTRY_AREA_BASE */

/* ---- container reads ---- */

int dump_pread(struct dump *d, void *buf, size_t len, uint64_t off)
{
	if (d->in && d->in->pread)
		return d->in->pread(d, buf, len, off);
	return io_pread_all(d->fd, buf, len, off);
}

int dump_ra_read(struct dump *d, struct dump_ra *ra, void *buf, size_t len,
		 uint64_t off)
{
	size_t win, n;
	int ret;

	if (ra->len && off >= ra->off && checked_range(off - ra->off, len, ra->len) == 0) {
		memcpy(buf, ra->buf + (off - ra->off), len);
		ra->next = off + len;
		return 0;
	}
	if (off != ra->next || len >= DUMP_RA_MAX / 2) {
		/*
		 * Not where the stream was going: read just this, and start
		 * over with a small window if the next read follows it. The
		 * buffer is kept: reads that fall back into it still hit.
		 */
		ret = dump_pread(d, buf, len, off);
		ra->next = off + len;
		ra->win = 0;
		return ret;
	}
	if (!ra->buf) {
		ra->buf = malloc(DUMP_RA_MAX);
		if (!ra->buf)
			return dump_pread(d, buf, len, off);
	}
	win = ra->win ? ra->win * 2 : 64 * 1024;
	if (win > DUMP_RA_MAX)
		win = DUMP_RA_MAX;
	n = win;
	if (d->file_size > off && d->file_size - off < n)
		n = (size_t)(d->file_size - off);
	if (n < len)
		n = len;
	ret = dump_pread(d, ra->buf, n, off);
	if (ret == -ENODATA && n > len) {
		/* the file is shorter than it said: fall back to the read asked */
		ra->len = 0;
		ra->next = off + len;
		return dump_pread(d, buf, len, off);
	}
	if (ret) {
		ra->len = 0;
		return ret;
	}
	ra->off = off;
	ra->len = n;
	ra->win = win;
	ra->next = off + len;
	memcpy(buf, ra->buf, len);
	return 0;
}

void dump_ra_free(struct dump_ra *ra)
{
	free(ra->buf);
	memset(ra, 0, sizeof(*ra));
}

/* ---- ranges ---- */

int dump_range_find(struct dump *d, uint64_t paddr)
{
	int lo = 0, hi = d->nr_ranges - 1, mid, i;
	struct dump_range *r;

	i = d->in ? d->in->last_range : 0;
	if (i >= 0 && i < d->nr_ranges) {
		r = &d->ranges[i];
		if (paddr >= r->paddr && paddr - r->paddr < r->memsz)
			return i;
	}
	/* last range starting at or below paddr */
	i = -1;
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if (d->ranges[mid].paddr <= paddr) {
			i = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (i < 0 || paddr - d->ranges[i].paddr >= d->ranges[i].memsz)
		return -1;
	if (d->in)
		d->in->last_range = i;
	return i;
}

static int range_cmp(const void *a, const void *b)
{
	const struct dump_range *x = a, *y = b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	if (x->memsz != y->memsz)
		return x->memsz > y->memsz ? -1 : 1;
	return 0;
}

int dump_ranges_normalise(struct dump *d)
{
	struct dump_range *r;
	uint64_t end = 0, delta;
	int i, n = 0;

	qsort(d->ranges, (size_t)d->nr_ranges, sizeof(*d->ranges), range_cmp);
	for (i = 0; i < d->nr_ranges; i++) {
		r = &d->ranges[i];
		if (!r->memsz)
			continue;
		if (n && r->paddr < end) {
			if (r->paddr + r->memsz <= end)
				continue;	/* e.g. kernel text inside RAM */
			delta = end - r->paddr;
			r->paddr += delta;
			if (r->vaddr)
				r->vaddr += delta;
			r->offset += delta;
			r->memsz -= delta;
			r->filesz = r->filesz > delta ? r->filesz - delta : 0;
		}
		d->ranges[n++] = *r;
		end = r->paddr + r->memsz;
	}
	d->nr_ranges = n;
	return 0;
}

int dump_pfn_exists(const struct dump *d, uint64_t pfn)
{
	uint64_t pa = pfn * d->page_size, pe = pa + d->page_size;
	int lo = 0, hi = d->nr_ranges - 1, mid;
	const struct dump_range *r;

	/* any range overlapping [pa, pe) */
	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		r = &d->ranges[mid];
		if (r->paddr + r->memsz <= pa)
			lo = mid + 1;
		else if (r->paddr >= pe)
			hi = mid - 1;
		else
			return 1;
	}
	return 0;
}

int dump_pfn_present(struct dump *d, uint64_t pfn)
{
	uint64_t pa, pe, lo_b, hi_b;
	int i;

	if (pfn >= d->max_pfn)
		return 0;
	if (d->in->pfn_present)
		return d->in->pfn_present(d, pfn);
	pa = pfn * d->page_size;
	pe = pa + d->page_size;
	for (i = 0; i < d->nr_ranges; i++) {
		struct dump_range *r = &d->ranges[i];

		if (r->paddr >= pe)
			break;
		lo_b = r->paddr > pa ? r->paddr : pa;
		hi_b = r->paddr + r->filesz < pe ? r->paddr + r->filesz : pe;
		if (lo_b < hi_b)
			return 1;
	}
	return 0;
}

int dump_count_pages(struct dump *d, uint64_t *exist, uint64_t *present)
{
	uint64_t ps = d->page_size, first, last, prev_m = UINT64_MAX,
		 prev_f = UINT64_MAX, ne = 0, np = 0;
	int i;

	if (d->in->count_pages)
		return d->in->count_pages(d, exist, present);
	for (i = 0; i < d->nr_ranges; i++) {
		struct dump_range *r = &d->ranges[i];

		first = r->paddr / ps;
		last = (r->paddr + r->memsz - 1) / ps;
		ne += last - first + 1 - (first == prev_m);
		prev_m = last;
		if (!r->filesz)
			continue;
		last = (r->paddr + r->filesz - 1) / ps;
		np += last - first + 1 - (first == prev_f);
		prev_f = last;
	}
	*exist = ne;
	*present = np;
	return 0;
}

int dump_check_complete(struct dump *d, char *why, size_t whylen)
{
	if (whylen)
		why[0] = '\0';
	if (d->in->flat_truncated) {
		snprintf(why, whylen, "flattened stream ends without its end record");
		return 1;
	}
	if (d->in->check)
		return d->in->check(d, why, whylen);
	return 0;
}

/* ---- page reads ---- */

int dump_read_page(struct dump *d, uint64_t pfn, void *buf)
{
	int ret;

	if (pfn >= d->max_pfn) {
		memset(buf, 0, d->page_size);
		return -ENOENT;
	}
	ret = d->read_page(d, pfn, buf);
	if (ret == -ENODATA) {
		/* past the end of a truncated file: not in the image */
		memset(buf, 0, d->page_size);
		ret = -ENOENT;
	}
	return ret;
}

/* A page through the small cache; returns its data or NULL with *err. */
static const char *cached_page(struct dump *d, uint64_t pfn, int *err)
{
	struct dump_internal *in = d->in;
	unsigned int i;
	char *p;

	for (i = 0; i < in->pc_used; i++) {
		if (in->pc_pfn[i] == pfn) {
			*err = in->pc_ret[i];
			return *err ? NULL : in->pc_data + i * d->page_size;
		}
	}
	if (in->pc_used < DUMP_PCACHE_PAGES) {
		i = in->pc_used++;
	} else {
		i = in->pc_next;
		in->pc_next = (in->pc_next + 1) % DUMP_PCACHE_PAGES;
	}
	p = in->pc_data + i * d->page_size;
	in->pc_pfn[i] = pfn;
	in->pc_ret[i] = dump_read_page(d, pfn, p);
	if (in->pc_ret[i] != 0 && in->pc_ret[i] != -ENOENT) {
		/* I/O errors are not remembered: the next try may work */
		in->pc_pfn[i] = UINT64_MAX;
	}
	*err = in->pc_ret[i];
	return *err ? NULL : p;
}

int dump_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len)
{
	uint64_t ps = d->page_size, pfn, off;
	size_t chunk;
	const char *page;
	char *out = buf;
	int ret;

	while (len) {
		pfn = paddr / ps;
		off = paddr % ps;
		chunk = ps - off < len ? (size_t)(ps - off) : len;
		if (chunk == ps) {
			ret = dump_read_page(d, pfn, out);
			if (ret)
				return ret;
		} else {
			page = cached_page(d, pfn, &ret);
			if (!page)
				return ret;
			memcpy(out, page + off, chunk);
		}
		out += chunk;
		paddr += chunk;
		len -= chunk;
	}
	return 0;
}

/* ---- address translation ---- */

static int pt_entry(struct dump *d, uint64_t table, unsigned int idx,
		    uint64_t *e)
{
	int ret = dump_read_phys(d, table + idx * 8, e, 8);

	if (ret)
		return ret;
	return (*e & PTE_PRESENT) ? 0 : -EFAULT;
}

/*
 * Walk the page tables: *pa and the size of the mapping that holds va.
 * -EFAULT when va is not mapped; then *hole is the log2 size of the
 * unmapped region around it (the entry that was not present).
 */
static int vtop_walk(struct dump *d, uint64_t va, uint64_t *pa, uint64_t *size,
		     unsigned int *hole)
{
	static const unsigned int shift[] = { 0, 12, 21, 30, 39, 48 };
	uint64_t mask = PTE_ADDR_MASK & ~d->in->sme_mask, table, e, sz;
	int level = d->pgtable_l5 ? 5 : 4, ret;
	int64_t sva = (int64_t)va;

	/* canonical: bits above the top level's all equal */
	*hole = 0;
	if ((sva >> (d->pgtable_l5 ? 56 : 47)) != 0 &&
	    (sva >> (d->pgtable_l5 ? 56 : 47)) != -1)
		return -EFAULT;
	if (!d->pgd_paddr)
		return -ENOENT;
	table = d->pgd_paddr;
	for (; level >= 1; level--) {
		ret = pt_entry(d, table, (va >> shift[level]) & 511, &e);
		if (ret) {
			if (ret == -EFAULT)
				*hole = shift[level];
			return ret;
		}
		if ((level == 3 || level == 2) && (e & PTE_PSE)) {
			sz = 1ULL << shift[level];
			*pa = (e & mask & ~(sz - 1)) | (va & (sz - 1));
			*size = sz;
			return 0;
		}
		table = e & mask;
	}
	*pa = table | (va & 0xfff);
	*size = 4096;
	return 0;
}

int dump_vtop(struct dump *d, uint64_t vaddr, uint64_t *paddr)
{
	struct dump_internal *in = d->in;
	uint64_t pa, size;
	unsigned int i, hole;
	int ret;

	if (vaddr >= DUMP_START_KERNEL_MAP &&
	    vaddr - DUMP_START_KERNEL_MAP < in->kernel_image_size) {
		*paddr = vaddr - DUMP_START_KERNEL_MAP + d->phys_base;
		return 0;
	}
	if (in->have_page_offset && vaddr >= d->page_offset &&
	    vaddr - d->page_offset < d->max_pfn * d->page_size) {
		*paddr = vaddr - d->page_offset;
		return 0;
	}
	for (i = 0; i < DUMP_TLB_ENTRIES; i++) {
		size = in->tlb[i].size;
		if (size && vaddr - in->tlb[i].va < size) {
			*paddr = in->tlb[i].pa + (vaddr - in->tlb[i].va);
			return 0;
		}
	}
	ret = vtop_walk(d, vaddr, &pa, &size, &hole);
	if (ret)
		return ret;
	i = in->tlb_next;
	in->tlb_next = (i + 1) % DUMP_TLB_ENTRIES;
	in->tlb[i].va = vaddr & ~(size - 1);
	in->tlb[i].pa = pa & ~(size - 1);
	in->tlb[i].size = size;
	*paddr = pa;
	return 0;
}

int dump_read_virt(struct dump *d, uint64_t vaddr, void *buf, size_t len)
{
	uint64_t ps = d->page_size, pa;
	size_t chunk;
	char *out = buf;
	int ret;

	while (len) {
		chunk = ps - vaddr % ps;
		if (chunk > len)
			chunk = len;
		ret = dump_vtop(d, vaddr, &pa);
		if (ret)
			return ret;
		ret = dump_read_phys(d, pa, out, chunk);
		if (ret)
			return ret;
		out += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return 0;
}

int dump_read_u64(struct dump *d, uint64_t vaddr, uint64_t *val)
{
	return dump_read_virt(d, vaddr, val, sizeof(*val));
}

/*
 * No direct-map PT_LOAD (kdump-compressed files): the direct map is the
 * lowest mapping at or above the base KASLR randomises it from, and it is
 * linear, so va - pa of its first page is page_offset. Empty parts of the
 * address space are skipped a whole table entry at a time.
 */
static int find_page_offset(struct dump *d)
{
	uint64_t va = d->pgtable_l5 ? PAGE_OFFSET_BASE_L5 : PAGE_OFFSET_BASE_L4;
	uint64_t pa, size, next;
	unsigned int hole, walks = 0;
	int ret;

	/*
	 * A real direct map begins at its first present entry. Page tables
	 * whose leaves are all absent would be stepped 4 KiB at a time
	 * across the KASLR window (about 40 minutes): give up after a
	 * number of walks no real layout needs.
	 */
	while (va < KASLR_REGIONS_END && walks++ < 65536) {
		ret = vtop_walk(d, va, &pa, &size, &hole);
		if (ret == 0) {
			d->page_offset = va - pa;
			d->in->have_page_offset = 1;
			return 0;
		}
		if (ret != -EFAULT || !hole)
			return ret;
		next = (va | ((1ULL << hole) - 1)) + 1;
		if (next <= va)
			break;
		va = next;
	}
	return -ENOENT;
}

int dump_setup_x86_64(struct dump *d)
{
	struct dump_internal *in = d->in;
	const char *s;
	uint64_t sym;
	int64_t n;

	in->kernel_image_size = 512ULL << 20;
	if (vmcoreinfo_number(d, "KERNEL_IMAGE_SIZE", &n) == 0 && n > 0)
		in->kernel_image_size = (uint64_t)n;
	if (vmcoreinfo_number(d, "sme_mask", &n) == 0)
		in->sme_mask = (uint64_t)n;
	if (vmcoreinfo_number(d, "pgtable_l5_enabled", &n) == 0)
		d->pgtable_l5 = n != 0;
	s = vmcoreinfo_str(d, "KERNELOFFSET");
	if (s)
		d->kaslr_offset = strtoull(s, NULL, 16);
	if (vmcoreinfo_number(d, "phys_base", &n) == 0)
		d->phys_base = (uint64_t)n;

	if (vmcoreinfo_symbol(d, "init_top_pgt", &sym) == 0 ||
	    vmcoreinfo_symbol(d, "swapper_pg_dir", &sym) == 0) {
		if (sym >= DUMP_START_KERNEL_MAP)
			d->pgd_paddr = sym - DUMP_START_KERNEL_MAP + d->phys_base;
	}
	if (!in->have_page_offset && d->pgd_paddr)
		find_page_offset(d);	/* best effort: the walk still works */
	if (in->have_page_offset) {
		for (int i = 0; i < d->nr_ranges; i++) {
			if (!d->ranges[i].vaddr)
				d->ranges[i].vaddr = d->page_offset + d->ranges[i].paddr;
		}
	}
	return 0;
}

/* ---- open / close ---- */

const char *dump_format_name(enum dump_format f)
{
	switch (f) {
	case DUMP_FMT_ELF:
		return "ELF";
	case DUMP_FMT_KDUMP:
		return "kdump-compressed";
	case DUMP_FMT_FLAT:
		return "flattened";
	}
	return "unknown";
}

/* ---- identity ---- */

static void copy_field(char *dst, const char *src, size_t n)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

int dump_ident(struct dump *d, struct dump_ident *id)
{
	char uts[6 * 65];
	const char *s;
	uint64_t sym, off = sizeof(int);	/* kref before name, old kernels */

	memset(id, 0, sizeof(*id));
	s = vmcoreinfo_str(d, "OSRELEASE");
	if (s)
		copy_field(id->release, s, sizeof(id->release));
	else if (d->in && d->in->hdr_release[0])
		copy_field(id->release, d->in->hdr_release, sizeof(id->release));
	s = vmcoreinfo_str(d, "CRASHTIME");
	if (s)
		id->crash_time = strtoll(s, NULL, 10);
	else if (d->in)
		id->crash_time = d->in->hdr_time;

	/* struct new_utsname: sysname[65], nodename[65], release[65], ... */
	if (vmcoreinfo_symbol(d, "init_uts_ns", &sym) == 0) {
		vmcoreinfo_offset(d, "uts_namespace.name", &off);
		if (dump_read_virt(d, sym + off, uts, sizeof(uts)) == 0) {
			uts[sizeof(uts) - 1] = '\0';
			copy_field(id->nodename, uts + 65, sizeof(id->nodename));
			if (!id->release[0])
				copy_field(id->release, uts + 130,
					   sizeof(id->release));
		}
	}
	if (!id->nodename[0] && d->in && d->in->hdr_nodename[0])
		copy_field(id->nodename, d->in->hdr_nodename, sizeof(id->nodename));
	return id->release[0] || id->nodename[0] ? 0 : -ENOENT;
}
