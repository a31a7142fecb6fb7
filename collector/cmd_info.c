// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap info DUMPFILE: what a dump is and whether it is whole.
 *
 * One "key: value" line per fact, keys fixed, so scripts and tests can
 * grep them; a fact we cannot know says "unknown". Exit status 0 when the
 * dump is complete, 1 when it is incomplete (the writer's flag, or the
 * file is shorter than its own headers and descriptors say) or cannot be
 * read, 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "dmesg.h"
#include "dump_read.h"
#include "log.h"

static void comp_names(unsigned int c, char *buf, size_t len)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ DUMP_COMP_ZLIB, "zlib" },
		{ DUMP_COMP_LZO, "lzo" },
		{ DUMP_COMP_SNAPPY, "snappy" },
		{ DUMP_COMP_ZSTD, "zstd" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (c & names[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s",
					      n ? "," : "", names[i].name);
	}
	if (!n)
		snprintf(buf, len, "none");
}

static void info_usage(void)
{
	fprintf(stderr, "usage: kcap info DUMPFILE\n"
		"  Describe a vmcore, ELF, kdump-compressed or flattened dump;\n"
		"  exit 1 if it is incomplete.\n");
}

int cmd_info(int argc, char **argv)
{
	struct dump d;
	struct dump_ident id;
	char comp[64], why[256], when[64];
	uint64_t exist = 0, present = 0, mem = 0;
	const char *bid;
	struct tm tm;
	time_t t;
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ret, inc, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		info_usage();
		return opt == 'h' ? 0 : 2;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 2) {
		info_usage();
		return 2;
	}
	ret = dump_open(&d, argv[1]);
	if (ret) {
		struct stat st;

		log_errno(ret, "%s: cannot open dump", argv[1]);
		/* empty: a writer cut off before its headers (a power cut) */
		if (stat(argv[1], &st) == 0 && S_ISREG(st.st_mode) && !st.st_size)
			ret = -ENODATA;
		/* a file cut short inside its headers is still an answer */
		if (ret == -EUCLEAN || ret == -ENODATA) {
			printf("file: %s\n", argv[1]);
			printf("format: unknown\n");
			printf("status: INCOMPLETE\n");
			printf("incomplete_reason: unreadable headers: %s\n",
			       strerror(-ret));
		}
		return 1;
	}
	dump_ident(&d, &id);
	if (dump_count_pages(&d, &exist, &present) != 0)
		exist = present = 0;
	mem = exist * d.page_size;	/* the same for a dump and its copies */
	inc = dump_check_complete(&d, why, sizeof(why));
	if (inc < 0) {
		snprintf(why, sizeof(why), "cannot check: %s", strerror(-inc));
		inc = 1;
	}
	comp_names(d.compression, comp, sizeof(comp));
	bid = vmcoreinfo_str(&d, "BUILD-ID");

	printf("file: %s\n", argv[1]);
	printf("format: %s\n", dump_format_name(d.format));
	printf("release: %s\n", id.release[0] ? id.release : "unknown");
	printf("nodename: %s\n", id.nodename[0] ? id.nodename : "unknown");
	printf("build_id: %s\n", bid && *bid ? bid : "unknown");
	if (id.crash_time > 0) {
		t = (time_t)id.crash_time;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		else
			snprintf(when, sizeof(when), "unknown");
		printf("crash_time: %s\n", when);
		printf("crash_epoch: %lld\n", id.crash_time);
	} else {
		printf("crash_time: unknown\n");
		printf("crash_epoch: unknown\n");
	}
	printf("page_size: %llu\n", (unsigned long long)d.page_size);
	if (d.nr_cpus > 0)
		printf("cpus: %d\n", d.nr_cpus);
	else
		printf("cpus: unknown\n");
	printf("memory_bytes: %llu\n", (unsigned long long)mem);
	printf("memory_mib: %llu\n", (unsigned long long)(mem >> 20));
	printf("pages_memory: %llu\n", (unsigned long long)exist);
	printf("pages_present: %llu\n", (unsigned long long)present);
	printf("pages_excluded: %llu\n",
	       (unsigned long long)(exist > present ? exist - present : 0));
	if (d.dump_level >= 0)
		printf("dump_level: %d\n", d.dump_level);
	else
		printf("dump_level: unknown\n");
	printf("compression: %s\n", comp);
	printf("status: %s\n", inc ? "INCOMPLETE" : "COMPLETE");
	if (inc)
		printf("incomplete_reason: %s\n", why[0] ? why : "unknown");
	fflush(stdout);
	dump_close(&d);
	return inc ? 1 : 0;
}
