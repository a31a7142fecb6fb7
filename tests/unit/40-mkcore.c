// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 40-mkcore: a small synthetic /proc/vmcore with a mem_map, for the
 * writer and page-filter tests.
 *
 *   40-mkcore [-x PREFIX]... OUT.elf MANIFEST
 *
 * 16 MiB of "physical memory": RAM at [0x1000, 0x9fc00) (partial last
 * page) and [0x100000, 0x1000000), the kernel image mapped at
 * 0xffffffff81000000 from 0x200000 (a second PT_LOAD repeating those RAM
 * pages, as on x86_64). VMCOREINFO as Linux 6.1 exports it, with
 * SPARSEMEM_EXTREME mem_section roots and struct pages in the direct map,
 * which init_top_pgt maps with one 1 GiB page (the kernel image with a
 * 2 MiB one).
 * The struct pages describe free buddy blocks, page cache, anonymous and
 * hugetlb pages, compound pages, slab and offline pages; MANIFEST gets one
 * line "pfn classes" per pfn of RAM, classes being letters of:
 *   Z zero page, C page cache, P page cache with PG_private, U user
 *   (anon/hugetlb), F free, O offline, K always kept (kernel)
 * -x PREFIX leaves out the VMCOREINFO lines starting with PREFIX.
 *
 * Test-only code: it exits on errors.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS		4096ULL
#define MAX_PFN		0x1000ULL
#define PAGE_OFFSET	0xffff888000000000ULL
#define TEXT_VA		0xffffffff81000000ULL
#define TEXT_PA		0x200000ULL
#define TEXT_SIZE	0x200000ULL
#define MEMMAP_PA	0x800000ULL
#define ROOTS_PA	0x900000ULL
#define SECTIONS_PA	0x901000ULL
#define UTS_OFF		0x1000ULL	/* init_uts_ns, in the kernel image */
#define PGT_OFF		0x180000ULL	/* init_top_pgt, and the PUD after it */

/* struct page of Linux 6.1 (x86_64) */
#define SZ_PAGE		64
#define O_FLAGS		0
#define O_CHEAD		8
#define O_DTOR		16
#define O_ORDER		17
#define O_MAPPING	24
#define O_PRIVATE	40
#define O_MAPCOUNT	48
#define O_REFCOUNT	52
#define PG_LRU		4
#define PG_SLAB		9
#define PG_SWAPCACHE	10
#define PG_PRIVATE	13
#define PG_HEAD		16
#define PG_SWAPBACKED	19
#define BUDDY		(-129)
#define OFFLINE		(-257)

static const struct { uint64_t pa, len; } ram[] = {
	{ 0x1000, 0x9ec00 },
	{ 0x100000, 0xf00000 },
};

static unsigned char *mem;		/* physical memory, MAX_PFN pages */
static char cls[MAX_PFN][8];		/* classes per pfn */
static char vmcoreinfo[8192];
static size_t vi_len;
static const char *skip[16];
static int nskip;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void vi(const char *line)
{
	int i;

	for (i = 0; i < nskip; i++)
		if (!strncmp(line, skip[i], strlen(skip[i])))
			return;
	vi_len += (size_t)snprintf(vmcoreinfo + vi_len, sizeof(vmcoreinfo) - vi_len,
				   "%s\n", line);
}

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(mem + pa, &v, 8);
}

static void put32(uint64_t pa, uint32_t v)
{
	memcpy(mem + pa, &v, 4);
}

static uint64_t page(uint64_t pfn)		/* address of struct page */
{
	return MEMMAP_PA + pfn * SZ_PAGE;
}

static void mark(uint64_t pfn, const char *c)
{
	strncat(cls[pfn], c, sizeof(cls[pfn]) - strlen(cls[pfn]) - 1);
}

static void flags(uint64_t pfn, uint64_t f)
{
	put64(page(pfn) + O_FLAGS, f);
}

static void zero_page(uint64_t pfn)
{
	memset(mem + pfn * PS, 0, PS);
}

static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Page contents: some incompressible, most compressible, all non-zero. */
static void fill(uint64_t pfn)
{
	unsigned char *p = mem + pfn * PS;
	uint64_t i, v;

	for (i = 0; i < PS; i += 8) {
		if (pfn % 7 == 0)
			v = rnd();
		else
			v = (pfn << 20) | ((i / 64) * 0x11) | 1;
		memcpy(p + i, &v, 8);
	}
}

static void buddy(uint64_t pfn, unsigned int order)
{
	uint64_t i;

	put32(page(pfn) + O_MAPCOUNT, (uint32_t)BUDDY);
	put64(page(pfn) + O_PRIVATE, order);
	for (i = 0; i < (1ULL << order); i++)
		mark(pfn + i, "F");
}

static void compound(uint64_t head, unsigned int order, uint64_t f, uint64_t mapping,
		     unsigned char dtor, const char *c)
{
	uint64_t i;

	flags(head, f | (1ULL << PG_HEAD));
	put64(page(head) + O_MAPPING, mapping);
	mem[page(head + 1) + O_ORDER] = (unsigned char)order;
	mem[page(head + 1) + O_DTOR] = dtor;
	for (i = 0; i < (1ULL << order); i++) {
		if (i)
			put64(page(head + i) + O_CHEAD, (PAGE_OFFSET + page(head)) | 1);
		mark(head + i, c);
	}
}

static void build_memory(void)
{
	uint64_t pfn, i;
	int r;

	mem = calloc(MAX_PFN, PS);
	if (!mem)
		die("calloc");
	for (r = 0; r < 2; r++)
		for (pfn = ram[r].pa / PS; pfn * PS < ram[r].pa + ram[r].len; pfn++)
			fill(pfn);
	/* the partial page ends at 0x9fc00: the rest is not memory */
	memset(mem + 0x9fc00, 0, 0x400);
	memset(mem + MEMMAP_PA, 0, MAX_PFN * SZ_PAGE);
	for (pfn = 0; pfn < MAX_PFN; pfn++)
		put32(page(pfn) + O_MAPCOUNT, 0xffffffff);	/* -1 */

	/* zero pages, alone and in runs (in the kernel image: 0x200-0x3ff) */
	for (pfn = 0x300; pfn < 0x340; pfn++)
		zero_page(pfn);
	zero_page(0x350);
	zero_page(0x352);
	zero_page(0x9f);	/* the partial page, zero */
	/* free: one order-8 block (its last 16 pages zero), order-0 holes */
	buddy(0x400, 8);
	for (pfn = 0x4f0; pfn < 0x500; pfn++)
		zero_page(pfn);
	for (pfn = 0x500; pfn < 0x540; pfn += 2)
		buddy(pfn, 0);
	buddy(0x1100 / 16, 4);		/* 0x110: in the first RAM range */
	/* page cache, private page cache, swap cache */
	for (pfn = 0x600; pfn < 0x640; pfn++) {
		flags(pfn, 1ULL << PG_LRU);
		put64(page(pfn) + O_MAPPING, PAGE_OFFSET + 0x123400);
		mark(pfn, "C");
	}
	zero_page(0x620);
	for (pfn = 0x640; pfn < 0x650; pfn++) {
		flags(pfn, (1ULL << PG_LRU) | (1ULL << PG_PRIVATE));
		put64(page(pfn) + O_MAPPING, PAGE_OFFSET + 0x123400);
		mark(pfn, "P");
	}
	for (pfn = 0x650; pfn < 0x660; pfn++) {
		flags(pfn, (1ULL << PG_SWAPCACHE) | (1ULL << PG_SWAPBACKED));
		mark(pfn, "C");
	}
	flags(0x660, 1ULL << PG_SWAPCACHE);	/* without swapbacked: not cache */
	/* user: anonymous pages, an anonymous THP, a hugetlb page */
	for (pfn = 0x700; pfn < 0x780; pfn++) {
		flags(pfn, 1ULL << PG_LRU);
		put64(page(pfn) + O_MAPPING, (PAGE_OFFSET + 0x55500) | 1);
		mark(pfn, "U");
	}
	compound(0x780, 2, 1ULL << PG_LRU, (PAGE_OFFSET + 0x55500) | 1, 0, "U");
	compound(0x784, 1, 0, 0, 2, "U");		/* HUGETLB_PAGE_DTOR */
	compound(0x786, 1, 1ULL << PG_SLAB, 0, 0, "");	/* kernel compound */
	/* slab page whose fields look anonymous and free: kept */
	flags(0x790, 1ULL << PG_SLAB);
	put64(page(0x790) + O_MAPPING, (PAGE_OFFSET + 0x55500) | 1);
	put32(page(0x790) + O_MAPCOUNT, (uint32_t)BUDDY);
	/* offline (ballooned) page */
	put32(page(0x791) + O_MAPCOUNT, (uint32_t)OFFLINE);
	mark(0x791, "O");
	/* a "buddy" with an order no kernel has: kept */
	put32(page(0x792) + O_MAPCOUNT, (uint32_t)BUDDY);
	put64(page(0x792) + O_PRIVATE, 20);

	for (pfn = 0; pfn < MAX_PFN; pfn++)
		put32(page(pfn) + O_REFCOUNT, 1);

	/* mem_section: root array -> page of struct mem_section */
	memset(mem + ROOTS_PA, 0, 2 * PS);
	put64(ROOTS_PA, PAGE_OFFSET + SECTIONS_PA);
	put64(SECTIONS_PA, (PAGE_OFFSET + MEMMAP_PA) | 0x7);	/* present, map, online */

	/*
	 * Page tables: the direct map as one 1 GiB page (readers of a kdump
	 * file find page_offset by walking them)
	 */
	memset(mem + TEXT_PA + PGT_OFF, 0, 4 * PS);
	put64(TEXT_PA + PGT_OFF + ((PAGE_OFFSET >> 39) & 511) * 8,
	      (TEXT_PA + PGT_OFF + PS) | 0x63);		/* present, rw, A, D */
	put64(TEXT_PA + PGT_OFF + PS, 0x0 | 0xe3);	/* + PSE: 1 GiB at 0 */
	/* and the kernel image as one 2 MiB page */
	put64(TEXT_PA + PGT_OFF + ((TEXT_VA >> 39) & 511) * 8,
	      (TEXT_PA + PGT_OFF + 2 * PS) | 0x63);
	put64(TEXT_PA + PGT_OFF + 2 * PS + ((TEXT_VA >> 30) & 511) * 8,
	      (TEXT_PA + PGT_OFF + 3 * PS) | 0x63);
	put64(TEXT_PA + PGT_OFF + 3 * PS + ((TEXT_VA >> 21) & 511) * 8, TEXT_PA | 0xe3);

	/* init_uts_ns.name */
	memset(mem + TEXT_PA + UTS_OFF, 0, 6 * 65);
	strcpy((char *)mem + TEXT_PA + UTS_OFF, "Linux");
	strcpy((char *)mem + TEXT_PA + UTS_OFF + 65, "kcaptest");
	strcpy((char *)mem + TEXT_PA + UTS_OFF + 130, "6.1.0-kcaptest");
	strcpy((char *)mem + TEXT_PA + UTS_OFF + 195, "#1 SMP");
	strcpy((char *)mem + TEXT_PA + UTS_OFF + 260, "x86_64");
	strcpy((char *)mem + TEXT_PA + UTS_OFF + 325, "(none)");

	for (pfn = 0; pfn < MAX_PFN; pfn++) {
		for (i = 0; i < PS && !mem[pfn * PS + i]; i++)
			;
		if (i == PS)
			mark(pfn, "Z");
	}
}

static void build_vmcoreinfo(void)
{
	char line[128];

	vi("OSRELEASE=6.1.0-kcaptest");
	vi("PAGESIZE=4096");
	snprintf(line, sizeof(line), "SYMBOL(init_uts_ns)=%llx",
		 (unsigned long long)(TEXT_VA + UTS_OFF));
	vi(line);
	vi("OFFSET(uts_namespace.name)=0");
	vi("SYMBOL(swapper_pg_dir)=ffffffff81180000");
	snprintf(line, sizeof(line), "SYMBOL(mem_section)=%llx",
		 (unsigned long long)(PAGE_OFFSET + ROOTS_PA));
	vi(line);
	vi("LENGTH(mem_section)=2048");
	vi("SIZE(mem_section)=16");
	vi("OFFSET(mem_section.section_mem_map)=0");
	vi("NUMBER(SECTION_SIZE_BITS)=27");
	vi("NUMBER(MAX_PHYSMEM_BITS)=46");
	vi("SIZE(page)=64");
	vi("OFFSET(page.flags)=0");
	vi("OFFSET(page._refcount)=52");
	vi("OFFSET(page.mapping)=24");
	vi("OFFSET(page.lru)=8");
	vi("OFFSET(page._mapcount)=48");
	vi("OFFSET(page.private)=40");
	vi("OFFSET(page.compound_dtor)=16");
	vi("OFFSET(page.compound_order)=17");
	vi("OFFSET(page.compound_head)=8");
	vi("LENGTH(zone.free_area)=11");
	vi("NUMBER(PG_lru)=4");
	vi("NUMBER(PG_private)=13");
	vi("NUMBER(PG_swapcache)=10");
	vi("NUMBER(PG_swapbacked)=19");
	vi("NUMBER(PG_slab)=9");
	vi("NUMBER(PG_head_mask)=65536");
	vi("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129");
	vi("NUMBER(HUGETLB_PAGE_DTOR)=2");
	vi("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257");
	snprintf(line, sizeof(line), "NUMBER(phys_base)=%lld",
		 (long long)(TEXT_PA - (TEXT_VA - 0xffffffff80000000ULL)));
	vi(line);
	vi("SYMBOL(init_top_pgt)=ffffffff81180000");
	vi("NUMBER(pgtable_l5_enabled)=0");
	vi("KERNELOFFSET=0");
	vi("CRASHTIME=1700000000");
}

static size_t note(unsigned char *buf, const char *name, uint32_t type,
		   const void *desc, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	size_t off = 0;

	memcpy(buf, &namesz, 4);
	memcpy(buf + 4, &descsz, 4);
	memcpy(buf + 8, &type, 4);
	off = 12;
	memset(buf + off, 0, (namesz + 3) & ~3u);
	memcpy(buf + off, name, namesz);
	off += (namesz + 3) & ~3u;
	memset(buf + off, 0, (descsz + 3) & ~3u);
	memcpy(buf + off, desc, descsz);
	off += (descsz + 3) & ~3u;
	return off;
}

int main(int argc, char **argv)
{
	static unsigned char notes[16384], prstatus[336];
	Elf64_Phdr ph[4];
	Elf64_Ehdr eh;
	uint64_t off, pfn;
	size_t nlen;
	FILE *f;
	int i, a = 1;

	while (a + 1 < argc && !strcmp(argv[a], "-x") && nskip < 16) {
		skip[nskip++] = argv[a + 1];
		a += 2;
	}
	if (argc - a != 2) {
		fprintf(stderr, "usage: 40-mkcore [-x PREFIX]... OUT MANIFEST\n");
		return 2;
	}
	build_memory();
	build_vmcoreinfo();
	prstatus[32] = 1;	/* pr_pid */
	nlen = note(notes, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	nlen += note(notes + nlen, "VMCOREINFO", 0, vmcoreinfo, (uint32_t)vi_len);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 4;

	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = PS;
	ph[0].p_filesz = ph[0].p_memsz = nlen;
	off = 2 * PS + (nlen / PS) * PS;
	ph[1].p_type = PT_LOAD;		/* kernel image, repeats RAM */
	ph[1].p_flags = PF_R | PF_W | PF_X;
	ph[1].p_vaddr = TEXT_VA;
	ph[1].p_paddr = TEXT_PA;
	ph[1].p_filesz = ph[1].p_memsz = TEXT_SIZE;
	ph[1].p_offset = off;
	off += TEXT_SIZE;
	for (i = 0; i < 2; i++) {
		ph[2 + i].p_type = PT_LOAD;
		ph[2 + i].p_flags = PF_R | PF_W | PF_X;
		ph[2 + i].p_vaddr = PAGE_OFFSET + ram[i].pa;
		ph[2 + i].p_paddr = ram[i].pa;
		ph[2 + i].p_filesz = ph[2 + i].p_memsz = ram[i].len;
		ph[2 + i].p_offset = off;
		off += (ram[i].len + PS - 1) / PS * PS;
	}

	f = fopen(argv[a], "w");
	if (!f)
		die(argv[a]);
	if (fwrite(&eh, sizeof(eh), 1, f) != 1 || fwrite(ph, sizeof(ph), 1, f) != 1 ||
	    fseek(f, (long)PS, SEEK_SET) || fwrite(notes, nlen, 1, f) != 1)
		die("write");
	for (i = 1; i < 4; i++)
		if (fseek(f, (long)ph[i].p_offset, SEEK_SET) ||
		    fwrite(mem + ph[i].p_paddr, ph[i].p_filesz, 1, f) != 1)
			die("write");
	if (fclose(f))
		die("close");

	f = fopen(argv[a + 1], "w");
	if (!f)
		die(argv[a + 1]);
	for (i = 0; i < 2; i++)
		for (pfn = ram[i].pa / PS; pfn * PS < ram[i].pa + ram[i].len; pfn++)
			fprintf(f, "%llx %s\n", (unsigned long long)pfn,
				cls[pfn][0] ? cls[pfn] : "K");
	if (fclose(f))
		die("close");
	return 0;
}
