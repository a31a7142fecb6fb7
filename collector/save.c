// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE	/* memfd_create: a stream sink's vmcore-dmesg.txt is made in memory */
/*
 * Saving one dump into a sink (save.h): the steps are the same for every
 * kind of sink and are run in one place, save_to_sink():
 *
 *   begin     make the place: the dump directory; the raw header "writing"
 *   dmesg     vmcore-dmesg.txt first                   (best effort)
 *   space     the free space against the estimate      (skip if it cannot fit)
 *   dump      vmcore, then marked complete              (must)
 *   end       raw: the header says "failed" if it did; close
 *   finish    kexec-dmesg.log (save_finish)            (best effort)
 *
 * sink_steps[] says how each kind of sink does each step. A stream sink
 * (a remote directory behind pipes, sink.h's struct sink_remote) cannot
 * seek and has no free-space figure: it always gets the flattened format
 * and no space check; its files are renamed only once the far side says
 * they are whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "dumpdir.h"
#include "fmt_raw.h"
#include "log.h"
#include "progress.h"
#include "report.h"
#include "save.h"

#define MB		(1024ULL * 1024)
#define CAPTURE_SPLIT	"vmcore-incomplete"

/* The writer options a configuration asks for. */
void save_opts(const struct kcap_conf *c, struct dumpfile_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->format = c->format;
	o->flat = c->flat;
	o->compress = o->format == DUMP_FMT_ELF ? 0 : c->compress;
	o->dump_level = c->dump_level;
}

const char *save_format_name(const struct dumpfile_opts *o, char *buf, size_t len)
{
	const char *comp = "";

	if (o->format != DUMP_FMT_ELF)
		comp = o->compress & DUMP_COMP_ZLIB ? " zlib" :
		       o->compress & DUMP_COMP_LZO ? " lzo" : " uncompressed";
	snprintf(buf, len, "%s%s%s", o->format == DUMP_FMT_ELF ? "ELF" : "kdump-compressed", comp,
		 o->flat ? " flattened" : "");
	return buf;
}

/* Bytes of memory in the image: ranges are sorted, the kernel text overlaps. */
static uint64_t save_mem_bytes(const struct dump *d)
{
	uint64_t total = 0, end = 0, s, e;
	int i;

	for (i = 0; i < d->nr_ranges; i++) {
		s = d->ranges[i].paddr;
		e = s + d->ranges[i].memsz;
		if (s < end)
			s = end;
		if (e > s)
			total += e - s;
		if (e > end)
			end = e;
	}
	return total;
}

int save_open(struct capture *cap, const char *path, const struct kcap_conf *c)
{
	char when[40] = "unknown", fmt[64];
	const char *rel;
	struct tm tm;
	time_t t;
	int ret;

	memset(cap, 0, sizeof(*cap));
	cap->conf = c;
	ret = dump_open(&cap->dump, path);
	if (ret < 0) {
		log_errno(ret, "cannot open %s", path);
		return ret;
	}
	ret = dump_ident(&cap->dump, &cap->id);
	if (ret < 0) {
		log_errno(ret, "%s: the crashed kernel's name and crash time are unknown", path);
		memset(&cap->id, 0, sizeof(cap->id));
	}
	rel = vmcoreinfo_str(&cap->dump, "OSRELEASE");
	if (!cap->id.release[0] && rel)
		snprintf(cap->id.release, sizeof(cap->id.release), "%s", rel);
	if (cap->id.crash_time > 0) {
		t = (time_t)cap->id.crash_time;
		/* a crash time past year 2^31 has no struct tm: stays "unknown" */
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	cap->mem_bytes = save_mem_bytes(&cap->dump);
	log_info("crashed kernel: %s on %s, crashed %s; %s, page size %llu, %llu MB of memory in %d ranges, %d CPU(s)",
		 cap->id.release[0] ? cap->id.release : "(unknown release)",
		 cap->id.nodename[0] ? cap->id.nodename : "(unknown host)", when,
		 dump_format_name(cap->dump.format),
		 (unsigned long long)cap->dump.page_size,
		 (unsigned long long)(cap->mem_bytes / MB), cap->dump.nr_ranges,
		 cap->dump.nr_cpus);

	save_opts(c, &cap->opts);
	report_begin(&cap->id, save_format_name(&cap->opts, fmt, sizeof(fmt)),
		     cap->opts.dump_level, cap->mem_bytes);
	return 0;
}

void save_close(struct capture *cap)
{
	dump_write_plan_free(&cap->plan);
	dump_close(&cap->dump);
}

static long save_dmesg_fd(struct capture *cap, int fd)
{
	off_t start = lseek(fd, 0, SEEK_CUR), end;
	int ret;

	ret = dmesg_write(&cap->dump, fd);
	if (ret < 0)
		return ret;
	end = lseek(fd, 0, SEEK_CUR);
	return start >= 0 && end >= start ? (long)(end - start) : 0;
}

/* Best effort: vmcore-dmesg.txt, via vmcore-dmesg.txt.incomplete. */
static void save_dmesg_file(struct capture *cap, const struct log_ctx *lc, int dirfd)
{
	const char *tag = lc->tag;
	static const char tmp[] = "vmcore-dmesg.txt.incomplete";
	long n;
	int fd, ret;

	fd = dumpdir_open_new(dirfd, tmp);
	if (fd < 0) {
		log_errno(fd, "%s: vmcore-dmesg.txt: cannot create %s", tag, tmp);
		return;
	}
	n = save_dmesg_fd(cap, fd);
	if (n < 0) {
		log_errno((int)n, "%s: vmcore-dmesg.txt: cannot extract the crashed kernel's log (kept %s)",
			  tag, tmp);
		goto out_close;
	}
	ret = dumpdir_commit(dirfd, fd, tmp, "vmcore-dmesg.txt");
	if (ret < 0)
		log_errno(ret, "%s: vmcore-dmesg.txt: fsync/rename", tag);
	else
		log_info("%s: vmcore-dmesg.txt: %ld bytes", tag, n);
out_close:
	close(fd);
}

/* Size check before a write; 0, or -ENOSPC after logging "skipping". */
static int save_check_space(struct capture *cap, const struct log_ctx *lc, uint64_t avail)
{
	const char *tag = lc->tag, *what = lc->what;
	uint64_t max, expected;
	struct progress pr;
	int ret;

	/* the estimate reads mem_map (the filter pass): show progress */
	progress_init(&pr, "vmcore", cap->dump.page_size);
	cap->opts.progress = progress_update;
	cap->opts.progress_arg = &pr;
	ret = dumpfile_estimate(&cap->dump, &cap->opts, &cap->plan, &max, &expected);
	cap->opts.progress = NULL;
	if (ret < 0) {
		log_errno(ret, "%s: %s: cannot estimate the dump size (%llu MB free): trying anyway",
			  tag, what, (unsigned long long)(avail / MB));
		return 0;
	}
	if (avail < expected) {
		log_warnx("%s: %s: %llu MB free, dump needs about %llu MB: skipping",
			  tag, what, (unsigned long long)(avail / MB),
			  (unsigned long long)((expected + MB - 1) / MB));
		return -ENOSPC;
	}
	if (avail < max)
		log_info("%s: %s: %llu MB free, dump needs about %llu MB, at most %llu MB: it may not fit",
			 tag, what, (unsigned long long)(avail / MB),
			 (unsigned long long)((expected + MB - 1) / MB),
			 (unsigned long long)((max + MB - 1) / MB));
	return 0;
}

static int save_is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

/*
 * Must: dumpfile_write() at base with progress lines, fsync; logs the
 * result either way. where names the output for the log.
 */
static int save_write_dump(struct capture *cap, const struct log_ctx *lc, int fd, off_t base,
			   const char *where, struct dumpfile_stats *st)
{
	const char *tag = lc->tag;
	struct progress pr;
	char fmt[64];
	long ms;
	int ret;

	memset(st, 0, sizeof(*st));
	progress_init(&pr, "vmcore", cap->dump.page_size);
	cap->opts.progress = progress_update;
	cap->opts.progress_arg = &pr;
	log_info("%s: writing %s: %s, dump level %d", tag, where,
		 save_format_name(&cap->opts, fmt, sizeof(fmt)), cap->opts.dump_level);
	ret = dumpfile_write(&cap->dump, &cap->opts, &cap->plan, fd, base, st);
	cap->opts.progress = NULL;
	/* a pipe has nothing to sync: the far side says whether all arrived */
	if (ret == 0 && !save_is_pipe(fd) && fsync(fd) < 0)
		ret = -errno;
	ms = progress_elapsed_ms(&pr);
	report_dump(ret, st, ms);
	if (ret < 0) {
		log_errno(ret, "%s: vmcore failed after %ld.%01ld s, %llu MB written to %s",
			  tag, ms / 1000, ms % 1000 / 100,
			  (unsigned long long)(st->bytes_written / MB), where);
		return ret;
	}
	log_info("%s: vmcore written: %llu MB, %llu of %llu pages kept, %llu excluded (level %d), %ld.%01ld s",
		 tag, (unsigned long long)((st->bytes_written + MB - 1) / MB),
		 (unsigned long long)st->pages_dumped, (unsigned long long)st->pages_present,
		 (unsigned long long)st->pages_excluded, st->level_used, ms / 1000, ms % 1000 / 100);
	return 0;
}

/* Must: vmcore via vmcore-incomplete; never a vmcore that is not complete. */
static int save_vmcore_file(struct capture *cap, const struct log_ctx *lc, int dirfd,
			    const char *dir)
{
	const char *tag = lc->tag;
	struct dumpfile_stats st;
	char where[PATH_MAX + 32];
	int fd, ret;

	snprintf(where, sizeof(where), "%s/%s", dir, CAPTURE_SPLIT);
	fd = dumpdir_open_new(dirfd, CAPTURE_SPLIT);
	if (fd < 0) {
		log_errno(fd, "%s: cannot create %s", tag, where);
		return fd;
	}
	/*
	 * Best effort: the name is on disk before the first page, so a
	 * power cut leaves a vmcore-incomplete (it says so) to find.
	 */
	if (fsync(dirfd) < 0)
		log_warn("%s: fsync of %s", tag, dir);
	ret = save_write_dump(cap, lc, fd, 0, where, &st);
	if (ret < 0) {
		log_warnx("%s: kept %s", tag, where);
		goto out_close;
	}
	ret = dumpdir_commit(dirfd, fd, CAPTURE_SPLIT, "vmcore");
	if (ret < 0) {
		log_errno(ret, "%s: vmcore: rename of %s", tag, where);
		goto out_close;
	}
	log_info("%s: vmcore saved: %s/vmcore", tag, dir);
out_close:
	if (close(fd) < 0 && !ret) {
		ret = -errno;
		log_warn("%s: close %s/vmcore", tag, dir);
	}
	return ret;
}

/*
 * The capture kernel's own log, like `dmesg` prints it: syslog(2)'s
 * "<6>[    1.234567] text" with the "<N>" taken off. A malloc'd buffer
 * (*len bytes), or NULL after logging why.
 */
static char *save_kexec_text(const char *tag, size_t *len)
{
	char *buf, *p, *line, *end;
	int size, n;

	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0) {
		log_warn("%s: kexec-dmesg.log: syslog(SIZE_BUFFER)", tag);
		return NULL;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		log_warn("%s: kexec-dmesg.log: %d bytes", tag, size);
		return NULL;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		log_warn("%s: kexec-dmesg.log: syslog(READ_ALL)", tag);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	/* strip "<N>" in place: the text only gets shorter */
	for (p = line = buf; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (line[0] == '<') {
			char *gt = memchr(line, '>', (size_t)(end - line));

			if (gt && gt - line <= 4)
				line = gt + 1;
		}
		memmove(p, line, (size_t)(end - line));
		p += end - line;
	}
	*len = (size_t)(p - buf);
	return buf;
}

static void save_kexec_dmesg(int dirfd, const char *tag)
{
	size_t len;
	char *buf;
	int fd;

	buf = save_kexec_text(tag, &len);
	if (!buf)
		return;
	fd = dumpdir_open_new(dirfd, "kexec-dmesg.log");
	if (fd < 0) {
		log_errno(fd, "%s: kexec-dmesg.log", tag);
		goto out_free;
	}
	if (write(fd, buf, len) != (ssize_t)len || fsync(fd) < 0)
		log_warn("%s: kexec-dmesg.log: write", tag);
	close(fd);
out_free:
	free(buf);
}

/* Best effort: what the capture kernel's memory (crashkernel=) must hold for us. */
void save_log_peak_memory(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		log_info("peak memory %ld KiB", ru.ru_maxrss);
}

/* --- a directory: base/<host>-<date>/ ------------------------------------------------- */

static int dir_begin(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	const char *tag = lc->tag, *what = lc->what, *base = s->path;
	char name[128];
	int ret;

	ret = dumpdir_mkpath(base, 0700);
	if (ret == -ELOOP) {
		log_warnx("%s: %s: %s goes through a symbolic link: refusing it (a dump never follows a link on a target)",
			  tag, what, base);
		return ret;
	}
	if (ret < 0) {
		log_errno(ret, "%s: %s: mkdir -p %s", tag, what, base);
		return ret;
	}
	dumpdir_name(&cap->id, name, sizeof(name));
	ret = dumpdir_create(base, name, s->dir, sizeof(s->dir));
	if (ret < 0) {
		log_errno(ret, "%s: %s: cannot create a dump directory %s/%s", tag, what, base, name);
		return ret;
	}
	s->dirfd = ret;
	log_info("%s: dump directory %s", tag, s->dir);
	return 0;
}

static int dir_dmesg(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	save_dmesg_file(cap, lc, s->dirfd);
	return 0;
}

static int dir_space(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	struct statvfs sv;

	if (fstatvfs(s->dirfd, &sv) < 0) {
		log_warn("%s: %s: statvfs %s: not checking the free space", lc->tag, lc->what,
			 s->dir);
		return 0;
	}
	return save_check_space(cap, lc, (uint64_t)sv.f_bavail * sv.f_frsize);
}

static int dir_dump(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	return save_vmcore_file(cap, lc, s->dirfd, s->dir);
}

static int dir_end(struct capture *cap, struct sink *s, const struct log_ctx *lc, int ret)
{
	(void)cap;
	(void)s;
	(void)lc;
	return ret;	/* the directory stays open for save_finish() */
}

/* --- a raw device: fmt_raw.h ------------------------------------------------------------- */

static int raw_begin(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	const char *tag = lc->tag, *what = lc->what, *path = s->path;
	struct raw_header old, *h = &s->hdr;
	char when[40];
	int ret;

	/* O_EXCL: a block device that is mounted or in use says EBUSY */
	s->fd = open(path, O_RDWR | O_EXCL | O_CLOEXEC);
	if (s->fd < 0) {
		ret = -errno;
		log_warn("%s: %s: open %s", tag, what, path);
		return ret;
	}
	ret = raw_size(s->fd, &s->size);
	if (ret < 0) {
		log_errno(ret, "%s: %s: size of %s", tag, what, path);
		return ret;
	}
	if (s->size < RAW_HDR_SIZE + RAW_ALIGN) {
		log_warnx("%s: %s: %s has only %llu bytes: skipping", tag, what, path,
			  (unsigned long long)s->size);
		return -ENOSPC;
	}

	memset(h, 0, sizeof(*h));
	h->generation = 1;
	if (raw_read_header(s->fd, &old) == 0) {
		h->generation = old.generation + 1;
		if (old.state == RAW_COMPLETE && !old.consumed_time) {
			raw_time(old.crash_time, when, sizeof(when));
			log_warnx("%s: %s: overwriting dump generation %llu (crash at %s) that kcap savecore never saved",
				  tag, what, (unsigned long long)old.generation, when);
		}
	}
	h->version = RAW_VERSION;
	h->state = RAW_WRITING;
	h->crash_time = cap->id.crash_time;
	h->written_time = (int64_t)time(NULL);
	h->dmesg_offset = RAW_HDR_SIZE;
	h->elf = cap->opts.format == DUMP_FMT_ELF;
	h->flat = (uint32_t)cap->opts.flat;
	h->compress = cap->opts.compress;
	h->dump_level = (uint32_t)cap->opts.dump_level;
	h->page_size = cap->dump.page_size;
	h->mem_bytes = cap->mem_bytes;
	memcpy(h->nodename, cap->id.nodename, sizeof(h->nodename) - 1);
	memcpy(h->release, cap->id.release, sizeof(h->release) - 1);
	ret = raw_write_header(s->fd, h);
	if (ret < 0)
		log_errno(ret, "%s: %s: writing the header of %s", tag, what, path);
	return ret;
}

/* Best effort: the kernel log, right after the header. */
static int raw_dmesg(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	struct raw_header *h = &s->hdr;
	off_t end;
	long n;

	if (lseek(s->fd, RAW_HDR_SIZE, SEEK_SET) < 0)
		return -errno;
	n = save_dmesg_fd(cap, s->fd);
	if (n < 0) {
		h->dmesg_status = (uint32_t)-n;
		end = lseek(s->fd, 0, SEEK_CUR);
		h->dmesg_size = end > RAW_HDR_SIZE ? (uint64_t)end - RAW_HDR_SIZE : 0;
		log_errno((int)n, "%s: vmcore-dmesg.txt: cannot extract the crashed kernel's log",
			  lc->tag);
	} else {
		h->dmesg_size = (uint64_t)n;
		log_info("%s: vmcore-dmesg.txt: %ld bytes at offset %d of %s", lc->tag, n,
			 RAW_HDR_SIZE, s->path);
	}
	return 0;
}

static int raw_space(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	uint64_t avail, dump_offset;
	int ret;

	dump_offset = (RAW_HDR_SIZE + s->hdr.dmesg_size + RAW_ALIGN - 1) / RAW_ALIGN * RAW_ALIGN;
	avail = s->size > dump_offset ? s->size - dump_offset : 0;
	ret = save_check_space(cap, lc, avail);
	if (ret < 0) {
		s->mark_failed = 1;
		return ret;
	}
	s->hdr.dump_offset = dump_offset;
	return 0;
}

static int raw_dump(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	const char *tag = lc->tag, *what = lc->what, *path = s->path;
	struct raw_header *h = &s->hdr;
	struct dumpfile_stats st;
	char where[PATH_MAX + 64];
	int ret;

	/* from here on there is a dump (maybe partial) at dump_offset */
	ret = raw_write_header(s->fd, h);
	if (ret < 0) {
		log_errno(ret, "%s: %s: writing the header of %s", tag, what, path);
		return ret;
	}

	snprintf(where, sizeof(where), "%s at offset %llu", path,
		 (unsigned long long)h->dump_offset);
	s->mark_failed = 1;
	if (lseek(s->fd, (off_t)h->dump_offset, SEEK_SET) < 0)	/* flat: sequential */
		return -errno;
	ret = save_write_dump(cap, lc, s->fd, (off_t)h->dump_offset, where, &st);
	h->dump_size = st.bytes_written;
	h->dump_level = (uint32_t)st.level_used;
	if (ret < 0)
		return ret;
	s->mark_failed = 0;
	h->state = RAW_COMPLETE;
	h->written_time = (int64_t)time(NULL);
	ret = raw_write_header(s->fd, h);
	if (ret < 0) {
		log_errno(ret, "%s: %s: marking the dump complete in %s", tag, what, path);
		return ret;
	}
	log_info("%s: vmcore saved: %s, generation %llu (kcap savecore %s DIR after the reboot)",
		 tag, where, (unsigned long long)h->generation, path);
	return 0;
}

static int raw_end(struct capture *cap, struct sink *s, const struct log_ctx *lc, int ret)
{
	(void)cap;
	if (ret < 0 && s->mark_failed) {
		s->hdr.state = RAW_FAILED;
		s->hdr.dump_status = (uint32_t)-ret;
		s->hdr.written_time = (int64_t)time(NULL);
		if (raw_write_header(s->fd, &s->hdr) < 0)
			log_warn("%s: %s: marking the dump failed in %s", lc->tag, lc->what, s->path);
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return ret;
}

/* --- a stream: a remote directory behind pipes (sink.h's struct sink_remote) ---------- */

/*
 * The dump directory, and vmcore-dmesg.txt in it in the same step (best
 * effort): the log is made in memory first, so its size is known.
 */
static int stream_begin(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	const char *tag = lc->tag;
	char name[128], *buf = MAP_FAILED;
	long n = -1;
	int fd, ret;

	if (!cap->opts.flat) {
		log_info("%s: %s: a stream cannot seek: writing the flattened format (-F) whatever core_collector says",
			 tag, lc->what);
		cap->opts.flat = 1;	/* stream_end puts the configured one back */
	}
	dumpdir_name(&cap->id, name, sizeof(name));
	fd = memfd_create("vmcore-dmesg.txt", MFD_CLOEXEC);
	if (fd < 0)
		log_warn("%s: vmcore-dmesg.txt: memfd_create", tag);
	else
		n = save_dmesg_fd(cap, fd);
	if (fd >= 0 && n < 0)
		log_errno((int)n, "%s: vmcore-dmesg.txt: cannot extract the crashed kernel's log",
			  tag);
	if (n > 0) {
		buf = mmap(NULL, (size_t)n, PROT_READ, MAP_SHARED, fd, 0);
		if (buf == MAP_FAILED) {
			log_warn("%s: vmcore-dmesg.txt: mmap of %ld bytes", tag, n);
			n = -1;
		}
	}
	ret = s->remote->mkdir(s, name, n >= 0 ? "vmcore-dmesg.txt" : NULL,
			       n > 0 ? buf : "", n > 0 ? (size_t)n : 0, lc);
	if (buf != MAP_FAILED)
		munmap(buf, (size_t)n);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* vmcore-dmesg.txt went with the directory (stream_begin). */
static int stream_dmesg(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	(void)cap;
	(void)s;
	(void)lc;
	return 0;
}

static int stream_space(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	(void)cap;
	(void)s;
	log_info("%s: %s: no free space figure over a stream: not checked", lc->tag, lc->what);
	return 0;
}

/* Must: the dump into vmcore-incomplete, renamed vmcore.flat once the far side has all of it. */
static int stream_dump(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	const char *tag = lc->tag;
	struct dumpfile_stats st;
	char where[PATH_MAX + 32];
	int fd, ret, ret2;

	snprintf(where, sizeof(where), "%s/%s", s->dir, CAPTURE_SPLIT);
	ret = s->remote->open(s, CAPTURE_SPLIT, &fd, lc);
	if (ret < 0)
		return ret;
	ret = save_write_dump(cap, lc, fd, 0, where, &st);
	ret2 = s->remote->close(s, CAPTURE_SPLIT, "vmcore.flat", ret == 0, st.bytes_written, lc);
	if (ret < 0) {
		log_warnx("%s: kept %s (whatever arrived of it)", tag, where);
		return ret;
	}
	if (ret2 < 0)
		return ret2;
	log_info("%s: vmcore saved: %s/vmcore.flat (flattened: kcap convert or makedumpfile -R makes a normal file of it)",
		 tag, s->dir);
	return 0;
}

static int stream_end(struct capture *cap, struct sink *s, const struct log_ctx *lc, int ret)
{
	(void)s;
	(void)lc;
	cap->opts.flat = cap->conf->flat;
	return ret;
}

/* Best effort: kexec-dmesg.log, also after a failure. */
static void stream_finish(struct sink *s, const struct log_ctx *lc)
{
	size_t len;
	char *buf;

	if (!s->dir[0])
		return;
	buf = save_kexec_text(lc->tag, &len);
	if (!buf)
		return;
	s->remote->put(s, "kexec-dmesg.log", buf, len, lc);
	free(buf);
}

/* --- the sequence ------------------------------------------------------------------------ */

static const struct sink_steps {
	int (*begin)(struct capture *cap, struct sink *s, const struct log_ctx *lc);
	int (*dmesg)(struct capture *cap, struct sink *s, const struct log_ctx *lc);
	int (*space)(struct capture *cap, struct sink *s, const struct log_ctx *lc);
	int (*dump)(struct capture *cap, struct sink *s, const struct log_ctx *lc);
	int (*end)(struct capture *cap, struct sink *s, const struct log_ctx *lc, int ret);
} sink_steps[] = {
	[SINK_DIR] = { dir_begin, dir_dmesg, dir_space, dir_dump, dir_end },
	[SINK_RAW] = { raw_begin, raw_dmesg, raw_space, raw_dump, raw_end },
	[SINK_STREAM] = { stream_begin, stream_dmesg, stream_space, stream_dump, stream_end },
};
#define NR_SINK_STEPS	(sizeof(sink_steps) / sizeof(sink_steps[0]))

int save_to_sink(struct capture *cap, struct sink *s, const struct log_ctx *lc)
{
	const struct sink_steps *st;
	int ret;

	if ((size_t)s->kind >= NR_SINK_STEPS || !sink_steps[s->kind].begin ||
	    (s->kind == SINK_STREAM && !s->remote)) {
		log_warnx("%s: %s: no way to write this kind of place yet: skipping", lc->tag,
			  lc->what);
		return -ENOTSUP;
	}
	st = &sink_steps[s->kind];
	s->mark_failed = 0;
	ret = st->begin(cap, s, lc);
	if (ret == 0)
		ret = st->dmesg(cap, s, lc);	/* first, and best effort */
	if (ret == 0)
		ret = st->space(cap, s, lc);
	if (ret == 0)
		ret = st->dump(cap, s, lc);
	return st->end(cap, s, lc, ret);
}

void save_finish(struct sink *s, const struct log_ctx *lc)
{
	if (s->kind == SINK_STREAM && s->remote) {
		stream_finish(s, lc);
		s->dir[0] = '\0';	/* once */
	}
	if (s->dirfd >= 0) {
		save_kexec_dmesg(s->dirfd, lc->tag);	/* also after a failure */
		report_write(s->dirfd, s->dev[0] ? s->dev : s->path);
		close(s->dirfd);
		s->dirfd = -1;
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
}
