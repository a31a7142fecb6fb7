/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DMESG_H
#define KCAP_DMESG_H

#include "dump_read.h"

/*
 * Write the crashed kernel's log, read from its printk buffer (the lockless
 * ring of Linux >= 5.10, or the older log_buf), to fd in exactly the format
 * of `makedumpfile --dump-dmesg`: "[%5lu.%06lu] text" per record.
 * Returns 0 or -errno; -ENOENT when VMCOREINFO lacks what is needed or a
 * page it needs is not in the dump. On an error, the records before the
 * one that failed have been written (a partial log beats none).
 * Memory use is constant: records are read one at a time (Linux >= 5.10).
 */
int dmesg_write(struct dump *d, int fd);

#endif
