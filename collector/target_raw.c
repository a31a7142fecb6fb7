// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * raw target: a partition (or, for tests, a file) holding one dump.
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
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>

#include "blkdev.h"
#include "checked.h"
#include "cmd.h"
#include "dumpdir.h"
#include "log.h"
#include "target.h"

#define RAW_MAGIC	"KCAPRAW1"
#define RAW_VERSION	1
#define RAW_HDR_SIZE	4096
#define RAW_ALIGN	(1024 * 1024)	/* the dump starts on a MiB: any sector size */
#define RAW_COPY_BUF	(1024 * 1024)
#define MB		(1024ULL * 1024)

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

static int raw_read_header(int fd, struct raw_header *h)
{
	unsigned char b[RAW_HDR_SIZE];
	ssize_t n = pread(fd, b, sizeof(b), 0);

	if (n < 0)
		return -errno;
	if (n < (ssize_t)sizeof(b))
		return -ENODATA;
	return raw_decode(b, h);
}

static int raw_write_header(int fd, const struct raw_header *h)
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

/* Size of a block device (BLKGETSIZE64) or a regular file. */
static int raw_size(int fd, uint64_t *size)
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

static const char *raw_state_name(uint32_t state)
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

static void raw_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "unknown");
}

int target_raw_write(struct capture *cap, const char *tag, const char *what,
		     const char *path)
{
	struct raw_header old, h;
	struct dumpfile_stats st;
	uint64_t size, avail, dump_offset;
	char where[PATH_MAX + 64], when[40];
	off_t end;
	long n;
	int fd, ret;

	/* O_EXCL: a block device that is mounted or in use says EBUSY */
	fd = open(path, O_RDWR | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		log_warn("%s: %s: open %s", tag, what, path);
		return ret;
	}
	ret = raw_size(fd, &size);
	if (ret < 0) {
		log_errno(ret, "%s: %s: size of %s", tag, what, path);
		goto out_close;
	}
	if (size < RAW_HDR_SIZE + RAW_ALIGN) {
		ret = -ENOSPC;
		log_warnx("%s: %s: %s has only %llu bytes: skipping", tag, what, path,
			  (unsigned long long)size);
		goto out_close;
	}

	memset(&h, 0, sizeof(h));
	h.generation = 1;
	if (raw_read_header(fd, &old) == 0) {
		h.generation = old.generation + 1;
		if (old.state == RAW_COMPLETE && !old.consumed_time) {
			raw_time(old.crash_time, when, sizeof(when));
			log_warnx("%s: %s: overwriting dump generation %llu (crash at %s) that kcap savecore never saved",
				  tag, what, (unsigned long long)old.generation, when);
		}
	}
	h.version = RAW_VERSION;
	h.state = RAW_WRITING;
	h.crash_time = cap->id.crash_time;
	h.written_time = (int64_t)time(NULL);
	h.dmesg_offset = RAW_HDR_SIZE;
	h.elf = (uint32_t)cap->opts.elf;
	h.flat = (uint32_t)cap->opts.flat;
	h.compress = cap->opts.compress;
	h.dump_level = (uint32_t)cap->opts.dump_level;
	h.page_size = cap->dump.page_size;
	h.mem_bytes = cap->mem_bytes;
	memcpy(h.nodename, cap->id.nodename, sizeof(h.nodename) - 1);
	memcpy(h.release, cap->id.release, sizeof(h.release) - 1);
	ret = raw_write_header(fd, &h);
	if (ret < 0) {
		log_errno(ret, "%s: %s: writing the header of %s", tag, what, path);
		goto out_close;
	}

	/* best effort: the kernel log, right after the header */
	if (lseek(fd, RAW_HDR_SIZE, SEEK_SET) < 0) {
		ret = -errno;
		goto out_close;
	}
	n = capture_dmesg_fd(cap, fd);
	if (n < 0) {
		h.dmesg_status = (uint32_t)-n;
		end = lseek(fd, 0, SEEK_CUR);
		h.dmesg_size = end > RAW_HDR_SIZE ? (uint64_t)end - RAW_HDR_SIZE : 0;
		log_errno((int)n, "%s: vmcore-dmesg.txt: cannot extract the crashed kernel's log", tag);
	} else {
		h.dmesg_size = (uint64_t)n;
		log_info("%s: vmcore-dmesg.txt: %ld bytes at offset %d of %s", tag, n,
			 RAW_HDR_SIZE, path);
	}

	dump_offset = (RAW_HDR_SIZE + h.dmesg_size + RAW_ALIGN - 1) / RAW_ALIGN * RAW_ALIGN;
	avail = size > dump_offset ? size - dump_offset : 0;
	ret = capture_check_space(cap, tag, what, avail);
	if (ret < 0)
		goto out_failed;
	/* from here on there is a dump (maybe partial) at dump_offset */
	h.dump_offset = dump_offset;
	ret = raw_write_header(fd, &h);
	if (ret < 0) {
		log_errno(ret, "%s: %s: writing the header of %s", tag, what, path);
		goto out_close;
	}

	snprintf(where, sizeof(where), "%s at offset %llu", path,
		 (unsigned long long)h.dump_offset);
	if (lseek(fd, (off_t)h.dump_offset, SEEK_SET) < 0) {	/* flat: sequential */
		ret = -errno;
		goto out_failed;
	}
	ret = capture_write_dump(cap, tag, fd, (off_t)h.dump_offset, where, &st);
	h.dump_size = st.bytes_written;
	h.dump_level = (uint32_t)st.level_used;
	if (ret < 0)
		goto out_failed;
	h.state = RAW_COMPLETE;
	h.written_time = (int64_t)time(NULL);
	ret = raw_write_header(fd, &h);
	if (ret < 0) {
		log_errno(ret, "%s: %s: marking the dump complete in %s", tag, what, path);
		goto out_close;
	}
	log_info("%s: vmcore saved: %s, generation %llu (kcap savecore %s DIR after the reboot)",
		 tag, where, (unsigned long long)h.generation, path);
	goto out_close;

out_failed:
	h.state = RAW_FAILED;
	h.dump_status = (uint32_t)-ret;
	h.written_time = (int64_t)time(NULL);
	if (raw_write_header(fd, &h) < 0)
		log_warn("%s: %s: marking the dump failed in %s", tag, what, path);
out_close:
	close(fd);
	return ret;
}

int target_raw_save(struct capture *cap, const char *tag, const char *what,
		    const char *spec)
{
	char dev[PATH_MAX];
	int ret, dups;

	log_info("%s: %s: looking for the device (up to %d s)", tag, what,
		 cap->conf->device_timeout);
	ret = blkdev_find(spec, cap->conf->device_timeout, dev, sizeof(dev), &dups);
	if (ret < 0) {
		log_errno(ret, "%s: %s: no such device: skipping", tag, what);
		return ret;
	}
	log_info("%s: %s -> %s", tag, what, dev);
	return target_raw_write(cap, tag, what, dev);
}

/* kcap savecore: copy a raw target's dump out, on the host, after the reboot. */

/* Copies len bytes at off of fd into a new file dirfd/name. */
static int raw_copy(int fd, uint64_t off, uint64_t len, int dirfd, const char *name,
		    int *out)
{
	char *buf;
	ssize_t n;
	size_t chunk;
	int ofd, ret = 0;

	ofd = dumpdir_open_new(dirfd, name);
	if (ofd < 0)
		return ofd;
	buf = malloc(RAW_COPY_BUF);
	if (!buf) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (len > 0) {
		chunk = len < RAW_COPY_BUF ? (size_t)len : RAW_COPY_BUF;
		n = pread(fd, buf, chunk, (off_t)off);
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0) {
			ret = -EIO;	/* the header promised more */
			break;
		}
		if (write(ofd, buf, (size_t)n) != n) {
			ret = errno ? -errno : -EIO;
			break;
		}
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	free(buf);
out_close:
	if (ret < 0) {
		close(ofd);
		return ret;
	}
	*out = ofd;
	return 0;
}

static void savecore_usage(void)
{
	fprintf(stderr,
		"usage: kcap savecore [--force] DEVICE DIR\n"
		"Copies the dump that the capture kernel wrote to a raw target into\n"
		"DIR/<host>-<date>/{vmcore-dmesg.txt,vmcore} and marks it saved.\n"
		"--force: also copy a dump that is incomplete (as vmcore-incomplete)\n"
		"         or was already saved.\n"
		"Exit 0: saved, or nothing new (already saved); 1: no dump or failure.\n");
}

int cmd_savecore(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump_ident id;
	struct raw_header h;
	const char *dev, *base, *name;
	char dir[PATH_MAX], dirname[128], when[40], saved[40];
	uint64_t size, dump_size;
	int opt, force = 0, fd, dirfd, ofd, ret, status = 1, complete;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			force = 1;
			break;
		case 'h':
			savecore_usage();
			return 0;
		default:
			savecore_usage();
			return 2;
		}
	}
	if (argc - optind != 2) {
		savecore_usage();
		return 2;
	}
	dev = argv[optind];
	base = argv[optind + 1];

	fd = open(dev, O_RDWR | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		log_warn("open %s", dev);
		return 1;
	}
	ret = raw_size(fd, &size);
	if (ret == 0)
		ret = raw_read_header(fd, &h);
	if (ret == -ENODATA) {
		log_warnx("%s: no kcap dump here (no %s header)", dev, RAW_MAGIC);
		goto out_close;
	} else if (ret == -EPROTO) {
		log_warnx("%s: kcap raw header version %u, this kcap reads version %d",
			  dev, h.version, RAW_VERSION);
		goto out_close;
	} else if (ret < 0) {
		log_errno(ret, "%s: reading the header", dev);
		goto out_close;
	}
	raw_time(h.crash_time, when, sizeof(when));
	log_info("%s: dump generation %llu: %s on %s, crashed %s; state %s; text %llu bytes, dump %llu MB",
		 dev, (unsigned long long)h.generation, h.release[0] ? h.release : "?",
		 h.nodename[0] ? h.nodename : "?", when, raw_state_name(h.state),
		 (unsigned long long)h.dmesg_size, (unsigned long long)(h.dump_size / MB));
	/* checked: a sum that wraps would pass a plain "> size" */
	if (h.dmesg_offset < RAW_HDR_SIZE || checked_range(h.dmesg_offset, h.dmesg_size, size) ||
	    (h.dump_size && (h.dump_offset < h.dmesg_offset + h.dmesg_size ||
			     checked_range(h.dump_offset, h.dump_size, size)))) {
		log_warnx("%s: header offsets and sizes do not fit the %llu bytes of the device",
			  dev, (unsigned long long)size);
		goto out_close;
	}
	if (h.consumed_time && !force) {
		raw_time(h.consumed_time, saved, sizeof(saved));
		log_info("%s: generation %llu was already saved at %s: nothing new (--force copies it again)",
			 dev, (unsigned long long)h.generation, saved);
		status = 0;
		goto out_close;
	}
	complete = h.state == RAW_COMPLETE;
	if (!complete && !force) {
		log_warnx("%s: the dump is not complete (%s%s): not copying it (--force copies %s)",
			  dev, h.state == RAW_WRITING ? "state writing: the capture stopped before the end" :
			  h.state == RAW_FAILED ? "state failed: " : "unknown state",
			  h.state == RAW_FAILED ? strerror((int)h.dump_status) : "",
			  h.dump_offset ? "the text and the partial dump as vmcore-incomplete" :
			  "the text: no dump was started");
		goto out_close;
	}

	ret = dumpdir_mkpath(base, 0700);
	if (ret < 0) {
		log_errno(ret, "mkdir -p %s", base);
		goto out_close;
	}
	memset(&id, 0, sizeof(id));
	memcpy(id.nodename, h.nodename, sizeof(id.nodename));
	id.crash_time = h.crash_time;
	dumpdir_name(&id, dirname, sizeof(dirname));
	dirfd = dumpdir_create(base, dirname, dir, sizeof(dir));
	if (dirfd < 0) {
		log_errno(dirfd, "cannot create a dump directory in %s", base);
		goto out_close;
	}

	/* the text: complete unless its extraction failed in the capture kernel */
	if (h.dmesg_size) {
		ret = raw_copy(fd, h.dmesg_offset, h.dmesg_size, dirfd,
			       "vmcore-dmesg.txt.incomplete", &ofd);
		if (ret == 0) {
			if (!h.dmesg_status)
				ret = dumpdir_commit(dirfd, ofd, "vmcore-dmesg.txt.incomplete",
						     "vmcore-dmesg.txt");
			close(ofd);
		}
		if (ret < 0) {
			log_errno(ret, "%s/vmcore-dmesg.txt", dir);
			goto out_dir;
		}
	}

	/* the dump; its size is unknown if the capture never finished */
	dump_size = h.dump_size;
	if (!dump_size && !complete && h.dump_offset && h.dump_offset < size) {
		log_warnx("%s: dump size unknown: copying all %llu MB after offset %llu",
			  dev, (unsigned long long)((size - h.dump_offset) / MB),
			  (unsigned long long)h.dump_offset);
		dump_size = size - h.dump_offset;
	}
	if (dump_size) {
		ret = raw_copy(fd, h.dump_offset, dump_size, dirfd, "vmcore-incomplete", &ofd);
		if (ret == 0) {
			if (complete)
				ret = dumpdir_commit(dirfd, ofd, "vmcore-incomplete", "vmcore");
			else if (fsync(ofd) < 0)
				ret = -errno;
			close(ofd);
		}
		if (ret < 0) {
			log_errno(ret, "%s/vmcore-incomplete", dir);
			goto out_dir;
		}
	}
	name = complete ? "vmcore" : "vmcore-incomplete";
	if (dump_size)
		log_info("saved %s/%s%s", dir, name,
			 h.flat ? " (flattened: makedumpfile -R rebuilds it)" : "");
	else
		log_info("saved %s: vmcore-dmesg.txt only, no dump was written", dir);

	h.consumed_time = (int64_t)time(NULL);
	ret = raw_write_header(fd, &h);
	if (ret < 0) {
		log_errno(ret, "%s: marking generation %llu saved", dev,
			  (unsigned long long)h.generation);
		goto out_dir;
	}
	printf("%s\n", dir);
	status = 0;
out_dir:
	close(dirfd);
out_close:
	close(fd);
	return status;
}
