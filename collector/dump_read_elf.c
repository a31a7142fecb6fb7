// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF64 core files: /proc/vmcore itself, a copy of it, or makedumpfile -E.
 *
 * Each PT_LOAD is a physical range; p_filesz < p_memsz means the rest of
 * it is not in the file (excluded: reads as zero, -ENOENT). On x86_64 the
 * first PT_LOAD of /proc/vmcore maps the kernel image at __START_KERNEL_map
 * and repeats pages of a RAM PT_LOAD; the ranges are kept by physical
 * address without overlap, so that page is read once, from RAM. Notes are
 * walked generically (device-dump notes may come first).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checked.h"
#include "dump_read.h"
#include "dump_read_priv.h"
#include "fmt_elf.h"

#define MAX_PHNUM		(1 << 20)
#define MAX_NOTES		(64 << 20)

struct elf_priv {
	struct dump_ra ra;
	uint64_t needed;	/* end of the furthest PT_LOAD/PT_NOTE data */
	uint32_t e_flags;
};

/* First range whose end is above pa (ranges are sorted, disjoint). */
static int range_lower(const struct dump *d, uint64_t pa)
{
	int lo = 0, hi = d->nr_ranges;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		const struct dump_range *r = &d->ranges[mid];

		if (r->paddr + r->memsz <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int elf_read_page(struct dump *d, uint64_t pfn, void *buf)
{
	struct elf_priv *e = d->priv;
	uint64_t ps = d->page_size, pa = pfn * ps, pe = pa + ps, lo, hi, rel;
	struct dump_range *r;
	int i, found = 0, ret;

	i = dump_range_find(d, pa);
	if (i >= 0) {
		r = &d->ranges[i];
		rel = pa - r->paddr;
		if (rel + ps <= r->filesz)
			return dump_ra_read(d, &e->ra, buf, ps, r->offset + rel);
	}
	/* a page at the edge of a range, or partly excluded */
	memset(buf, 0, ps);
	for (i = range_lower(d, pa); i < d->nr_ranges; i++) {
		r = &d->ranges[i];
		if (r->paddr >= pe)
			break;
		lo = r->paddr > pa ? r->paddr : pa;
		hi = r->paddr + r->filesz < pe ? r->paddr + r->filesz : pe;
		if (lo >= hi)
			continue;
		ret = dump_ra_read(d, &e->ra, (char *)buf + (lo - pa), hi - lo,
				   r->offset + (lo - r->paddr));
		if (ret)
			return ret;
		found = 1;
	}
	return found ? 0 : -ENOENT;
}

static int elf_pfn_present(struct dump *d, uint64_t pfn)
{
	uint64_t pa = pfn * d->page_size, pe = pa + d->page_size, lo, hi;
	int i;

	for (i = range_lower(d, pa); i < d->nr_ranges; i++) {
		struct dump_range *r = &d->ranges[i];

		if (r->paddr >= pe)
			break;
		lo = r->paddr > pa ? r->paddr : pa;
		hi = r->paddr + r->filesz < pe ? r->paddr + r->filesz : pe;
		if (lo < hi)
			return 1;
	}
	return 0;
}

static int elf_check(struct dump *d, char *why, size_t whylen)
{
	struct elf_priv *e = d->priv;

	if (e->e_flags & DUMP_ELF_INCOMPLETE) {
		snprintf(why, whylen, "ELF header flags the dump incomplete");
		return 1;
	}
	if (d->file_size && d->file_size < e->needed) {
		snprintf(why, whylen,
			 "file is %llu bytes, its program headers need %llu",
			 (unsigned long long)d->file_size,
			 (unsigned long long)e->needed);
		return 1;
	}
	return 0;
}

static void elf_release(struct dump *d)
{
	struct elf_priv *e = d->priv;

	if (!e)
		return;
	dump_ra_free(&e->ra);
	free(e);
	d->priv = NULL;
}

static int read_notes(struct dump *d, const Elf64_Phdr *ph, int phnum)
{
	char *buf = NULL, *nb;
	size_t len = 0;
	int i, ret;

	for (i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_NOTE || !ph[i].p_filesz)
			continue;
		if (ph[i].p_filesz > MAX_NOTES || len + ph[i].p_filesz > MAX_NOTES) {
			free(buf);
			return -EUCLEAN;
		}
		nb = realloc(buf, len + ph[i].p_filesz);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		ret = dump_pread(d, buf + len, ph[i].p_filesz, ph[i].p_offset);
		if (ret) {
			free(buf);
			return ret;
		}
		len += ph[i].p_filesz;
	}
	ret = dump_set_notes(d, buf ? buf : "", len);
	free(buf);
	return ret;
}

int dump_elf_open(struct dump *d)
{
	struct elf_priv *e;
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	Elf64_Phdr *ph = NULL;
	uint64_t phnum, end;
	int i, n, ret, have_base = 0;

	ret = dump_pread(d, &eh, sizeof(eh), 0);
	if (ret)
		return ret == -ENODATA ? -EUCLEAN : ret;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE)
		return -ENOTSUP;
	if (eh.e_machine != EM_X86_64)
		return -ENOTSUP;
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return -EUCLEAN;
	phnum = eh.e_phnum;
	if (phnum == PN_XNUM) {
		/* more than 65534: the real count is in section 0's sh_info */
		ret = dump_pread(d, &sh, sizeof(sh), eh.e_shoff);
		if (ret)
			return ret == -ENODATA ? -EUCLEAN : ret;
		phnum = sh.sh_info;
	}
	if (!phnum || phnum > MAX_PHNUM)
		return -EUCLEAN;

	e = calloc(1, sizeof(*e));
	ph = calloc(phnum, sizeof(*ph));
	d->ranges = calloc(phnum, sizeof(*d->ranges));
	if (!e || !ph || !d->ranges) {
		free(e);
		free(ph);
		return -ENOMEM;
	}
	d->priv = e;
	d->release = elf_release;
	d->read_page = elf_read_page;
	d->in->pfn_present = elf_pfn_present;
	d->in->check = elf_check;
	e->e_flags = eh.e_flags;
	if (eh.e_flags & DUMP_ELF_INCOMPLETE)
		d->incomplete = 1;

	ret = dump_pread(d, ph, phnum * sizeof(*ph), eh.e_phoff);
	if (ret) {
		ret = ret == -ENODATA ? -EUCLEAN : ret;
		goto out;
	}
	e->needed = eh.e_phoff + phnum * sizeof(*ph);
	for (i = 0, n = 0; i < (int)phnum; i++) {
		Elf64_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD && p->p_type != PT_NOTE)
			continue;	/* incomplete -E files have PT_NULL here */
		if (checked_add(p->p_offset, p->p_filesz, &end)) {
			ret = -EUCLEAN;
			goto out;
		}
		if (end > e->needed)
			e->needed = end;
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_filesz > p->p_memsz || checked_add(p->p_paddr, p->p_memsz, &end)) {
			ret = -EUCLEAN;
			goto out;
		}
		/*
		 * Bytes past the end of the file are not in the dump (cut
		 * short: elf_check says so): the pages are absent, not pages
		 * to read and fail on one by one.
		 */
		if (d->file_size && checked_range(p->p_offset, p->p_filesz, d->file_size))
			p->p_filesz = p->p_offset < d->file_size ?
				      d->file_size - p->p_offset : 0;
		if (p->p_vaddr >= DUMP_START_KERNEL_MAP) {
			/* kernel text: phys_base = where __START_KERNEL_map points */
			if (!have_base) {
				d->phys_base = p->p_paddr -
					       (p->p_vaddr - DUMP_START_KERNEL_MAP);
				have_base = 1;
			}
		} else if (p->p_vaddr > p->p_paddr) {
			/* direct map; makedumpfile takes the last one too */
			d->page_offset = p->p_vaddr - p->p_paddr;
			d->in->have_page_offset = 1;
		}
		d->ranges[n].paddr = p->p_paddr;
		d->ranges[n].vaddr = p->p_vaddr;
		d->ranges[n].memsz = p->p_memsz;
		d->ranges[n].filesz = p->p_filesz;
		d->ranges[n].offset = p->p_offset;
		n++;
	}
	d->nr_ranges = n;
	ret = dump_ranges_normalise(d);
	if (ret)
		goto out;
	/* the kernel-text range is gone if RAM covered it: fix vaddrs */
	for (i = 0; i < d->nr_ranges; i++) {
		if (d->ranges[i].vaddr >= DUMP_START_KERNEL_MAP)
			d->ranges[i].vaddr = d->in->have_page_offset ?
				d->page_offset + d->ranges[i].paddr : 0;
	}
	ret = read_notes(d, ph, (int)phnum);
out:
	free(ph);
	return ret;
}
