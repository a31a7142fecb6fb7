// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The capture sequence, run by PID 1's worker:
 *
 *   1. config: /etc/kcap.conf + kcap.* on the command line   (PID 1, must)
 *   2. open /proc/vmcore, say whose crash it is              (must)
 *   3. kernel modules for the targets                        (best effort)
 *   4. kdump_pre                                             (best effort)
 *   5. each target in order until one has a complete vmcore  (must: one)
 *        vmcore-dmesg.txt first (best effort), free space, vmcore,
 *        kexec-dmesg.log (best effort)
 *   6. kdump_post <status> <dump dir>                        (best effort)
 *
 * The worker's exit status tells PID 1 which final action to take.
 * `kcap save` runs step 2 and the directory part of 5 on the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "cmd.h"
#include "dumpdir.h"
#include "log.h"
#include "modules.h"
#include "progress.h"
#include "report.h"
#include "script.h"
#include "target.h"

#define MB		(1024ULL * 1024)
#define CAPTURE_SPLIT	"vmcore-incomplete"

static void capture_conf_report(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	if (line > 0)
		log_warnx("%s:%d: %s", file, line, msg);
	else
		log_warnx("%s: %s", file, msg);
}

/* The writer options a configuration asks for. */
static void capture_opts(const struct kcap_conf *c, struct dumpfile_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->elf = c->format == FMT_ELF;
	o->flat = c->flat;
	o->compress = o->elf ? 0 : c->compress;
	o->dump_level = c->dump_level;
}

void capture_load_conf(struct kcap_conf *c, const char *cmdline)
{
	struct dumpfile_opts o;
	char fmt[64], panic[16] = "unset";
	int ret;

	conf_init(c);
	ret = conf_parse_file(c, CAPTURE_CONF, 0, capture_conf_report, NULL);
	if (ret == -ENOENT)
		log_info("config: no %s: defaults and the command line only", CAPTURE_CONF);
	else if (ret < 0)
		log_errno(ret, "config: reading %s (going on with what was read)", CAPTURE_CONF);
	conf_apply_cmdline(c, cmdline, capture_conf_report, NULL);

	capture_opts(c, &o);
	if (c->panic_set)
		snprintf(panic, sizeof(panic), "%d", c->panic);
	log_info("config: %d target(s), path %s, %s, dump level %d, final_action %s, failure_action %s, capture_timeout %d s, device_timeout %d s, kcap.panic=%s",
		 c->nr_targets, c->path, capture_format_name(&o, fmt, sizeof(fmt)), c->dump_level,
		 conf_action_name(c->final_action), conf_action_name(c->failure_action),
		 c->capture_timeout, c->device_timeout, panic);
}

const char *capture_format_name(const struct dumpfile_opts *o, char *buf, size_t len)
{
	const char *comp = "";

	if (!o->elf)
		comp = o->compress & DUMP_COMP_ZLIB ? " zlib" :
		       o->compress & DUMP_COMP_LZO ? " lzo" : " uncompressed";
	snprintf(buf, len, "%s%s%s", o->elf ? "ELF" : "kdump-compressed", comp,
		 o->flat ? " flattened" : "");
	return buf;
}

/* Bytes of memory in the image: ranges are sorted, the kernel text overlaps. */
static uint64_t capture_mem_bytes(const struct dump *d)
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

int capture_open(struct capture *cap, const char *path, const struct kcap_conf *c)
{
	char when[40] = "unknown";
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
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	cap->mem_bytes = capture_mem_bytes(&cap->dump);
	log_info("crashed kernel: %s on %s, crashed %s; %s, page size %llu, %llu MB of memory in %d ranges, %d CPU(s)",
		 cap->id.release[0] ? cap->id.release : "(unknown release)",
		 cap->id.nodename[0] ? cap->id.nodename : "(unknown host)", when,
		 dump_format_name(cap->dump.format),
		 (unsigned long long)cap->dump.page_size,
		 (unsigned long long)(cap->mem_bytes / MB), cap->dump.nr_ranges,
		 cap->dump.nr_cpus);

	capture_opts(c, &cap->opts);
	report_begin(cap);
	return 0;
}

void capture_close(struct capture *cap)
{
	dump_close(&cap->dump);
}

long capture_dmesg_fd(struct capture *cap, int fd)
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
static void capture_dmesg_file(struct capture *cap, const char *tag, int dirfd)
{
	static const char tmp[] = "vmcore-dmesg.txt.incomplete";
	long n;
	int fd, ret;

	fd = dumpdir_open_new(dirfd, tmp);
	if (fd < 0) {
		log_errno(fd, "%s: vmcore-dmesg.txt: cannot create %s", tag, tmp);
		return;
	}
	n = capture_dmesg_fd(cap, fd);
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

int capture_check_space(struct capture *cap, const char *tag, const char *what,
			uint64_t avail)
{
	uint64_t max, expected;
	struct progress pr;
	int ret;

	/* the estimate reads mem_map (the filter pass): show progress */
	progress_init(&pr, "vmcore", cap->dump.page_size);
	cap->opts.progress = progress_update;
	cap->opts.progress_arg = &pr;
	ret = dumpfile_estimate(&cap->dump, &cap->opts, &max, &expected);
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

int capture_write_dump(struct capture *cap, const char *tag, int fd, off_t base,
		       const char *where, struct dumpfile_stats *st)
{
	struct progress pr;
	char fmt[64];
	long ms;
	int ret;

	memset(st, 0, sizeof(*st));
	progress_init(&pr, "vmcore", cap->dump.page_size);
	cap->opts.progress = progress_update;
	cap->opts.progress_arg = &pr;
	log_info("%s: writing %s: %s, dump level %d", tag, where,
		 capture_format_name(&cap->opts, fmt, sizeof(fmt)), cap->opts.dump_level);
	ret = dumpfile_write(&cap->dump, &cap->opts, fd, base, st);
	cap->opts.progress = NULL;
	if (ret == 0 && fsync(fd) < 0)
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
static int capture_vmcore_file(struct capture *cap, const char *tag, int dirfd,
			       const char *dir)
{
	struct dumpfile_stats st;
	char where[PATH_MAX + 32];
	int fd, ret;

	snprintf(where, sizeof(where), "%s/%s", dir, CAPTURE_SPLIT);
	fd = dumpdir_open_new(dirfd, CAPTURE_SPLIT);
	if (fd < 0) {
		log_errno(fd, "%s: cannot create %s", tag, where);
		return fd;
	}
	ret = capture_write_dump(cap, tag, fd, 0, where, &st);
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

int capture_to_dir(struct capture *cap, const char *tag, const char *what,
		   const char *base, char *dir, size_t dirlen, int *dirfd)
{
	struct statvfs sv;
	char name[128];
	int ret;

	*dirfd = -1;
	ret = dumpdir_mkpath(base, 0700);
	if (ret < 0) {
		log_errno(ret, "%s: %s: mkdir -p %s", tag, what, base);
		return ret;
	}
	dumpdir_name(&cap->id, name, sizeof(name));
	ret = dumpdir_create(base, name, dir, dirlen);
	if (ret < 0) {
		log_errno(ret, "%s: %s: cannot create a dump directory %s/%s", tag, what, base, name);
		return ret;
	}
	*dirfd = ret;
	log_info("%s: dump directory %s", tag, dir);

	capture_dmesg_file(cap, tag, *dirfd);	/* first, and best effort */

	if (fstatvfs(*dirfd, &sv) < 0) {
		log_warn("%s: %s: statvfs %s: not checking the free space", tag, what, dir);
	} else {
		ret = capture_check_space(cap, tag, what,
					  (uint64_t)sv.f_bavail * sv.f_frsize);
		if (ret < 0)
			return ret;
	}
	return capture_vmcore_file(cap, tag, *dirfd, dir);
}

/*
 * The capture kernel's own log, like `dmesg` prints it: syslog(2)'s
 * "<6>[    1.234567] text" with the "<N>" taken off.
 */
void capture_kexec_dmesg(int dirfd, const char *tag)
{
	char *buf, *p, *line, *end;
	int fd, size, n;

	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size <= 0) {
		log_warn("%s: kexec-dmesg.log: syslog(SIZE_BUFFER)", tag);
		return;
	}
	buf = malloc((size_t)size + 1);
	if (!buf) {
		log_warn("%s: kexec-dmesg.log: %d bytes", tag, size);
		return;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		log_warn("%s: kexec-dmesg.log: syslog(READ_ALL)", tag);
		goto out_free;
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
	fd = dumpdir_open_new(dirfd, "kexec-dmesg.log");
	if (fd < 0) {
		log_errno(fd, "%s: kexec-dmesg.log", tag);
		goto out_free;
	}
	if (write(fd, buf, (size_t)(p - buf)) != p - buf || fsync(fd) < 0)
		log_warn("%s: kexec-dmesg.log: write", tag);
	close(fd);
out_free:
	free(buf);
}

static void capture_script(const char *what, const char *path, char *const args[])
{
	int ret, sig;

	if (!path[0])
		return;
	log_info("%s: running %s", what, path);
	ret = script_run(path, args, SCRIPT_TIMEOUT_S, &sig);
	if (ret == 0)
		log_info("%s: %s: exit status 0", what, path);
	else if (ret > 0)
		log_warnx("%s: %s: exit status %d (ignored)", what, path, ret);
	else if (ret == -ETIMEDOUT)
		log_warnx("%s: %s: killed after %d s (ignored)", what, path, SCRIPT_TIMEOUT_S);
	else if (ret == -EINTR)
		log_warnx("%s: %s: killed by signal %d (ignored)", what, path, sig);
	else
		log_errno(ret, "%s: cannot run %s (ignored)", what, path);
}

/* Best effort: what the capture kernel's memory (crashkernel=) must hold for us. */
static void capture_log_peak_memory(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		log_info("peak memory %ld KiB", ru.ru_maxrss);
}

int capture_worker(void *arg)
{
	const struct kcap_conf *c = arg;
	const struct conf_target *t;
	struct target_fs fs = { .dirfd = -1 };
	struct capture cap;
	char tag[32], what[CONF_STR_MAX + 16], where[PATH_MAX] = "";
	char status[4];
	int i, ret, ok = 0;

	if (capture_open(&cap, CAPTURE_VMCORE, c) < 0) {
		log_warnx("capture failed: %s cannot be read", CAPTURE_VMCORE);
		capture_script("kdump_post", c->kdump_post, (char *const[]){ "1", "", NULL });
		return 1;
	}
	modules_load(c->extra_modules);
	capture_script("kdump_pre", c->kdump_pre, NULL);

	if (!c->nr_targets)
		log_warnx("no dump target configured (raw, ext4, nfs or ssh in %s, or kcap.ext4= on the command line): nothing can be saved",
			  CAPTURE_CONF);
	for (i = 0; i < c->nr_targets && !ok; i++) {
		t = &c->targets[i];
		snprintf(tag, sizeof(tag), "target %d/%d", i + 1, c->nr_targets);
		snprintf(what, sizeof(what), "%s %s", conf_target_kind_name(t->kind), t->spec);
		if (i > 0)
			log_info("%s: falling back to %s", tag, what);
		switch (t->kind) {
		case TARGET_EXT4:
			ret = target_fs_save(&cap, tag, what, i + 1, t, &fs);
			if (!ret)
				snprintf(where, sizeof(where), "%s", fs.dir);
			break;
		case TARGET_RAW:
			ret = target_raw_save(&cap, tag, what, t->spec);
			if (!ret)
				snprintf(where, sizeof(where), "%s", t->spec);
			break;
		default:
			log_warnx("%s: %s: %s targets are not supported yet: skipping", tag, what,
				  conf_target_kind_name(t->kind));
			ret = -ENOTSUP;
			break;
		}
		if (!ret) {
			ok = i + 1;
			log_info("capture complete: vmcore on %s (%s)", tag, what);
		}
	}
	if (!ok && c->nr_targets)
		log_warnx("capture failed: no target got a complete vmcore (%d tried)", c->nr_targets);
	capture_log_peak_memory();

	snprintf(status, sizeof(status), "%d", ok ? 0 : 1);
	capture_script("kdump_post", c->kdump_post, (char *const[]){ status, where, NULL });
	if (fs.mounted)
		target_fs_finish(&cap, ok ? tag : "capture", &fs);
	capture_close(&cap);
	return ok ? 0 : 1;
}

/* kcap save: the directory part of a capture, on the host. */

static void save_usage(void)
{
	fprintf(stderr,
		"usage: kcap save [--conf FILE] [-c|-l|-E] [-F] [-d LEVEL] VMCORE DIR\n"
		"       kcap save --raw [--conf FILE] [-c|-l|-E] [-F] [-d LEVEL] VMCORE DEVICE|FILE\n"
		"Saves VMCORE like the capture kernel does: DIR/<host>-<date>/vmcore-dmesg.txt\n"
		"and vmcore, or (--raw) a raw target readable by `kcap savecore`.\n"
		"Prints the dump directory (or device). Exit 0 when the vmcore is complete.\n");
}

int cmd_save(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'C' },
		{ "raw", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conffile = NULL;
	int elf = -1, comp = -1, flat = -1, level = -1, raw = 0;
	struct kcap_conf conf;
	struct capture cap;
	char dir[PATH_MAX], what[PATH_MAX + 8], *end;
	int opt, ret, dirfd;

	/* like the capture worker: EPIPE from a dead pipe, not death by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "clEFd:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'C':
			conffile = optarg;
			break;
		case 'R':
			raw = 1;
			break;
		case 'c':
			elf = 0;
			comp = DUMP_COMP_ZLIB;
			break;
		case 'l':
			elf = 0;
			comp = DUMP_COMP_LZO;
			break;
		case 'E':
			elf = 1;
			comp = 0;
			break;
		case 'F':
			flat = 1;
			break;
		case 'd':
			level = (int)strtol(optarg, &end, 10);
			if (*end || level < 0 || level > 31) {
				fprintf(stderr, "kcap save: -d %s: a dump level is 0..31\n", optarg);
				return 2;
			}
			break;
		case 'h':
			save_usage();
			return 0;
		default:
			save_usage();
			return 2;
		}
	}
	if (argc - optind != 2) {
		save_usage();
		return 2;
	}

	conf_init(&conf);
	if (conffile) {
		/* lenient, like the capture kernel: problems are reported, not fatal */
		ret = conf_parse_file(&conf, conffile, 0, capture_conf_report, NULL);
		if (ret < 0) {
			log_errno(ret, "%s", conffile);
			return 1;
		}
	}
	if (elf >= 0)
		conf.format = elf ? FMT_ELF : FMT_KDUMP;
	if (comp >= 0)
		conf.compress = (unsigned int)comp;
#ifndef KCAP_WITH_LZO
	/* as conf.c does with core_collector makedumpfile -l, so that the log says what is written */
	if (conf.compress == DUMP_COMP_LZO) {
		log_warnx("save: -l (lzo) written as -c (zlib): this kcap is built without LZO");
		conf.compress = DUMP_COMP_ZLIB;
	}
#endif
	if (flat >= 0)
		conf.flat = flat;
	if (level >= 0)
		conf.dump_level = level;

	if (capture_open(&cap, argv[optind], &conf) < 0)
		return 1;
	if (raw) {
		snprintf(what, sizeof(what), "raw %s", argv[optind + 1]);
		ret = target_raw_write(&cap, "save", what, argv[optind + 1]);
		if (!ret)
			printf("%s\n", argv[optind + 1]);
	} else {
		ret = capture_to_dir(&cap, "save", argv[optind + 1], argv[optind + 1],
				     dir, sizeof(dir), &dirfd);
		if (dirfd >= 0) {
			report_write(dirfd, argv[optind + 1]);
			printf("%s\n", dir);
			close(dirfd);
		}
	}
	capture_log_peak_memory();
	capture_close(&cap);
	return ret ? 1 : 0;
}
