/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_PARTTAB_H
#define KCAP_PARTTAB_H

/*
 * Partition tables read by the collector itself, for devices the kernel
 * does not partition (a device-mapper multipath device): what kpartx does
 * on a running system. MBR (primary partitions 1-4, logical ones from 5
 * through the extended partition's EBR chain) and GPT (primary header at
 * LBA 1, the backup header at the last LBA when the primary is damaged,
 * both with their CRC32s checked).
 *
 * Every number read from the disk is checked before use: a partition that
 * does not fit on the device, an entry array past the end, a loop in the
 * EBR chain end the table with -EUCLEAN, never with a read out of bounds.
 */
#include <stdint.h>

#define PARTTAB_MAX		128	/* partitions per disk we map (GPT's usual array) */
#define PARTTAB_GPT_ENTRIES_MAX	(1024 * 1024)	/* bytes of GPT entry array we read */
#define PARTTAB_EBR_MAX		64	/* logical partitions followed in an MBR */

/* One partition, in 512-byte sectors (device-mapper's unit). */
struct parttab_part {
	int num;		/* 1.., as the kernel and kpartx number them */
	uint64_t start;
	uint64_t len;
};

/*
 * Read the partition table of fd (size bytes, logical sector ssz: 512 or
 * 4096). Returns the number of partitions put in p (at most max, 0 when the
 * disk has no table), -EUCLEAN for a table that is damaged or points
 * outside the disk, -EIO / -errno when reading fails. *kind (may be NULL)
 * gets "gpt", "mbr" or "none".
 */
int parttab_read(int fd, uint64_t size, unsigned int ssz, struct parttab_part *p, int max,
		 const char **kind);

#endif
