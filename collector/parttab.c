// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MBR and GPT partition tables (parttab.h). On-disk layouts, little-endian:
 *
 * MBR, sector 0: 4 entries of 16 bytes at 446, signature 55 aa at 510.
 *   entry: +0 boot flag, +4 type (0 empty, 05/0f/85 extended, ee GPT
 *   protective), +8 first sector (u32), +12 sectors (u32). A logical
 *   partition lives in an EBR (same layout) chained from the extended
 *   partition: its entry 0 is the partition (relative to this EBR), entry 1
 *   the next EBR (relative to the extended partition's start).
 *
 * GPT, header at LBA 1 (backup at the last LBA): +0 "EFI PART", +12 header
 *   size, +16 header CRC32 (computed with this field zero), +24 my LBA,
 *   +40 first usable LBA, +48 last usable LBA, +72 entry array LBA, +80
 *   number of entries, +84 entry size, +88 entry array CRC32. Entry: +0 type
 *   GUID (all zero: unused), +32 first LBA, +40 last LBA (inclusive).
 *   Partition N is entry N-1, as the kernel and kpartx number them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "checked.h"
#include "io.h"
#include "parttab.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Add [start, start + len) in units of ssz, if it lies on the disk. */
static int parttab_add(struct parttab_part *p, int *n, int max, int num, uint64_t start,
		       uint64_t len, unsigned int ssz, uint64_t size)
{
	uint64_t off, bytes;

	if (!len)
		return 0;
	if (checked_mul(start, ssz, &off) || checked_mul(len, ssz, &bytes) ||
	    checked_range(off, bytes, size))
		return -EUCLEAN;
	if (*n >= max)
		return 0;	/* more than we map: the first max are kept */
	p[*n].num = num;
	p[*n].start = off / 512;
	p[*n].len = bytes / 512;
	(*n)++;
	return 0;
}

static int parttab_ext(unsigned char type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* The logical partitions of the extended partition at [ext, ext + ext_len). */
static int parttab_ebr(int fd, uint64_t size, unsigned int ssz, uint64_t ext, uint64_t ext_len,
		       struct parttab_part *p, int *n, int max)
{
	unsigned char *b;
	uint64_t ebr = ext, next, start;
	int i, ret = 0, num = 5;

	b = malloc(ssz);
	if (!b)
		return -ENOMEM;
	for (i = 0; i < PARTTAB_EBR_MAX; i++) {
		uint64_t off;

		if (checked_mul(ebr, ssz, &off) || checked_range(off, ssz, size)) {
			ret = -EUCLEAN;
			break;
		}
		ret = io_pread_all(fd, b, ssz, off);
		if (ret < 0)
			break;
		if (b[510] != 0x55 || b[511] != 0xaa) {
			ret = -EUCLEAN;
			break;
		}
		if (b[446 + 4] && !parttab_ext(b[446 + 4])) {
			if (checked_add(ebr, le32(b + 446 + 8), &start)) {
				ret = -EUCLEAN;
				break;
			}
			ret = parttab_add(p, n, max, num, start, le32(b + 446 + 12), ssz, size);
			if (ret < 0)
				break;
		}
		num++;
		next = le32(b + 462 + 8);
		if (!b[462 + 4] || !next)
			break;
		/* the next EBR lies inside the extended partition and after this one */
		if (checked_add(ext, next, &next) || next <= ebr || next - ext >= ext_len) {
			ret = -EUCLEAN;
			break;
		}
		ebr = next;
	}
	free(b);
	return ret;
}

static int parttab_mbr(int fd, uint64_t size, unsigned int ssz, const unsigned char *mbr,
		       struct parttab_part *p, int max)
{
	const unsigned char *e;
	int i, n = 0, ret;

	for (i = 0; i < 4; i++) {
		e = mbr + 446 + 16 * i;
		if (!e[4])
			continue;
		if (parttab_ext(e[4])) {
			ret = parttab_ebr(fd, size, ssz, le32(e + 8), le32(e + 12), p, &n, max);
		} else {
			ret = parttab_add(p, &n, max, i + 1, le32(e + 8), le32(e + 12), ssz, size);
		}
		if (ret < 0)
			return ret;
	}
	return n;
}

/* One GPT header at lba, with its entry array: partitions, or -EUCLEAN. */
static int parttab_gpt_at(int fd, uint64_t size, unsigned int ssz, uint64_t lba,
			  struct parttab_part *p, int max)
{
	unsigned char *h, *ents = NULL;
	uint64_t sectors = size / ssz, first, last, elba, eoff, ebytes, a, b;
	uint32_t hsize, nents, esize, crc, i;
	int n = 0, ret;

	h = malloc(ssz);
	if (!h)
		return -ENOMEM;
	ret = io_pread_all(fd, h, ssz, lba * ssz);
	if (ret < 0)
		goto out;
	ret = -EUCLEAN;
	if (memcmp(h, "EFI PART", 8))
		goto out;
	hsize = le32(h + 12);
	if (hsize < 92 || hsize > ssz || le64(h + 24) != lba)
		goto out;
	crc = le32(h + 16);
	memset(h + 16, 0, 4);
	if (crc32(0, h, hsize) != crc)
		goto out;
	first = le64(h + 40);
	last = le64(h + 48);
	elba = le64(h + 72);
	nents = le32(h + 80);
	esize = le32(h + 84);
	if (first > last || last >= sectors || esize < 128 || esize % 8 ||
	    checked_mul(nents, esize, &ebytes) || ebytes > PARTTAB_GPT_ENTRIES_MAX ||
	    checked_mul(elba, ssz, &eoff) || checked_range(eoff, ebytes, size))
		goto out;
	ents = malloc(ebytes ? ebytes : 1);
	if (!ents) {
		ret = -ENOMEM;
		goto out;
	}
	ret = io_pread_all(fd, ents, ebytes, eoff);
	if (ret < 0)
		goto out;
	ret = -EUCLEAN;
	if (crc32(0, ents, (uInt)ebytes) != le32(h + 88))
		goto out;
	for (i = 0; i < nents; i++) {
		const unsigned char *e = ents + (uint64_t)i * esize;
		static const unsigned char unused[16];

		if (!memcmp(e, unused, 16))
			continue;
		a = le64(e + 32);
		b = le64(e + 40);
		if (a > b || a < first || b > last)
			goto out;
		ret = parttab_add(p, &n, max, (int)i + 1, a, b - a + 1, ssz, size);
		if (ret < 0)
			goto out;
		ret = -EUCLEAN;
	}
	ret = n;
out:
	free(ents);
	free(h);
	return ret;
}

int parttab_read(int fd, uint64_t size, unsigned int ssz, struct parttab_part *p, int max,
		 const char **kind)
{
	unsigned char *mbr;
	int i, ret, gpt = 0;

	if (kind)
		*kind = "none";
	if ((ssz != 512 && ssz != 4096) || size < 2ULL * ssz)
		return 0;
	mbr = malloc(ssz);
	if (!mbr)
		return -ENOMEM;
	ret = io_pread_all(fd, mbr, ssz, 0);
	if (ret < 0)
		goto out;
	ret = 0;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		goto out;
	for (i = 0; i < 4; i++)
		if (mbr[446 + 16 * i + 4] == 0xee)
			gpt = 1;
	if (gpt) {
		if (kind)
			*kind = "gpt";
		ret = parttab_gpt_at(fd, size, ssz, 1, p, max);
		/* a damaged primary header: the backup at the last LBA */
		if (ret == -EUCLEAN)
			ret = parttab_gpt_at(fd, size, ssz, size / ssz - 1, p, max);
	} else {
		if (kind)
			*kind = "mbr";
		ret = parttab_mbr(fd, size, ssz, mbr, p, max);
	}
out:
	free(mbr);
	return ret;
}
