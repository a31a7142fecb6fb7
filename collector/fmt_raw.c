// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw target's header block (fmt_raw.h): encode, decode, read, write.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>

#include "fmt_raw.h"

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void raw_encode(const struct raw_header *h, unsigned char *b)
{
	memset(b, 0, RAW_HDR_SIZE);
	memcpy(b + OFF_MAGIC, RAW_MAGIC, 8);
	put_le(b + OFF_VERSION, h->version, 4);
	put_le(b + OFF_STATE, h->state, 4);
	put_le(b + OFF_GENERATION, h->generation, 8);
	put_le(b + OFF_CRASH_TIME, (uint64_t)h->crash_time, 8);
	put_le(b + OFF_WRITTEN_TIME, (uint64_t)h->written_time, 8);
	put_le(b + OFF_CONSUMED_TIME, (uint64_t)h->consumed_time, 8);
	put_le(b + OFF_DMESG_OFFSET, h->dmesg_offset, 8);
	put_le(b + OFF_DMESG_SIZE, h->dmesg_size, 8);
	put_le(b + OFF_DMESG_STATUS, h->dmesg_status, 4);
	put_le(b + OFF_DUMP_STATUS, h->dump_status, 4);
	put_le(b + OFF_DUMP_OFFSET, h->dump_offset, 8);
	put_le(b + OFF_DUMP_SIZE, h->dump_size, 8);
	put_le(b + OFF_ELF, h->elf, 4);
	put_le(b + OFF_FLAT, h->flat, 4);
	put_le(b + OFF_COMPRESS, h->compress, 4);
	put_le(b + OFF_DUMP_LEVEL, h->dump_level, 4);
	put_le(b + OFF_PAGE_SIZE, h->page_size, 8);
	put_le(b + OFF_MEM_BYTES, h->mem_bytes, 8);
	memcpy(b + OFF_NODENAME, h->nodename, sizeof(h->nodename) - 1);
	memcpy(b + OFF_RELEASE, h->release, sizeof(h->release) - 1);
}

/* 0, -ENODATA (no kcap header), -EPROTO (a version we do not know). */
static int raw_decode(const unsigned char *b, struct raw_header *h)
{
	memset(h, 0, sizeof(*h));
	if (memcmp(b + OFF_MAGIC, RAW_MAGIC, 8))
		return -ENODATA;
	h->version = (uint32_t)get_le(b + OFF_VERSION, 4);
	if (h->version != RAW_VERSION)
		return -EPROTO;
	h->state = (uint32_t)get_le(b + OFF_STATE, 4);
	h->generation = get_le(b + OFF_GENERATION, 8);
	h->crash_time = (int64_t)get_le(b + OFF_CRASH_TIME, 8);
	h->written_time = (int64_t)get_le(b + OFF_WRITTEN_TIME, 8);
	h->consumed_time = (int64_t)get_le(b + OFF_CONSUMED_TIME, 8);
	h->dmesg_offset = get_le(b + OFF_DMESG_OFFSET, 8);
	h->dmesg_size = get_le(b + OFF_DMESG_SIZE, 8);
	h->dmesg_status = (uint32_t)get_le(b + OFF_DMESG_STATUS, 4);
	h->dump_status = (uint32_t)get_le(b + OFF_DUMP_STATUS, 4);
	h->dump_offset = get_le(b + OFF_DUMP_OFFSET, 8);
	h->dump_size = get_le(b + OFF_DUMP_SIZE, 8);
	h->elf = (uint32_t)get_le(b + OFF_ELF, 4);
	h->flat = (uint32_t)get_le(b + OFF_FLAT, 4);
	h->compress = (uint32_t)get_le(b + OFF_COMPRESS, 4);
	h->dump_level = (uint32_t)get_le(b + OFF_DUMP_LEVEL, 4);
	h->page_size = get_le(b + OFF_PAGE_SIZE, 8);
	h->mem_bytes = get_le(b + OFF_MEM_BYTES, 8);
	memcpy(h->nodename, b + OFF_NODENAME, sizeof(h->nodename) - 1);
	memcpy(h->release, b + OFF_RELEASE, sizeof(h->release) - 1);
	return 0;
}

int raw_read_header(int fd, struct raw_header *h)
{
	unsigned char b[RAW_HDR_SIZE];
	ssize_t n = pread(fd, b, sizeof(b), 0);

	if (n < 0)
		return -errno;
	if (n < (ssize_t)sizeof(b))
		return -ENODATA;
	return raw_decode(b, h);
}

int raw_write_header(int fd, const struct raw_header *h)
{
	unsigned char b[RAW_HDR_SIZE];
	ssize_t n;

	raw_encode(h, b);
	n = pwrite(fd, b, sizeof(b), 0);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(b))
		return -EIO;
	return fsync(fd) < 0 ? -errno : 0;
}

int raw_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -ENOTBLK;
	*size = (uint64_t)st.st_size;
	return 0;
}

const char *raw_state_name(uint32_t state)
{
	switch (state) {
	case RAW_WRITING:
		return "writing";
	case RAW_COMPLETE:
		return "complete";
	case RAW_FAILED:
		return "failed";
	}
	return "unknown";
}

void raw_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, len, "unknown");
		return;
	}
	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "unknown");
}
