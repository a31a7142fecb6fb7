/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CHECKED_H
#define KCAP_CHECKED_H

/*
 * Checked arithmetic on sizes and offsets that come from a dump, a
 * partition header or a config: every reader goes through these before
 * it uses such a number to index, allocate or loop. Each returns 0 when
 * the result is good and -1 when it overflowed or falls outside; *res is
 * only meaningful on 0.
 */
#include <stddef.h>
#include <stdint.h>

/* *res = a + b, or -1 when that does not fit in 64 bits. */
static inline int checked_add(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_add_overflow(a, b, res) ? -1 : 0;
}

/* *res = a * b, or -1 when that does not fit in 64 bits. */
static inline int checked_mul(uint64_t a, uint64_t b, uint64_t *res)
{
	return __builtin_mul_overflow(a, b, res) ? -1 : 0;
}

/* [off, off + len) lies inside [0, size): 0, else -1 (also on wrap). */
static inline int checked_range(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off ? 0 : -1;
}

/*
 * A field of width bytes at a signed offset (a VMCOREINFO OFFSET()) lies
 * inside a structure of size bytes: 0, else -1 (negative, or past it).
 */
static inline int checked_field(int64_t off, uint64_t width, uint64_t size)
{
	return off >= 0 && checked_range((uint64_t)off, width, size) == 0 ? 0 : -1;
}

/* *res = a * b as a size_t to allocate, or -1 when it does not fit. */
static inline int checked_size(uint64_t a, uint64_t b, size_t *res)
{
	uint64_t r;

	if (checked_mul(a, b, &r) || r > SIZE_MAX)
		return -1;
	*res = (size_t)r;
	return 0;
}

#endif
