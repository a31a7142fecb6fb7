// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap savecore DEVICE DIR: after the reboot, copy the dump the capture
 * kernel wrote to a raw target (fmt_raw.h) into a dump directory and mark
 * the header consumed, so it is never taken twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checked.h"
#include "cmd.h"
#include "dmesg.h"
#include "dumpdir.h"
#include "fmt_raw.h"
#include "log.h"

#define RAW_COPY_BUF	(1024 * 1024)
#define MB		(1024ULL * 1024)

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
