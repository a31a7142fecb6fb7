// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LVM2 physical volumes (lvm.c) through `kcap lvm`: the input is the
 * metadata text, which the harness wraps in a PV image whose label and
 * metadata-area checksums are right (else the fuzzer would hardly get
 * past the CRCs to the parser and the table builder); an input that starts
 * with "LABELONE" is taken as the whole image as it is, for the label and
 * area checks. stdout (the tables) goes to /dev/null; stderr stays the
 * fuzzer's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "log.h"
#include "lvm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define MDA_OFF		4096u
#define MDA_SIZE	(1u << 20)
#define IMG_SIZE	(2u << 20)

static uint32_t crc(const uint8_t *p, size_t n)
{
	uint32_t c = 0xf597a6cfu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return c;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* x86: little-endian like the format */
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint8_t img[IMG_SIZE];

static size_t wrap(const uint8_t *text, size_t len)
{
	uint8_t *l = img + 512, *h = img + MDA_OFF;

	if (len > MDA_SIZE - 512)
		len = MDA_SIZE - 512;
	memset(img, 0, MDA_OFF + 512);
	memcpy(l, "LABELONE", 8);
	put64(l + 8, 1);
	put32(l + 20, 32);
	memcpy(l + 24, "LVM2 001", 8);
	memset(l + 32, 'A', 32);		/* PV UUID, as the seeds' pv0 */
	put64(l + 64, IMG_SIZE);
	put64(l + 72, 2048 * 512);		/* data area, then the end */
	put64(l + 104, MDA_OFF);		/* metadata area, then the end */
	put64(l + 112, MDA_SIZE);
	put32(l + 16, crc(l + 20, 512 - 20));
	memcpy(h + 4, " LVM2 x[5A%r0N*>", 16);
	put32(h + 20, 1);
	put64(h + 24, MDA_OFF);
	put64(h + 32, MDA_SIZE);
	put64(h + 40, 512);
	put64(h + 48, len);
	memcpy(h + 512, text, len);
	put32(h + 56, crc(h + 512, len));
	put32(h, crc(h + 4, 512 - 4));
	return IMG_SIZE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	char dev[64], *files[] = { dev };
	int fd;

	if (!init) {
		log_init(0);
		if (!freopen("/dev/null", "w", stdout))
			abort();
		init = 1;
	}
	if (len >= 8 && !memcmp(data, "LABELONE", 8))
		fd = fuzz_memfd(data + 8, len - 8);
	else
		fd = fuzz_memfd(img, wrap(data, len));
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", fd);
	lvm_print_files(1, files);
	return 0;
}
