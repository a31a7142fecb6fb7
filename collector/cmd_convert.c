// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap convert: from one dump file format to another.
 *
 * Without format options, a flattened stream (makedumpfile -F, kcap save
 * -F) is rebuilt as `makedumpfile -R` does: each {offset, size} record's
 * data goes to that offset of the output, from a file or standard input.
 * A stream that ends before its end marker leaves a file marked
 * incomplete (kdump status flag, ELF e_flags) and exit 1.
 *
 * With -c, -l, -E, -F or -d, any dump the reader opens (ELF, kdump-
 * compressed, flattened) is written again by the dump writers: another
 * format, another compression, or a higher dump level (the source's level
 * is kept: pages it left out cannot come back).
 */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io.h"
#include "cmd.h"
#include "dump_write_priv.h"
#include "fmt_elf.h"
#include "fmt_kdump.h"
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


/* After a cut stream: say so in the rebuilt file's own header. */
static void mark_incomplete(int fd)
{
	unsigned char h[512];
	uint32_t v;

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return;
	if (!memcmp(h, KDUMP_SIGNATURE, 8)) {
		memcpy(&v, h + DH_STATUS, 4);
		v |= DH_COMPRESSED_INCOMPLETE;
		io_pwrite_all(fd, &v, 4, DH_STATUS, NULL);
	} else if (!memcmp(h, "\177ELF", 4) && h[4] == 2) {
		memcpy(&v, h + DUMP_ELF_OFF_FLAGS, 4);
		v |= DUMP_ELF_INCOMPLETE;
		io_pwrite_all(fd, &v, 4, DUMP_ELF_OFF_FLAGS, NULL);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: kcap convert [FLAT|-] OUTPUT\n"
		"       kcap convert [-c|-l|-E] [-F] [-d LEVEL] INPUT OUTPUT|-\n"
		"  The first form rebuilds a dump file from a flattened stream\n"
		"  (makedumpfile -F, kcap save -F) read from FLAT or standard input,\n"
		"  as makedumpfile -R. The second writes INPUT (ELF, kdump-compressed\n"
		"  or flattened) again: kdump-compressed (-c zlib, -l the fastest\n"
		"  compression built in, neither: none) or ELF (-E), flattened (-F,\n"
		"  needed for OUTPUT -), leaving out what LEVEL (0-31) says.\n");
	return 2;
}

/* Write in again with the dump writers. */
static int rewrite(const struct dumpfile_opts *o, const char *in, const char *out)
{
	struct dumpfile_stats st;
	struct dump d;
	int fd, ret;

	ret = dump_open(&d, in);
	if (ret) {
		log_errno(-ret, "convert: %s", in);
		return 1;
	}
	if (!strcmp(out, "-")) {
		fd = 1;
	} else {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			log_warn("convert: %s", out);
			dump_close(&d);
			return 1;
		}
	}
	ret = dumpfile_write(&d, o, NULL, fd, 0, &st);
	if (ret)
		log_errno(-ret, "convert: writing %s", out);
	else
		log_info("convert: %s: %llu of %llu pages, %llu bytes, dump level %d",
			 out, (unsigned long long)st.pages_dumped,
			 (unsigned long long)st.pages_present,
			 (unsigned long long)st.bytes_written, st.level_used);
	if (fd > 1 && close(fd) && !ret) {
		log_warn("convert: %s", out);
		ret = -EIO;
	}
	dump_close(&d);
	return ret ? 1 : 0;
}

int cmd_convert(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = "-", *out;
	unsigned char hdr[FLAT_HEADER_SIZE], *buf;
	uint64_t records = 0, bytes = 0, type = 0;
	int ifd = 0, ofd, ret = 0, status = 1, c, again = 0;
	struct dumpfile_opts o;
	size_t got;
	char *end;

	memset(&o, 0, sizeof(o));
	o.format = DUMP_FMT_KDUMP;
	optind = 1;
	while ((c = getopt_long(argc, argv, "clEFd:h", longopts, NULL)) != -1) {
		again = 1;
		switch (c) {
		case 'h':
			usage();
			return 0;
		case 'c':
			o.compress = DUMP_COMP_ZLIB;
			break;
		case 'l':
			o.compress = DUMP_COMP_LZO;
			break;
		case 'E':
			o.format = DUMP_FMT_ELF;
			break;
		case 'F':
			o.flat = 1;
			break;
		case 'd':
			o.dump_level = (int)strtol(optarg, &end, 10);
			if (*end || o.dump_level < 0 || o.dump_level > 31)
				return usage();
			break;
		default:
			return usage();
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (again) {
		if (argc != 3 || !strcmp(argv[1], "-") || (!strcmp(argv[2], "-") && !o.flat))
			return usage();
		return rewrite(&o, argv[1], argv[2]);
	}
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
	memcpy(&type, hdr + FLAT_OFF_TYPE, sizeof(type));
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
					io_pwrite_all(ofd, buf, got, (uint64_t)off, NULL);
				goto cut;
			}
			ret = io_pwrite_all(ofd, buf, n, (uint64_t)off, NULL);
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
