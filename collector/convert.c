// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap convert: rebuild a dump file from a flattened stream, as
 * `makedumpfile -R` does: each {offset, size} record's data goes to that
 * offset of the output. A stream that ends before its end marker leaves
 * a file marked incomplete (kdump status flag, ELF e_flags) and exit 1.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dumpfile_priv.h"
#include "log.h"

#define BUF_SIZE	(1024 * 1024)

/* Whole read: 1 done, 0 clean end of file before any byte, -errno. */
static int read_full(int fd, void *buf, size_t len, size_t *got)
{
	char *p = buf;
	ssize_t n;

	*got = 0;
	while (*got < len) {
		n = read(fd, p + *got, len - *got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return *got ? -ENODATA : 0;
		*got += (size_t)n;
	}
	return 1;
}

static int pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = pwrite(fd, p, len, off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* After a cut stream: say so in the rebuilt file's own header. */
static void mark_incomplete(int fd)
{
	unsigned char h[512];
	uint32_t v;

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return;
	if (!memcmp(h, "KDUMP   ", 8)) {
		memcpy(&v, h + 424, 4);		/* disk_dump_header.status */
		v |= 0x8;			/* DUMP_DH_COMPRESSED_INCOMPLETE */
		pwrite_full(fd, &v, 4, 424);
	} else if (!memcmp(h, "\177ELF", 4) && h[4] == 2) {
		memcpy(&v, h + 48, 4);		/* Elf64_Ehdr.e_flags */
		v |= 0x1;			/* DUMP_ELF_INCOMPLETE */
		pwrite_full(fd, &v, 4, 48);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: kcap convert [FLAT|-] OUTPUT\n"
		"  rebuild a dump file from a flattened stream (makedumpfile -F,\n"
		"  kcap save -F), read from FLAT or standard input\n");
	return 2;
}

int cmd_convert(int argc, char **argv)
{
	const char *in = "-", *out;
	unsigned char hdr[FLAT_HEADER_SIZE], *buf;
	uint64_t records = 0, bytes = 0, type = 0;
	int ifd = 0, ofd, ret = 0, status = 1;
	size_t got;

	if (argc == 2) {
		out = argv[1];
	} else if (argc == 3) {
		in = argv[1];
		out = argv[2];
	} else {
		return usage();
	}
	if (!strcmp(out, "-"))
		return usage();		/* the output needs seeking */
	if (strcmp(in, "-")) {
		ifd = open(in, O_RDONLY | O_CLOEXEC);
		if (ifd < 0) {
			log_warn("convert: %s", in);
			return 1;
		}
	}

	ret = read_full(ifd, hdr, sizeof(hdr), &got);
	memcpy(&type, hdr + 16, sizeof(type));
	if (ret <= 0 || memcmp(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)) ||
	    be64toh(type) != FLAT_TYPE) {
		if (ret < 0 && ret != -ENODATA)
			log_errno(-ret, "convert: %s", in);
		else
			log_warnx("convert: %s is not a flattened dump (no makedumpfile header)",
				  in);
		goto out_in;
	}
	buf = malloc(BUF_SIZE);
	if (!buf) {
		log_warnx("convert: out of memory");
		goto out_in;
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (ofd < 0) {
		log_warn("convert: %s", out);
		goto out_buf;
	}

	for (;;) {
		uint64_t rec[2];
		int64_t off, size;

		ret = read_full(ifd, rec, sizeof(rec), &got);
		if (ret <= 0)
			goto cut;
		off = (int64_t)be64toh(rec[0]);
		size = (int64_t)be64toh(rec[1]);
		if (off == -1 && size == -1)
			break;
		if (off < 0 || size <= 0) {
			log_warnx("convert: %s: bad record %llu (offset %lld, size %lld)",
				  in, (unsigned long long)records, (long long)off,
				  (long long)size);
			mark_incomplete(ofd);
			goto out_out;
		}
		while (size > 0) {
			size_t n = size > BUF_SIZE ? BUF_SIZE : (size_t)size;

			ret = read_full(ifd, buf, n, &got);
			if (ret <= 0) {
				if (got)
					pwrite_full(ofd, buf, got, off);
				goto cut;
			}
			ret = pwrite_full(ofd, buf, n, off);
			if (ret) {
				log_errno(-ret, "convert: %s", out);
				mark_incomplete(ofd);
				goto out_out;
			}
			off += (int64_t)n;
			size -= (int64_t)n;
			bytes += n;
		}
		records++;
	}
	if (fsync(ofd) && errno != EINVAL) {
		log_warn("convert: %s", out);
		goto out_out;
	}
	log_debug("convert: %llu records, %llu bytes", (unsigned long long)records,
		  (unsigned long long)bytes);
	status = 0;
	goto out_out;
cut:
	if (ret < 0 && ret != -ENODATA)
		log_errno(-ret, "convert: %s", in);
	else
		log_warnx("convert: %s ends before its end marker (after %llu records): %s is incomplete",
			  in, (unsigned long long)records, out);
	mark_incomplete(ofd);
out_out:
	if (close(ofd) && status == 0) {
		log_warn("convert: %s", out);
		status = 1;
	}
out_buf:
	free(buf);
out_in:
	if (ifd > 0)
		close(ifd);
	return status;
}
