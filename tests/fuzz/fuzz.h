/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FUZZ_H
#define KCAP_FUZZ_H

/*
 * Shared by the libFuzzer harnesses (tests/fuzz/run builds them with
 * clang -fsanitize=fuzzer,address,undefined against the collector's
 * sources). The readers take a file descriptor: inputs go to a memfd.
 */

#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd holding data[0..len): the same fd every call, rewritten. */
static inline int fuzz_memfd(const uint8_t *data, size_t len)
{
	static int fd = -1;

	if (fd < 0)
		fd = memfd_create("kcap-fuzz", 0);
	if (fd < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || (len && pwrite(fd, data, len, 0) != (ssize_t)len))
		abort();
	return fd;
}

/* /dev/null, opened once: where the harnesses write dumps and logs. */
static inline int fuzz_devnull(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/dev/null", O_WRONLY);
	return fd;
}

#endif
