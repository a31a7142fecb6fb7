// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Page decompressors for kdump-compressed files besides zlib (which comes
 * from libz): LZO1X, what `makedumpfile -l` writes and RHEL's default, and
 * snappy (`-p`). Both are small byte-oriented LZ77 formats; written from
 * their descriptions (Linux Documentation/staging/lzo.rst, snappy's
 * format_description.txt) with every read and write bounds-checked, since
 * the input is a file that may be damaged. zstd is not here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dump_read_priv.h"

struct lz {
	const unsigned char *ip, *ie;	/* input position, end */
	unsigned char *o, *op, *oe;	/* output start, position, end */
};

static int lit(struct lz *z, size_t n)
{
	if ((size_t)(z->ie - z->ip) < n || (size_t)(z->oe - z->op) < n)
		return -EUCLEAN;
	memcpy(z->op, z->ip, n);
	z->ip += n;
	z->op += n;
	return 0;
}

/* Copy n bytes from dist back; may overlap itself (runs). */
static int match(struct lz *z, size_t dist, size_t n)
{
	if (dist == 0 || dist > (size_t)(z->op - z->o) ||
	    (size_t)(z->oe - z->op) < n)
		return -EUCLEAN;
	for (size_t i = 0; i < n; i++, z->op++)
		*z->op = *(z->op - dist);
	return 0;
}

static int byte(struct lz *z, unsigned int *v)
{
	if (z->ip >= z->ie)
		return -EUCLEAN;
	*v = *z->ip++;
	return 0;
}

/* LZO's long lengths: low bits of the opcode, or base + 255s + a byte */
static int lzo_len(struct lz *z, unsigned int bits, unsigned int t, size_t *len)
{
	unsigned int b;
	size_t n = t & ((1u << bits) - 1);

	if (n) {
		*len = n;
		return 0;
	}
	n = (1u << bits) - 1;
	for (;;) {
		if (byte(z, &b))
			return -EUCLEAN;
		if (b)
			break;
		n += 255;
		if (n > (1u << 24))
			return -EUCLEAN;
	}
	*len = n + b;
	return 0;
}

int dump_unlzo(const unsigned char *in, size_t inlen, unsigned char *out,
	       size_t *outlen)
{
	struct lz z = { in, in + inlen, out, out, out + *outlen };
	unsigned int t, h, lo, state = 0;
	size_t len, dist;

	if (!inlen)
		return -EUCLEAN;
	if (*z.ip > 17) {
		/* first byte: a literal run, no dictionary yet */
		t = *z.ip++ - 17u;
		if (lit(&z, t))
			return -EUCLEAN;
		state = t < 4 ? t : 4;
	}
	for (;;) {
		if (byte(&z, &t))
			return -EUCLEAN;
		if (t < 16) {
			if (state == 0) {
				/* 0000LLLL: literal run of 4 or more */
				if (lzo_len(&z, 4, t, &len) || lit(&z, len + 3))
					return -EUCLEAN;
				state = 4;
				continue;
			}
			/* 0000DDSS + H: 2 bytes (after 1-3 literals) or 3 bytes */
			if (byte(&z, &h))
				return -EUCLEAN;
			dist = ((size_t)h << 2) + ((t >> 2) & 3) + 1;
			len = 2;
			if (state == 4) {
				dist += 2048;
				len = 3;
			}
		} else if (t < 32) {
			/* 0001HLLL + LE16: far match, or the end */
			if (lzo_len(&z, 3, t, &len) || byte(&z, &lo) || byte(&z, &h))
				return -EUCLEAN;
			len += 2;
			dist = 16384 + ((size_t)(t & 8) << 11) +
			       (((size_t)h << 8 | lo) >> 2);
			if (dist == 16384) {
				*outlen = (size_t)(z.op - z.o);
				return z.ip == z.ie ? 0 : -EUCLEAN;
			}
			t = lo;
		} else if (t < 64) {
			/* 001LLLLL + LE16: match within 16K */
			if (lzo_len(&z, 5, t, &len) || byte(&z, &lo) || byte(&z, &h))
				return -EUCLEAN;
			len += 2;
			dist = (((size_t)h << 8 | lo) >> 2) + 1;
			t = lo;
		} else {
			/* 01LDDDSS / 1LLDDDSS + H: short match within 2K */
			if (byte(&z, &h))
				return -EUCLEAN;
			dist = ((size_t)h << 3) + ((t >> 2) & 7) + 1;
			len = t < 128 ? 3 + ((t >> 5) & 1) : 5 + ((t >> 5) & 3);
		}
		if (match(&z, dist, len))
			return -EUCLEAN;
		/* the low two bits: literals that follow the match */
		state = t & 3;
		if (lit(&z, state))
			return -EUCLEAN;
	}
}

int dump_unsnappy(const unsigned char *in, size_t inlen, unsigned char *out,
		  size_t *outlen)
{
	struct lz z = { in, in + inlen, out, out, out + *outlen };
	uint64_t want = 0;
	unsigned int shift = 0, b, t, i;
	size_t len, dist;

	/* preamble: the uncompressed length as a little-endian varint */
	do {
		if (byte(&z, &b) || shift > 28)
			return -EUCLEAN;
		want |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (want > *outlen)
		return -EUCLEAN;
	z.oe = out + want;

	while (z.ip < z.ie) {
		t = *z.ip++;
		switch (t & 3) {
		case 0:		/* literal */
			len = t >> 2;
			if (len >= 60) {
				unsigned int nb = (unsigned int)len - 59;

				len = 0;
				for (i = 0; i < nb; i++) {
					if (byte(&z, &b))
						return -EUCLEAN;
					len |= (size_t)b << (8 * i);
				}
			}
			if (lit(&z, len + 1))
				return -EUCLEAN;
			continue;
		case 1:		/* copy, 11-bit offset */
			if (byte(&z, &b))
				return -EUCLEAN;
			len = 4 + ((t >> 2) & 7);
			dist = ((size_t)(t >> 5) << 8) | b;
			break;
		case 2:		/* copy, 16-bit offset */
			if ((size_t)(z.ie - z.ip) < 2)
				return -EUCLEAN;
			len = 1 + (t >> 2);
			dist = (size_t)z.ip[0] | (size_t)z.ip[1] << 8;
			z.ip += 2;
			break;
		default:	/* copy, 32-bit offset */
			if ((size_t)(z.ie - z.ip) < 4)
				return -EUCLEAN;
			len = 1 + (t >> 2);
			dist = (size_t)z.ip[0] | (size_t)z.ip[1] << 8 |
			       (size_t)z.ip[2] << 16 | (size_t)z.ip[3] << 24;
			z.ip += 4;
			break;
		}
		if (match(&z, dist, len))
			return -EUCLEAN;
	}
	if ((uint64_t)(z.op - z.o) != want)
		return -EUCLEAN;
	*outlen = (size_t)want;
	return 0;
}
