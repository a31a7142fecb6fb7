/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_IO_H
#define KCAP_IO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Whole-buffer positional I/O, retrying on EINTR and short transfers.
 * io_pread_all returns -ENODATA when the file ends first (a source shorter
 * than its headers say). io_pwrite_all stores the bytes written so far in
 * *done (may be NULL), so a caller can report how far it got on ENOSPC.
 */
int io_pread_all(int fd, void *buf, size_t len, uint64_t off);
int io_pwrite_all(int fd, const void *buf, size_t len, uint64_t off, size_t *done);

/* A small file (/proc, /sys) into buf, NUL-terminated: bytes read, or -1
 * when it cannot be opened, read or is empty. */
long io_read_small(const char *path, char *buf, size_t len);

#endif
