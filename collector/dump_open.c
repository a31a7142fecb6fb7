// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening a dump: recognise the container from its first bytes, let its
 * reader (dump_read_elf.c, dump_read_kdump.c, dump_read_flat.c) fill in
 * the ranges, the notes and a read_page() method, then check the page
 * size and set up the address translation (dump_read.c). Closing it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_read.h"
#include "dump_read_priv.h"
#include "fmt_flat.h"
#include "fmt_kdump.h"

static int detect_and_open(struct dump *d, int depth)
{
	unsigned char magic[16];
	int ret;

	ret = dump_pread(d, magic, sizeof(magic), 0);
	if (ret)
		return ret == -ENODATA ? -EINVAL : ret;
	if (!memcmp(magic, "\177ELF", 4)) {
		if (!depth)
			d->format = DUMP_FMT_ELF;
		return dump_elf_open(d);
	}
	if (!memcmp(magic, KDUMP_SIGNATURE, 8)) {
		if (!depth)
			d->format = DUMP_FMT_KDUMP;
		return dump_kdump_open(d);
	}
	if (!memcmp(magic, FLAT_SIGNATURE, 12) && !depth) {
		d->format = DUMP_FMT_FLAT;
		ret = dump_flat_open(d);
		if (ret)
			return ret;
		return detect_and_open(d, depth + 1);
	}
	if (!memcmp(magic, "DISKDUMP", 8))
		return -ENOTSUP;	/* the old diskdump: not supported */
	return -EINVAL;
}

int dump_open_fd(struct dump *d, int fd, const char *path)
{
	struct stat st;
	off_t end;
	int64_t n;
	const char *s;
	int ret;

	(void)path;
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	d->dump_level = -1;
	d->in = calloc(1, sizeof(*d->in));
	if (!d->in)
		return -ENOMEM;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		d->file_size = (uint64_t)st.st_size;
	} else {
		end = lseek(fd, 0, SEEK_END);	/* block devices */
		if (end > 0)
			d->file_size = (uint64_t)end;
	}

	ret = detect_and_open(d, 0);
	if (ret)
		goto fail;

	s = vmcoreinfo_str(d, "PAGESIZE");
	if (s && (n = strtoll(s, NULL, 10)) > 0) {
		if (d->page_size && d->page_size != (uint64_t)n) {
			ret = -EUCLEAN;	/* kdump block size disagrees */
			goto fail;
		}
		d->page_size = (uint64_t)n;
	}
	if (!d->page_size)
		d->page_size = 4096;
	if (d->page_size < 4096 || d->page_size > 65536 ||
	    (d->page_size & (d->page_size - 1))) {
		ret = -EUCLEAN;
		goto fail;
	}
	if (!d->max_pfn) {
		for (int i = 0; i < d->nr_ranges; i++) {
			struct dump_range *r = &d->ranges[i];
			uint64_t e = (r->paddr + r->memsz + d->page_size - 1) /
				     d->page_size;

			if (e > d->max_pfn)
				d->max_pfn = e;
		}
	}
	d->in->pc_data = malloc(DUMP_PCACHE_PAGES * d->page_size);
	if (!d->in->pc_data) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = dump_setup_x86_64(d);
	if (ret)
		goto fail;
	return 0;
fail:
	dump_close(d);
	d->fd = -1;
	return ret;
}

int dump_open(struct dump *d, const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = dump_open_fd(d, fd, path);
	if (ret) {
		close(fd);
		return ret;
	}
	d->own_fd = 1;
	return 0;
}

void dump_close(struct dump *d)
{
	if (d->release)
		d->release(d);
	if (d->in) {
		if (d->in->flat_release)
			d->in->flat_release(d);
		free(d->in->vi_lines);
		free(d->in->pc_data);
		free(d->in);
	}
	free(d->vmcoreinfo);
	free(d->notes);
	free(d->ranges);
	if (d->own_fd && d->fd >= 0)
		close(d->fd);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
}
