// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkvmcore: write a small synthetic x86_64 crash dump for the reader tests.
 *
 *   mkvmcore [-k lockless|printk_log|plain] [-f elf|kdump|flat|flat-elf] [-z]
 *            [-i] [-e] [-5] OUT
 *
 * The "crashed kernel" has 8 MiB of physical address space with RAM at
 * [0x1000, 0x9fc00) (a partial last page, as on real x86) and
 * [0x100000, 0x500000); its image is mapped at 0xffffffff81000000 from
 * physical 0x200000 (so phys_base is negative, as with KASLR), and its page
 * tables (init_top_pgt) map the direct map with a 1G page, the printk
 * descriptors through scattered 4K vmalloc pages and the text ring through
 * a 2M page, so every level of the walk is used.
 *
 * -k lockless   Linux 6.1 printk_ringbuffer with records in every state,
 *               a wrapped data block, multi-line and non-ASCII text
 * -k printk_log Linux 5.4 log_buf of printk_log records (dictionaries,
 *               wrap marker)
 * -k plain      Linux 3.2 log_buf of plain text that has wrapped
 * -f elf        ELF64 core laid out like /proc/vmcore (kernel-text
 *               PT_LOAD overlapping RAM, notes: NT_PRSTATUS + VMCOREINFO)
 * -f kdump      kdump-compressed (header v6), pages raw or (-z) zlib,
 *               zero pages shared, one empty page excluded
 * -f flat       the kdump file as a makedumpfile -F stream (records out
 *               of order, the header rewritten at the end)
 * -f flat-elf   the ELF file as a -F stream
 * -i            kdump: flag incomplete and leave the second half of the
 *               page descriptors unwritten, as makedumpfile on ENOSPC
 * -e            ELF: set e_flags to makedumpfile's "incomplete"
 * -5            5-level paging (LA57), with its direct map and vmalloc bases
 *
 * Test-only code: it exits on errors.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fmt_kdump.h"	/* the kdump header's constants, shared with kcap */

#define PS		4096ULL
#define MEM_SIZE	0x800000ULL
#define TEXT_VA		0xffffffff81000000ULL
#define TEXT_PA		0x200000ULL
#define TEXT_SIZE	0x200000ULL
#define START_KMAP	0xffffffff80000000ULL
/* the default (non-KASLR) bases, 4-level and (-5) 5-level paging */
static uint64_t PAGE_OFFSET = 0xffff888000000000ULL;
static uint64_t VMALLOC_VA = 0xffffc90000010000ULL;
static uint64_t VMEMMAP_VA = 0xffffea0000000000ULL;
static int l5;
#define CRASHTIME	1700000000LL

#define TV(off)		(TEXT_VA + (off))
#define TP(off)		(TEXT_PA + (off))

static const struct { uint64_t pa, len; } ram[] = {
	{ 0x1000, 0x9ec00 },
	{ 0x100000, 0x400000 },
};

static unsigned char *mem;
static char vmcoreinfo[8192];
static size_t vi_len;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "mkvmcore: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void vi(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vi_len += (size_t)vsnprintf(vmcoreinfo + vi_len, sizeof(vmcoreinfo) - vi_len,
				    fmt, ap);
	va_end(ap);
	if (vi_len >= sizeof(vmcoreinfo) - 1)
		die("vmcoreinfo too long");
	vmcoreinfo[vi_len++] = '\n';
	vmcoreinfo[vi_len] = '\0';
}

static void put(uint64_t pa, const void *p, size_t n)
{
	if (pa + n > MEM_SIZE)
		die("put out of range %llx", (unsigned long long)pa);
	memcpy(mem + pa, p, n);
}

static void put64(uint64_t pa, uint64_t v) { put(pa, &v, 8); }
static void put32(uint64_t pa, uint32_t v) { put(pa, &v, 4); }
static void put16(uint64_t pa, uint16_t v) { put(pa, &v, 2); }

/* ---- page tables ---- */

static uint64_t pt_next = 0x110000;	/* page-table pages, outside the image */
static uint64_t pgd_pa = TP(0x10000);	/* init_top_pgt is in the image */

static uint64_t pt_alloc(void)
{
	uint64_t pa = pt_next;

	pt_next += PS;
	memset(mem + pa, 0, PS);
	return pa;
}

static uint64_t idx(uint64_t va, int shift) { return (va >> shift) & 511; }

static uint64_t table(uint64_t tab, uint64_t i)
{
	uint64_t e;

	memcpy(&e, mem + tab + i * 8, 8);
	if (!(e & 1)) {
		e = pt_alloc() | 0x63;	/* present, rw, accessed, dirty */
		put64(tab + i * 8, e);
	}
	return e & 0x000ffffffffff000ULL;
}

/* Map va to pa with a page of 1 << shift bytes (12, 21 or 30). */
static void map(uint64_t va, uint64_t pa, int shift)
{
	uint64_t t = pgd_pa;

	if (l5)
		t = table(t, idx(va, 48));	/* p4d */
	t = table(t, idx(va, 39));

	if (shift == 30) {
		put64(t + idx(va, 30) * 8, pa | 0xe3);	/* PSE */
		return;
	}
	t = table(t, idx(va, 30));
	if (shift == 21) {
		put64(t + idx(va, 21) * 8, pa | 0xe3 | (1ULL << 63));	/* + NX */
		return;
	}
	t = table(t, idx(va, 21));
	put64(t + idx(va, 12) * 8, pa | 0x63);
}

/* ---- Linux 6.1 printk_ringbuffer ---- */

#define COUNT_BITS	6
#define SIZE_BITS	13
#define DESC_SIZE	24
#define INFO_SIZE	88
#define RB_SIZE		(1ULL << SIZE_BITS)
#define ST_RESERVED	0ULL
#define ST_COMMITTED	1ULL
#define ST_FINALIZED	2ULL
#define ST_REUSABLE	3ULL
#define ST_MISS		9ULL	/* test only: descriptor holds another id */

/* va -> pa for the ring's own buffers (they live outside the image) */
#define desc_va		VMALLOC_VA
#define info_va		(VMALLOC_VA + 0x1000)
#define data_va		(VMEMMAP_VA + 0x40000)
static const uint64_t vm_pages[3] = { 0x300000, 0x120000, 0x3f0000 };

static uint64_t vm_pa(uint64_t va)
{
	if (va >= VMALLOC_VA && va < VMALLOC_VA + 3 * PS)
		return vm_pages[(va - VMALLOC_VA) / PS] + va % PS;
	if (va >= VMEMMAP_VA && va < VMEMMAP_VA + (1ULL << 21))
		return 0x400000 + (va - VMEMMAP_VA);
	die("vm_pa %llx", (unsigned long long)va);
	return 0;
}

static void vput(uint64_t va, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		put(vm_pa(va + i), s + i, 1);
}

static void vput64(uint64_t va, uint64_t v) { vput(va, &v, 8); }

struct rec {
	uint64_t state;
	uint64_t ts;
	const char *text;
	int len;		/* -1: strlen(text) */
	int text_len_delta;	/* claim more text than stored */
	int dataless;
};

static uint64_t lpos;	/* next free logical position in the data ring */

static void lockless_record(uint64_t id, const struct rec *r)
{
	uint64_t len = r->len < 0 ? strlen(r->text) : (uint64_t)r->len;
	uint64_t size = (8 + len + 7) & ~7ULL, begin = lpos, next, at, d, i;
	uint64_t sv = (r->state == ST_MISS ? ST_FINALIZED : r->state) << 62 |
		      (r->state == ST_MISS ? id - (1 << COUNT_BITS) : id);

	d = desc_va + (id % (1 << COUNT_BITS)) * DESC_SIZE;
	i = info_va + (id % (1 << COUNT_BITS)) * INFO_SIZE;
	if (r->dataless) {
		begin = next = 1;	/* FAILED_LPOS */
	} else {
		/* as get_next_lpos(): a block that would cross the end wraps */
		if (begin / RB_SIZE == (begin + size) / RB_SIZE) {
			next = begin + size;
			at = begin % RB_SIZE;
		} else {
			next = (begin + size) / RB_SIZE * RB_SIZE + size;
			at = 0;
		}
		vput64(data_va + at, id);
		vput(data_va + at + 8, r->text, len);
		lpos = next;
	}
	vput64(d, sv);
	vput64(d + 8, begin);
	vput64(d + 16, next);
	vput64(i, id);				/* seq */
	vput64(i + 8, r->ts);			/* ts_nsec */
	uint16_t tl = (uint16_t)(len + (uint64_t)r->text_len_delta);
	vput(i + 16, &tl, 2);			/* text_len */
}

static void make_lockless(void)
{
	static char longline[400], filler[64][48];
	struct rec recs[64];
	uint64_t id, first_id = 5 * (1 << COUNT_BITS) + 40, n = 0, rb = TV(0x2100);
	int k;

	memset(longline, 'x', sizeof(longline) - 1);
	memcpy(longline, "long:", 5);
#define R(st, t, txt) recs[n++] = (struct rec){ st, t, txt, -1, 0, 0 }
	R(ST_FINALIZED, 0, "Linux version 6.1.0-synthetic (kcap unit test)");
	R(ST_FINALIZED, 1500000, "Command line: console=ttyS0");
	R(ST_FINALIZED, 2000001, "first line\nsecond line\nthird");
	R(ST_FINALIZED, 3999999999ULL, "tab\there\rcarriage\vvt\fff");
	R(ST_FINALIZED, 4000000000ULL, "ctl \x01\x1b[0m del \x7f end");
	R(ST_FINALIZED, 5000000000ULL, "caf\xc3\xa9 \xe2\x82\xac euro");
	R(ST_FINALIZED, 5000001000ULL, "");
	recs[n++] = (struct rec){ ST_FINALIZED, 6000000000ULL, "dataless", -1, 0, 1 };
	R(ST_REUSABLE, 7000000000ULL, "reusable: must not appear");
	R(ST_MISS, 7100000000ULL, "stale id: must not appear");
	R(ST_COMMITTED, 8000000000ULL, "committed record");
	recs[n++] = (struct rec){ ST_FINALIZED, 9000000000ULL, "truncated text", -1, 20, 0 };
	R(ST_FINALIZED, 10000000000ULL, longline);
	R(ST_FINALIZED, 11000000000ULL, "ends with a newline\n");
	recs[n++] = (struct rec){ ST_FINALIZED, 12000000000ULL, "embedded \0 NUL", 14, 0, 0 };
	R(ST_FINALIZED, 123456789012345ULL, "big timestamp");
	for (k = 0; n < 62; k++) {
		snprintf(filler[k], sizeof(filler[k]), "filler record %d: %.*s", k,
			 k % 17, "abcdefghijklmnopq");
		R(ST_FINALIZED, 20000000000ULL + (uint64_t)k * 1000001, filler[k]);
	}
	R(ST_FINALIZED, 99000000000ULL, "Kernel panic - not syncing: synthetic");
	R(ST_RESERVED, 99000000001ULL, "reserved head: must not appear");
#undef R

	/* start near the end of the ring, several laps in: record 2 wraps */
	lpos = 7 * RB_SIZE + RB_SIZE - 72;
	for (id = first_id; id < first_id + n; id++)
		lockless_record(id, &recs[id - first_id]);
	/* the record that wrapped really did */
	if (lpos / RB_SIZE != 8)
		die("ring did not wrap (lpos %llx)", (unsigned long long)lpos);

	put64(TP(0x2000), rb);			/* prb -> printk_rb_static */
	put32(TP(0x2100), COUNT_BITS);		/* desc_ring.count_bits */
	put64(TP(0x2108), desc_va);
	put64(TP(0x2110), info_va);
	put64(TP(0x2118), first_id + n - 1);	/* head_id */
	put64(TP(0x2120), first_id);		/* tail_id */
	put32(TP(0x2130), SIZE_BITS);		/* text_data_ring.size_bits */
	put64(TP(0x2138), data_va);
	put64(TP(0x2140), lpos);		/* head_lpos */
	put64(TP(0x2148), 7 * RB_SIZE + RB_SIZE - 72);

	vi("SYMBOL(prb)=%llx", (unsigned long long)TV(0x2000));
	vi("SYMBOL(printk_rb_static)=%llx", (unsigned long long)rb);
	vi("SYMBOL(clear_seq)=%llx", (unsigned long long)TV(0x2200));
	vi("SIZE(printk_ringbuffer)=88");
	vi("OFFSET(printk_ringbuffer.desc_ring)=0");
	vi("OFFSET(printk_ringbuffer.text_data_ring)=48");
	vi("OFFSET(printk_ringbuffer.fail)=80");
	vi("SIZE(prb_desc_ring)=48");
	vi("OFFSET(prb_desc_ring.count_bits)=0");
	vi("OFFSET(prb_desc_ring.descs)=8");
	vi("OFFSET(prb_desc_ring.infos)=16");
	vi("OFFSET(prb_desc_ring.head_id)=24");
	vi("OFFSET(prb_desc_ring.tail_id)=32");
	vi("SIZE(prb_desc)=24");
	vi("OFFSET(prb_desc.state_var)=0");
	vi("OFFSET(prb_desc.text_blk_lpos)=8");
	vi("SIZE(prb_data_blk_lpos)=16");
	vi("OFFSET(prb_data_blk_lpos.begin)=0");
	vi("OFFSET(prb_data_blk_lpos.next)=8");
	vi("SIZE(printk_info)=88");
	vi("OFFSET(printk_info.seq)=0");
	vi("OFFSET(printk_info.ts_nsec)=8");
	vi("OFFSET(printk_info.text_len)=16");
	vi("OFFSET(printk_info.caller_id)=20");
	vi("OFFSET(printk_info.dev_info)=24");
	vi("SIZE(prb_data_ring)=32");
	vi("OFFSET(prb_data_ring.size_bits)=0");
	vi("OFFSET(prb_data_ring.data)=8");
	vi("OFFSET(prb_data_ring.head_lpos)=16");
	vi("OFFSET(prb_data_ring.tail_lpos)=24");
	vi("SIZE(atomic_long_t)=8");
	vi("OFFSET(atomic_long_t.counter)=0");
	vi("SIZE(latched_seq)=24");
	vi("OFFSET(latched_seq.val)=8");
}

/* ---- Linux 5.4 log_buf of printk_log records ---- */

static void make_printk_log(void)
{
	static const struct {
		uint64_t ts;
		const char *text, *dict;
	} recs[] = {
		{ 0, "Linux version 5.4.0-synthetic (kcap unit test)", "" },
		{ 1000, "with a dictionary", "SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0" },
		{ 2000000, "two\nlines", "" },
		{ 3000000000ULL, "caf\xc3\xa9 \x01", "" },
		{ 4000000000ULL, "filler one ...............................", "" },
		{ 5000000000ULL, "filler two ...............................", "" },
		{ 6000000000ULL, "after the wrap to the start of log_buf", "" },
		{ 7000000000ULL, "", "" },
		{ 8000000000ULL, "Kernel panic - not syncing: synthetic 5.4", "" },
	};
	const uint32_t buf_len = 1024, first = 800;
	uint64_t buf_pa = TP(0x4000), buf_va = TV(0x4000);
	uint32_t pos = first;
	size_t i, tl, dl, size;

	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		tl = strlen(recs[i].text);
		dl = recs[i].dict[0] ? strlen(recs[i].dict) +
				       strlen(recs[i].dict + strlen(recs[i].dict) + 1) + 1 : 0;
		size = (16 + tl + dl + 7) & ~7UL;
		if (pos + size + 16 > buf_len) {
			memset(mem + buf_pa + pos, 0, 16);	/* wrap marker */
			pos = 0;
		}
		put64(buf_pa + pos, recs[i].ts);
		put16(buf_pa + pos + 8, (uint16_t)size);
		put16(buf_pa + pos + 10, (uint16_t)tl);
		put16(buf_pa + pos + 12, (uint16_t)dl);
		put(buf_pa + pos + 16, recs[i].text, tl);
		put(buf_pa + pos + 16 + tl, recs[i].dict, dl);
		pos += (uint32_t)size;
	}
	if (pos >= first)
		die("log_buf did not wrap");
	put64(TP(0x3000), buf_va);		/* char *log_buf */
	put32(TP(0x3008), buf_len);		/* u32 log_buf_len */
	put32(TP(0x3010), first);		/* u32 log_first_idx */
	put32(TP(0x3018), pos);			/* u32 log_next_idx */
	put32(TP(0x3020), first);		/* u32 clear_idx */

	vi("SYMBOL(log_buf)=%llx", (unsigned long long)TV(0x3000));
	vi("SYMBOL(log_buf_len)=%llx", (unsigned long long)TV(0x3008));
	vi("SYMBOL(log_first_idx)=%llx", (unsigned long long)TV(0x3010));
	vi("SYMBOL(clear_idx)=%llx", (unsigned long long)TV(0x3020));
	vi("SYMBOL(log_next_idx)=%llx", (unsigned long long)TV(0x3018));
	vi("SIZE(printk_log)=16");
	vi("OFFSET(printk_log.ts_nsec)=0");
	vi("OFFSET(printk_log.len)=8");
	vi("OFFSET(printk_log.text_len)=10");
	vi("OFFSET(printk_log.dict_len)=12");
}

/* ---- Linux < 3.5: log_buf is plain text, log_end counts all ever written ---- */

static void make_plain(void)
{
	static const char text[] =
		"<5>Linux version 3.2.0-synthetic (kcap unit test)\n"
		"<6>BIOS-provided physical RAM map:\n"
		"<6> BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)\n"
		"<0>Kernel panic - not syncing: synthetic 3.2, caf\xc3\xa9\n";
	const uint32_t buf_len = 128;
	uint64_t buf_pa = TP(0x4000), buf_va = TV(0x4000), end = 0;
	size_t i;

	/* the ring has wrapped: only the last buf_len characters are left */
	for (i = 0; i < sizeof(text) - 1; i++, end++)
		mem[buf_pa + end % buf_len] = (unsigned char)text[i];
	put64(TP(0x3000), buf_va);		/* char *log_buf */
	put32(TP(0x3008), buf_len);		/* int log_buf_len */
	put32(TP(0x3010), (uint32_t)end);	/* unsigned log_end */
	vi("SYMBOL(log_buf)=%llx", (unsigned long long)TV(0x3000));
	vi("SYMBOL(log_buf_len)=%llx", (unsigned long long)TV(0x3008));
	vi("SYMBOL(log_end)=%llx", (unsigned long long)TV(0x3010));
}

/* ---- the machine ---- */

static void make_machine(const char *kind)
{
	int lockless = !strcmp(kind, "lockless");
	const char *release = lockless ? "6.1.0-synthetic" :
			      !strcmp(kind, "plain") ? "3.2.0-synthetic" :
			      "5.4.0-synthetic";
	char uts[6 * 65];
	uint64_t uts_off = lockless ? 0 : 4;	/* older: kref before name */

	mem = calloc(1, MEM_SIZE);
	if (!mem)
		die("out of memory");
	/* recognisable content in every RAM page */
	for (uint64_t pa = 0x1000; pa < MEM_SIZE; pa += PS) {
		char tag[32];

		snprintf(tag, sizeof(tag), "page %llx", (unsigned long long)(pa / PS));
		memcpy(mem + pa + 64, tag, strlen(tag));
	}
	/* two empty pages: the kdump writer shares one copy, excludes one */
	memset(mem + 0x150000, 0, 2 * PS);

	memset(uts, 0, sizeof(uts));
	strcpy(uts, "Linux");
	strcpy(uts + 65, "synthhost");
	strcpy(uts + 130, release);
	strcpy(uts + 195, "#1 SMP synthetic");
	strcpy(uts + 260, "x86_64");
	strcpy(uts + 325, "(none)");
	put(TP(0x1000) + uts_off, uts, sizeof(uts));

	pt_alloc();		/* skip 0x110000 */
	memset(mem + pgd_pa, 0, PS);
	map(PAGE_OFFSET, 0, 30);			/* direct map: 1G page */
	for (int i = 0; i < 3; i++)			/* printk descs: 4K pages */
		map(VMALLOC_VA + (uint64_t)i * PS, vm_pages[i], 12);
	map(VMEMMAP_VA, 0x400000, 21);			/* text ring: 2M page */
	map(TEXT_VA, TEXT_PA, 21);			/* the image: 2M page */

	vi("OSRELEASE=%s", release);
	vi("BUILD-ID=0123456789abcdef0123456789abcdef01234567");
	vi("PAGESIZE=4096");
	vi("SYMBOL(init_uts_ns)=%llx", (unsigned long long)TV(0x1000));
	if (lockless)
		vi("OFFSET(uts_namespace.name)=0");
	vi("SYMBOL(swapper_pg_dir)=%llx", (unsigned long long)(TV(0x10000)));
	vi("SYMBOL(_stext)=%llx", (unsigned long long)TEXT_VA);
	/* FLATMEM, so that makedumpfile --dump-dmesg accepts the dump */
	put64(TP(0x5000), VMEMMAP_VA);
	vi("SYMBOL(mem_map)=%llx", (unsigned long long)TV(0x5000));
	vi("SIZE(page)=64");
	vi("OFFSET(page.flags)=0");
	vi("OFFSET(page._refcount)=52");
	vi("OFFSET(page.mapping)=24");
	if (lockless)
		make_lockless();
	else if (!strcmp(kind, "plain"))
		make_plain();
	else
		make_printk_log();
	vi("NUMBER(phys_base)=%lld", (long long)(TEXT_PA - (TEXT_VA - START_KMAP)));
	vi("SYMBOL(init_top_pgt)=%llx", (unsigned long long)(TV(0x10000)));
	vi("NUMBER(pgtable_l5_enabled)=%d", l5);
	vi("KERNELOFFSET=0");
	vi("NUMBER(KERNEL_IMAGE_SIZE)=1073741824");
	vi("NUMBER(sme_mask)=0");
	vi("CRASHTIME=%lld", CRASHTIME);
}

/* ---- ELF notes ---- */

static size_t make_notes(unsigned char *buf)
{
	size_t n = 0;
	Elf64_Nhdr nh;
	unsigned char prstatus[336];

	memset(prstatus, 0, sizeof(prstatus));
	prstatus[32] = 1;	/* pr_pid */
	nh = (Elf64_Nhdr){ 5, sizeof(prstatus), NT_PRSTATUS };
	memcpy(buf + n, &nh, sizeof(nh));
	memcpy(buf + n + 12, "CORE\0\0\0", 8);
	memcpy(buf + n + 20, prstatus, sizeof(prstatus));
	n += 20 + sizeof(prstatus);
	nh = (Elf64_Nhdr){ 11, (Elf64_Word)vi_len, 0 };
	memcpy(buf + n, &nh, sizeof(nh));
	memcpy(buf + n + 12, "VMCOREINFO\0", 12);
	memcpy(buf + n + 24, vmcoreinfo, vi_len);
	n += 24 + ((vi_len + 3) & ~3UL);
	return n;
}

/* ---- output containers, built in memory ---- */

struct blob {
	unsigned char *p;
	size_t len, cap;
};

static void bput(struct blob *b, uint64_t off, const void *p, size_t n)
{
	if (off + n > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;

		while (cap < off + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			die("out of memory");
		memset(b->p + b->cap, 0, cap - b->cap);
		b->cap = cap;
	}
	memcpy(b->p + off, p, n);
	if (off + n > b->len)
		b->len = off + n;
}

static void make_elf(struct blob *b, int incomplete)
{
	unsigned char notes[16384];
	size_t nlen = make_notes(notes), nph = 2 + sizeof(ram) / sizeof(ram[0]);
	Elf64_Ehdr eh;
	Elf64_Phdr ph[8];
	uint64_t off;
	size_t i;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_flags = incomplete ? 1 : 0;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)nph;

	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = PS;
	ph[0].p_filesz = ph[0].p_memsz = nlen;
	off = (PS + nlen + PS - 1) / PS * PS;
	/* as /proc/vmcore: kernel text first, then RAM; offset = paddr mod PS */
	ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W | PF_X, off, TEXT_VA, TEXT_PA,
			      TEXT_SIZE, TEXT_SIZE, 0 };
	off += TEXT_SIZE;
	for (i = 0; i < sizeof(ram) / sizeof(ram[0]); i++) {
		off += ram[i].pa % PS;
		ph[2 + i] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W | PF_X, off,
					  PAGE_OFFSET + ram[i].pa, ram[i].pa,
					  ram[i].len, ram[i].len, 0 };
		off += (ram[i].len + PS - 1) / PS * PS;
	}
	bput(b, 0, &eh, sizeof(eh));
	bput(b, sizeof(eh), ph, nph * sizeof(Elf64_Phdr));
	bput(b, PS, notes, nlen);
	for (i = 1; i < nph; i++)
		bput(b, ph[i].p_offset, mem + ph[i].p_paddr, ph[i].p_filesz);
}

static int page_in_ram(uint64_t pfn)
{
	for (size_t i = 0; i < sizeof(ram) / sizeof(ram[0]); i++) {
		if (pfn * PS + PS > ram[i].pa && pfn * PS < ram[i].pa + ram[i].len)
			return 1;
	}
	return 0;
}

static void make_kdump(struct blob *b, int zlib, int incomplete)
{
	unsigned char hdr[464], sub[104], notes[16384], *cbuf, zero[PS];
	uint64_t max_mapnr = MEM_SIZE / PS, pfn, ndesc = 0, d, desc_off, data_off,
		 zero_off = 0;
	size_t nlen = make_notes(notes), bm_bytes = (max_mapnr / 8 + PS - 1) / PS * PS;
	unsigned char *bm1 = calloc(1, bm_bytes), *bm2 = calloc(1, bm_bytes);
	uint32_t v32, sub_blocks, bm_blocks = (uint32_t)(2 * bm_bytes / PS);
	uint64_t v64;

	if (!bm1 || !bm2)
		die("out of memory");
	sub_blocks = (uint32_t)((sizeof(sub) + vi_len + nlen + PS - 1) / PS);

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr + DH_SIGNATURE, KDUMP_SIGNATURE, 8);
	v32 = KDUMP_HEADER_VERSION;
	memcpy(hdr + DH_VERSION, &v32, 4);
	memcpy(hdr + 12, "Linux", 5);
	memcpy(hdr + 12 + 65, "synthhost", 9);
	memcpy(hdr + 12 + 130, vmcoreinfo + strlen("OSRELEASE="),
	       strcspn(vmcoreinfo + strlen("OSRELEASE="), "\n"));
	memcpy(hdr + 12 + 260, "x86_64", 6);
	v64 = CRASHTIME;
	memcpy(hdr + 408, &v64, 8);
	v32 = (zlib ? DH_COMPRESSED_ZLIB : 0) | (incomplete ? DH_COMPRESSED_INCOMPLETE : 0);
	memcpy(hdr + DH_STATUS, &v32, 4);
	v32 = PS;
	memcpy(hdr + 428, &v32, 4);
	memcpy(hdr + 432, &sub_blocks, 4);
	memcpy(hdr + 436, &bm_blocks, 4);
	v32 = (uint32_t)max_mapnr;
	memcpy(hdr + 440, &v32, 4);
	v32 = 1;
	memcpy(hdr + 460, &v32, 4);		/* nr_cpus */
	bput(b, 0, hdr, sizeof(hdr));

	memset(sub, 0, sizeof(sub));
	v64 = TEXT_PA - (TEXT_VA - START_KMAP);
	memcpy(sub, &v64, 8);			/* phys_base */
	v32 = 1;
	memcpy(sub + 8, &v32, 4);		/* dump_level: one empty page left out */
	v64 = PS + sizeof(sub);
	memcpy(sub + 32, &v64, 8);		/* offset_vmcoreinfo */
	v64 = vi_len;
	memcpy(sub + 40, &v64, 8);
	v64 = PS + sizeof(sub) + vi_len;
	memcpy(sub + 48, &v64, 8);		/* offset_note */
	v64 = nlen;
	memcpy(sub + 56, &v64, 8);
	memcpy(sub + 96, &max_mapnr, 8);	/* max_mapnr_64 */
	bput(b, PS, sub, sizeof(sub));
	bput(b, PS + sizeof(sub), vmcoreinfo, vi_len);
	bput(b, PS + sizeof(sub) + vi_len, notes, nlen);

	/* bitmaps: pfn 0x151 (the second empty page) is "excluded" */
	for (pfn = 0; pfn < max_mapnr; pfn++) {
		if (!page_in_ram(pfn))
			continue;
		bm1[pfn / 8] |= (unsigned char)(1 << (pfn % 8));
		if (pfn == 0x151)
			continue;
		bm2[pfn / 8] |= (unsigned char)(1 << (pfn % 8));
		ndesc++;
	}
	bput(b, (1 + sub_blocks) * PS, bm1, bm_bytes);
	bput(b, (1 + sub_blocks) * PS + bm_bytes, bm2, bm_bytes);

	desc_off = (1 + sub_blocks + bm_blocks) * PS;
	data_off = desc_off + ndesc * 24;
	memset(zero, 0, sizeof(zero));
	cbuf = malloc(compressBound(PS));
	if (!cbuf)
		die("out of memory");
	for (pfn = 0, d = 0; pfn < max_mapnr; pfn++) {
		unsigned char desc[24], page[PS];
		uint64_t off;
		uint32_t size = PS, flags = 0;
		uLongf clen = compressBound(PS);

		if (!(bm2[pfn / 8] & (1 << (pfn % 8))))
			continue;
		if (incomplete && d >= ndesc / 2)
			break;		/* ENOSPC: the rest is never written */
		memset(page, 0, PS);
		for (size_t i = 0; i < sizeof(ram) / sizeof(ram[0]); i++) {
			uint64_t lo = pfn * PS > ram[i].pa ? pfn * PS : ram[i].pa;
			uint64_t hi = pfn * PS + PS < ram[i].pa + ram[i].len ?
				      pfn * PS + PS : ram[i].pa + ram[i].len;

			if (lo < hi)
				memcpy(page + (lo - pfn * PS), mem + lo, hi - lo);
		}
		if (!memcmp(page, zero, PS)) {
			if (!zero_off) {
				zero_off = data_off;
				bput(b, data_off, zero, PS);
				data_off += PS;
			}
			off = zero_off;
		} else if (zlib && compress2(cbuf, &clen, page, PS, 1) == Z_OK &&
			   clen < PS) {
			off = data_off;
			size = (uint32_t)clen;
			flags = 1;
			bput(b, off, cbuf, clen);
			data_off += clen;
		} else {
			off = data_off;
			bput(b, off, page, PS);
			data_off += PS;
		}
		memset(desc, 0, sizeof(desc));
		memcpy(desc, &off, 8);
		memcpy(desc + 8, &size, 4);
		memcpy(desc + 12, &flags, 4);
		bput(b, desc_off + d * 24, desc, sizeof(desc));
		d++;
	}
	if (incomplete)	/* the descriptor table's full extent exists, zeroed */
		bput(b, desc_off + ndesc * 24 - 1, "", 1);
	free(cbuf);
	free(bm1);
	free(bm2);
}

static void be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static void flat_record(FILE *f, uint64_t off, const unsigned char *p, uint64_t n)
{
	unsigned char h[16];

	be64(h, off);
	be64(h + 8, n);
	if (fwrite(h, 16, 1, f) != 1 || (n && fwrite(p, n, 1, f) != 1))
		die("write: %s", strerror(errno));
}

/*
 * As makedumpfile -F: records in the order the writer produced them, not
 * the file's: here the data region first in 64K pieces from the end, then
 * a placeholder header, the middle, and the real header last.
 */
static void write_flat(FILE *f, const struct blob *b)
{
	unsigned char h[4096], junk[464];
	uint64_t mid = b->len / 2 / PS * PS, off;

	memset(h, 0, sizeof(h));
	memcpy(h, "makedumpfile", 12);
	be64(h + 16, 1);
	be64(h + 24, 1);
	if (fwrite(h, sizeof(h), 1, f) != 1)
		die("write: %s", strerror(errno));
	for (off = mid; off < b->len; off += 65536)
		flat_record(f, off, b->p + off,
			    b->len - off < 65536 ? b->len - off : 65536);
	memset(junk, 0xa5, sizeof(junk));
	flat_record(f, 0, junk, sizeof(junk));	/* overwritten below */
	flat_record(f, 464, b->p + 464, mid - 464);
	flat_record(f, 0, b->p, 464);
	be64(h, UINT64_MAX);
	be64(h + 8, UINT64_MAX);
	if (fwrite(h, 16, 1, f) != 1)
		die("write: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	const char *kind = "lockless", *fmt = "elf";
	int opt, zlib = 0, incomplete = 0, elf_inc = 0;
	struct blob b = { 0 };
	FILE *f;

	while ((opt = getopt(argc, argv, "k:f:zie5")) != -1) {
		switch (opt) {
		case '5':
			l5 = 1;
			PAGE_OFFSET = 0xff11000000000000ULL;
			VMALLOC_VA = 0xffa0000000010000ULL;
			VMEMMAP_VA = 0xffd4000000000000ULL;
			break;
		case 'k': kind = optarg; break;
		case 'f': fmt = optarg; break;
		case 'z': zlib = 1; break;
		case 'i': incomplete = 1; break;
		case 'e': elf_inc = 1; break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc)
		die("usage: mkvmcore [-k lockless|printk_log|plain] [-f elf|kdump|flat|flat-elf] [-z] [-i] [-e] [-5] OUT");
	if (strcmp(kind, "lockless") && strcmp(kind, "printk_log") &&
	    strcmp(kind, "plain"))
		die("unknown kind %s", kind);
	make_machine(kind);

	if (!strcmp(fmt, "elf") || !strcmp(fmt, "flat-elf"))
		make_elf(&b, elf_inc);
	else if (!strcmp(fmt, "kdump") || !strcmp(fmt, "flat"))
		make_kdump(&b, zlib, incomplete);
	else
		die("unknown format %s", fmt);

	f = fopen(argv[optind], "wb");
	if (!f)
		die("%s: %s", argv[optind], strerror(errno));
	if (!strncmp(fmt, "flat", 4))
		write_flat(f, &b);
	else if (fwrite(b.p, b.len, 1, f) != 1)
		die("write: %s", strerror(errno));
	if (fclose(f))
		die("%s: %s", argv[optind], strerror(errno));
	free(b.p);
	free(mem);
	return 0;
}
