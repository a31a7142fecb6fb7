// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The multipath parsers on good and hostile input (built with ASan and
 * UBSan by make hostlib): VPD page 0x83 -> WWID (mpath.c), the kernel's
 * device/wwid text, and MBR/GPT partition tables (parttab.c) read from a
 * disk image in a temporary file. A case is one row: input, expected
 * result; every truncation of the good inputs is fed too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "mpath.h"
#include "parttab.h"

static int failed, passed;

static void check(const char *what, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void check(const char *what, int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL: %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* --- VPD 0x83 ------------------------------------------------------------------------------ */

/* A designator: code set, association, type, bytes. */
static size_t desig(unsigned char *p, int codeset, int assoc, int type, const void *b, size_t n)
{
	p[0] = (unsigned char)codeset;
	p[1] = (unsigned char)(assoc << 4 | type);
	p[2] = 0;
	p[3] = (unsigned char)n;
	memcpy(p + 4, b, n);
	return 4 + n;
}

static const unsigned char naa8[8] = { 0x50, 0x00, 0xc5, 0x00, 0x15, 0xea, 0x71, 0xac };
static const unsigned char naa16[16] = { 0x60, 0x0a, 0x0b, 0x80, 0, 0x12, 0x34, 0x56,
					 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef };
static const unsigned char eui8[8] = { 0x00, 0x25, 0x38, 0xb5, 0x71, 0xb0, 0x12, 0x34 };
static const char t10[] = "QEMU    QEMU HARDDISK   KCAPMP1 ";

/* A page of the designators in d (end with type 0), length fixed up. */
static size_t page(unsigned char *pg, const int *d)
{
	size_t n = 4;

	pg[0] = 0;
	pg[1] = 0x83;
	for (; d[0]; d += 2) {
		switch (d[0]) {
		case 'N': n += desig(pg + n, 1, d[1], 3, naa8, 8); break;
		case 'M': n += desig(pg + n, 1, d[1], 3, naa16, 16); break;
		case 'E': n += desig(pg + n, 1, d[1], 2, eui8, 8); break;
		case 'T': n += desig(pg + n, 2, d[1], 1, t10, sizeof(t10) - 1); break;
		case 'B': n += desig(pg + n, 1, d[1], 3, naa8, 7); break;	/* bad NAA length */
		}
	}
	pg[2] = (unsigned char)((n - 4) >> 8);
	pg[3] = (unsigned char)(n - 4);
	return n;
}

static void vpd_row(const char *name, const int *d, int want, const char *wwid)
{
	unsigned char pg[512];
	char got[MPATH_WWID_MAX] = "";
	size_t n = page(pg, d), i;
	int ret = mpath_wwid_vpd83(pg, n, got, sizeof(got));

	check(name, ret == want && (ret < 0 || !strcmp(got, wwid)),
	      "expected %d %s, got %d %s", want, wwid, ret, got);
	/* every truncation: an error or a WWID, never a read past the buffer (ASan) */
	for (i = 0; i < n; i++) {
		unsigned char *cut = malloc(i ? i : 1);

		memcpy(cut, pg, i);
		ret = mpath_wwid_vpd83(cut, i, got, sizeof(got));
		check(name, ret == -EUCLEAN, "cut to %zu bytes: expected -EUCLEAN, got %d", i, ret);
		free(cut);
	}
}

static void vpd_tests(void)
{
	unsigned char pg[64];
	char w[MPATH_WWID_MAX];

	vpd_row("naa8", (const int[]){ 'N', 0, 0 }, 0, "35000c50015ea71ac");
	vpd_row("naa16 over naa8, eui, t10", (const int[]){ 'T', 0, 'E', 0, 'N', 0, 'M', 0, 0 }, 0,
		"3600a0b800012345600000000deadbeef");
	vpd_row("eui over t10", (const int[]){ 'T', 0, 'E', 0, 0 }, 0, "2002538b571b01234");
	vpd_row("t10, blanks squeezed", (const int[]){ 'T', 0, 0 }, 0, "1QEMU_QEMU_HARDDISK_KCAPMP1");
	vpd_row("port naa ignored", (const int[]){ 'N', 1, 'T', 0, 0 }, 0,
		"1QEMU_QEMU_HARDDISK_KCAPMP1");
	vpd_row("target naa only", (const int[]){ 'N', 2, 0 }, -ENODATA, "");
	vpd_row("naa of 7 bytes", (const int[]){ 'B', 0, 0 }, -ENODATA, "");
	vpd_row("no designators", (const int[]){ 0 }, -ENODATA, "");

	/* designator length past the page; page length past the buffer; wrong page */
	page(pg, (const int[]){ 'N', 0, 0 });
	pg[7] = 200;
	check("designator past the page", mpath_wwid_vpd83(pg, 16, w, sizeof(w)) == -EUCLEAN, "%s", "");
	page(pg, (const int[]){ 'N', 0, 0 });
	pg[3] = 60;
	check("page length past the buffer", mpath_wwid_vpd83(pg, 16, w, sizeof(w)) == -EUCLEAN, "%s", "");
	page(pg, (const int[]){ 'N', 0, 0 });
	pg[1] = 0x80;
	check("page 0x80", mpath_wwid_vpd83(pg, 16, w, sizeof(w)) == -EUCLEAN, "%s", "");
	page(pg, (const int[]){ 'N', 0, 0 });
	check("small output", mpath_wwid_vpd83(pg, 16, w, 10) == -ENAMETOOLONG, "%s", "");

	check("sysfs naa", mpath_wwid_sysfs("naa.5000C50015EA71AC\n", w, sizeof(w)) == 0 &&
	      !strcmp(w, "35000c50015ea71ac"), "got %s", w);
	check("sysfs eui", mpath_wwid_sysfs("eui.002538b571b01234", w, sizeof(w)) == 0 &&
	      !strcmp(w, "2002538b571b01234"), "got %s", w);
	check("sysfs t10", mpath_wwid_sysfs("t10.ATA     QEMU HARDDISK   QM00001  \n", w, sizeof(w)) == 0 &&
	      !strcmp(w, "1ATA_QEMU_HARDDISK_QM00001"), "got %s", w);
	check("sysfs other", mpath_wwid_sysfs("0x5000c500", w, sizeof(w)) == -ENODATA, "%s", "");
	check("sysfs empty naa", mpath_wwid_sysfs("naa.", w, sizeof(w)) == -ENODATA, "%s", "");
	check("sysfs small output", mpath_wwid_sysfs("naa.5000c50015ea71ac", w, 8) == -ENAMETOOLONG,
	      "%s", "");
}

/* --- partition tables ---------------------------------------------------------------------- */

#define DISK_SECTORS	4096	/* 2 MiB of 512-byte sectors */

static unsigned char disk[DISK_SECTORS * 512];

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void mbr_entry(unsigned char *s, int i, int type, uint32_t start, uint32_t len)
{
	unsigned char *e = s + 446 + 16 * i;

	e[4] = (unsigned char)type;
	put32(e + 8, start);
	put32(e + 12, len);
	s[510] = 0x55;
	s[511] = 0xaa;
}

/* Run parttab_read on disk[0 .. bytes) with sector size ssz. */
static int run(size_t bytes, unsigned int ssz, struct parttab_part *p, const char **kind)
{
	FILE *f = tmpfile();
	int n;

	if (!f || fwrite(disk, 1, bytes, f) != bytes || fflush(f)) {
		printf("FAIL: tmpfile\n");
		exit(1);
	}
	n = parttab_read(fileno(f), bytes, ssz, p, PARTTAB_MAX, kind);
	fclose(f);
	return n;
}

static void mbr_tests(void)
{
	struct parttab_part p[PARTTAB_MAX];
	const char *kind;
	int n;

	memset(disk, 0, sizeof(disk));
	n = run(sizeof(disk), 512, p, &kind);
	check("no table", n == 0 && !strcmp(kind, "none"), "got %d %s", n, kind);

	mbr_entry(disk, 0, 0x83, 2048, 1024);
	mbr_entry(disk, 2, 0x83, 3072, 1024);
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr two primaries", n == 2 && !strcmp(kind, "mbr") && p[0].num == 1 &&
	      p[0].start == 2048 && p[0].len == 1024 && p[1].num == 3 && p[1].start == 3072,
	      "got %d %s", n, kind);

	mbr_entry(disk, 2, 0x83, 3072, 1025);	/* one sector past the end */
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr partition past the end", n == -EUCLEAN, "got %d", n);
	mbr_entry(disk, 2, 0x83, 0xffffffff, 0xffffffff);
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr partition at 2^32", n == -EUCLEAN, "got %d", n);

	/* extended 1024..4095 with two logicals: EBR at 1024 -> part 5, EBR at 2048 -> part 6 */
	memset(disk, 0, sizeof(disk));
	mbr_entry(disk, 0, 0x83, 64, 960);
	mbr_entry(disk, 1, 0x05, 1024, 3072);
	mbr_entry(disk + 1024 * 512, 0, 0x83, 64, 512);
	mbr_entry(disk + 1024 * 512, 1, 0x05, 1024, 1024);
	mbr_entry(disk + 2048 * 512, 0, 0x83, 64, 1000);
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr logicals", n == 3 && p[1].num == 5 && p[1].start == 1088 && p[1].len == 512 &&
	      p[2].num == 6 && p[2].start == 2112 && p[2].len == 1000, "got %d", n);

	mbr_entry(disk + 2048 * 512, 1, 0x05, 0, 1024);	/* next EBR: itself? 0 ends the chain */
	mbr_entry(disk + 2048 * 512, 1, 0x05, 1024, 1024);	/* next EBR: the same one: a loop */
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr EBR loop", n == -EUCLEAN, "got %d", n);
	mbr_entry(disk + 2048 * 512, 1, 0x05, 5000, 1024);	/* past the extended partition */
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr EBR outside", n == -EUCLEAN, "got %d", n);
	mbr_entry(disk, 1, 0x05, 4000, 3072);	/* extended starting near the end: EBR unreadable */
	n = run(sizeof(disk), 512, p, &kind);
	check("mbr extended past the end", n == -EUCLEAN, "got %d", n);

	n = run(300, 512, p, &kind);
	check("a disk smaller than two sectors", n == 0, "got %d", n);
}

/* GPT on disk with sector size ssz: header at lba (my_lba), entries at elba. */
static void gpt_header(unsigned int ssz, uint64_t lba, uint64_t elba, uint32_t nents,
		       uint32_t esize, uint64_t sectors)
{
	unsigned char *h = disk + lba * ssz, *e = disk + elba * ssz;

	memset(h, 0, ssz);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x10000);
	put32(h + 12, 92);
	put64(h + 24, lba);
	put64(h + 32, lba == 1 ? sectors - 1 : 1);
	put64(h + 40, 34);
	put64(h + 48, sectors - 34);
	put64(h + 72, elba);
	put32(h + 80, nents);
	put32(h + 84, esize);
	if ((uint64_t)nents * esize <= 16384)
		put32(h + 88, (uint32_t)crc32(0, e, nents * esize));
	put32(h + 16, (uint32_t)crc32(0, h, 92));
}

static void gpt_entry(unsigned int ssz, uint64_t elba, int slot, uint64_t first, uint64_t last)
{
	unsigned char *e = disk + elba * ssz + slot * 128;

	memset(e, 0xaf, 16);	/* a type GUID that is not zero */
	put64(e + 32, first);
	put64(e + 40, last);
}

static void gpt_disk(unsigned int ssz)
{
	uint64_t sectors = sizeof(disk) / ssz;

	memset(disk, 0, sizeof(disk));
	mbr_entry(disk, 0, 0xee, 1, 0xffffffff);
	gpt_entry(ssz, 2, 0, 40, 99);
	gpt_entry(ssz, 2, 2, 100, sectors - 40);
	gpt_header(ssz, 1, 2, 128, 128, sectors);
}

static void gpt_tests(void)
{
	struct parttab_part p[PARTTAB_MAX];
	const char *kind;
	int n;

	gpt_disk(512);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt", n == 2 && !strcmp(kind, "gpt") && p[0].num == 1 && p[0].start == 40 &&
	      p[0].len == 60 && p[1].num == 3 && p[1].start == 100 &&
	      p[1].len == DISK_SECTORS - 40 - 100 + 1, "got %d %s", n, kind);

	gpt_disk(4096);
	n = run(sizeof(disk), 4096, p, &kind);
	check("gpt 4k sectors", n == 2 && p[0].start == 40 * 8 && p[0].len == 60 * 8,
	      "got %d", n);

	/* damaged primary header, good backup at the last LBA (its entries at LBA 2 too) */
	gpt_disk(512);
	gpt_header(512, DISK_SECTORS - 1, 2, 128, 128, DISK_SECTORS);
	disk[512 + 20] ^= 1;
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt backup header", n == 2, "got %d", n);

	gpt_disk(512);
	disk[512 + 20] ^= 1;	/* header CRC wrong, no backup */
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt header crc", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	disk[2 * 512 + 40] ^= 1;	/* entry array CRC wrong */
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt entries crc", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	gpt_header(512, 1, 2, 0xffffffff, 128, DISK_SECTORS);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt 2^32 entries", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	gpt_header(512, 1, 2, 128, 0, DISK_SECTORS);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt entry size 0", n == -EUCLEAN, "got %d", n);
	gpt_header(512, 1, 2, 128, 129, DISK_SECTORS);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt entry size 129", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	gpt_header(512, 1, DISK_SECTORS - 2, 128, 128, DISK_SECTORS);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt entries past the end", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	gpt_entry(512, 2, 2, 100, DISK_SECTORS - 20);	/* past last usable */
	gpt_header(512, 1, 2, 128, 128, DISK_SECTORS);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt partition past last usable", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	gpt_entry(512, 2, 2, 100, 99);	/* ends before it starts */
	gpt_header(512, 1, 2, 128, 128, DISK_SECTORS);
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt partition backwards", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	put32(disk + 512 + 12, 4000);	/* header size beyond the sector */
	put32(disk + 512 + 16, 0);
	put32(disk + 512 + 16, (uint32_t)crc32(0, disk + 512, 92));
	n = run(sizeof(disk), 512, p, &kind);
	check("gpt header size 4000", n == -EUCLEAN, "got %d", n);

	gpt_disk(512);
	n = run(sizeof(disk) / 2, 512, p, &kind);	/* the disk is shorter than the table says */
	check("gpt on a shorter disk", n == -EUCLEAN, "got %d", n);
}

int main(void)
{
	vpd_tests();
	mbr_tests();
	gpt_tests();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
