/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FMT_RAW_H
#define KCAP_FMT_RAW_H

/*
 * The raw target's layout: a partition (or, for tests, a file) holding one dump.
 *
 *   0          header block (RAW_HDR_SIZE), little-endian fields below
 *   4096       vmcore-dmesg.txt text, dmesg_size bytes
 *   dump_offset (1 MiB aligned) the dump file, dump_size bytes, written
 *              seekable with base = dump_offset (or flattened with -F);
 *              dump_offset stays 0 until the dump is started
 *
 * The header is written first saying "writing" (which also makes an older
 * dump there unrecognisable as complete), then the text, then the dump,
 * then the header again saying "complete", with an fsync between each.
 * After the reboot, `kcap savecore DEV DIR` copies it out into a dump
 * directory and marks the header consumed, so it is never taken twice.
 * Written by save.c, read by cmd_savecore.c.
 */
#include <stddef.h>
#include <stdint.h>

#define RAW_MAGIC	"KCAPRAW1"
#define RAW_VERSION	1
#define RAW_HDR_SIZE	4096
#define RAW_ALIGN	(1024 * 1024)	/* the dump starts on a MiB: any sector size */

enum raw_state {
	RAW_WRITING = 1,	/* the capture did not get to the end */
	RAW_COMPLETE = 2,	/* dump complete */
	RAW_FAILED = 3,		/* the capture gave up (dump_status says why) */
};

struct raw_header {
	uint32_t version;
	uint32_t state;
	uint64_t generation;	/* +1 per capture on this device */
	int64_t crash_time;
	int64_t written_time;	/* capture kernel's clock when the header was written */
	int64_t consumed_time;	/* when kcap savecore copied it out; 0: not yet */
	uint64_t dmesg_offset;
	uint64_t dmesg_size;
	uint32_t dmesg_status;	/* 0, or the errno of a failed extraction */
	uint32_t dump_status;	/* 0, or the errno of a failed dump */
	uint64_t dump_offset;
	uint64_t dump_size;
	uint32_t elf, flat, compress, dump_level;
	uint64_t page_size;
	uint64_t mem_bytes;
	char nodename[65];
	char release[65];
};

/* On-disk offsets of the header fields. */
enum {
	OFF_MAGIC = 0, OFF_VERSION = 8, OFF_STATE = 12, OFF_GENERATION = 16,
	OFF_CRASH_TIME = 24, OFF_WRITTEN_TIME = 32, OFF_CONSUMED_TIME = 40,
	OFF_DMESG_OFFSET = 48, OFF_DMESG_SIZE = 56, OFF_DMESG_STATUS = 64,
	OFF_DUMP_STATUS = 68, OFF_DUMP_OFFSET = 72, OFF_DUMP_SIZE = 80,
	OFF_ELF = 88, OFF_FLAT = 92, OFF_COMPRESS = 96, OFF_DUMP_LEVEL = 100,
	OFF_PAGE_SIZE = 104, OFF_MEM_BYTES = 112, OFF_NODENAME = 128,
	OFF_RELEASE = 193, OFF_END = 258,
};

/* 0, -ENODATA (no kcap header), -EPROTO (a version we do not know), -errno. */
int raw_read_header(int fd, struct raw_header *h);
/* Writes the header block and fsyncs: 0 or -errno. */
int raw_write_header(int fd, const struct raw_header *h);
/* Size of a block device (BLKGETSIZE64) or a regular file: 0 or -errno. */
int raw_size(int fd, uint64_t *size);
/* "writing", "complete", "failed", "unknown". */
const char *raw_state_name(uint32_t state);
/* "YYYY-MM-DD HH:MM:SS UTC", or "unknown" for t <= 0. */
void raw_time(int64_t t, char *buf, size_t len);

#endif
