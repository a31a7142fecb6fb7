// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 40-dfcheck: host driver for the writer tests (the writers, the reader
 * and kcap convert, without the capture sequence of main.c).
 *
 *   40-dfcheck write [-c|-l] [-E] [-F] [-d LEVEL] IN OUT|-
 *       dumpfile_write(); prints "level L dumped N zero N bytes N"
 *   40-dfcheck verify IN OUT MANIFEST LEVEL [partial]
 *       every page LEVEL keeps (MANIFEST from 40-mkcore) is in OUT with
 *       IN's bytes; every other page is absent from OUT or reads as zeros.
 *       partial: kept pages may be missing (an incomplete dump), but at
 *       least one must be there
 *   40-dfcheck complete FILE
 *       prints "complete" or "incomplete: why" (the reader's check)
 *   40-dfcheck convert ARGS...     cmd_convert()
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "dump_read.h"
#include "dump_write.h"
#include "log.h"

static int cmd_write(int argc, char **argv)
{
	struct dumpfile_opts o;
	struct dumpfile_stats st;
	struct dump_write_plan plan;
	struct dump d;
	uint64_t max, exp;
	int c, fd, ret;

	memset(&o, 0, sizeof(o));
	o.format = DUMP_FMT_KDUMP;
	optind = 1;
	while ((c = getopt(argc, argv, "clEFd:")) != -1) {
		switch (c) {
		case 'c': o.compress = DUMP_COMP_ZLIB; break;
		case 'l': o.compress = DUMP_COMP_LZO; break;
		case 'E': o.format = DUMP_FMT_ELF; break;
		case 'F': o.flat = 1; break;
		case 'd': o.dump_level = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 2)
		return 2;
	ret = dump_open(&d, argv[optind]);
	if (ret) {
		log_errno(-ret, "%s", argv[optind]);
		return 1;
	}
	dump_write_plan_init(&plan);
	ret = dumpfile_estimate(&d, &o, &plan, &max, &exp);
	if (ret) {
		log_errno(-ret, "estimate");
		return 1;
	}
	if (!strcmp(argv[optind + 1], "-"))
		fd = 1;
	else
		fd = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		log_warn("%s", argv[optind + 1]);
		return 1;
	}
	ret = dumpfile_write(&d, &o, &plan, fd, 0, &st);
	printf("level %d dumped %llu zero %llu excluded %llu bytes %llu max %llu\n",
	       st.level_used, (unsigned long long)st.pages_dumped,
	       (unsigned long long)st.pages_zero, (unsigned long long)st.pages_excluded,
	       (unsigned long long)st.bytes_written, (unsigned long long)max);
	fflush(stdout);
	if (ret)
		log_errno(-ret, "dumpfile_write");
	else if (!o.flat && st.bytes_written > max)
		log_warnx("estimate: max %llu < %llu written", (unsigned long long)max,
			  (unsigned long long)st.bytes_written);
	if (fd > 1)
		close(fd);
	dump_close(&d);
	return ret ? 1 : 0;
}

static int excluded(const char *cls, int level)
{
	if ((level & 1) && strchr(cls, 'Z'))
		return 1;
	if ((level & 2) && strchr(cls, 'C'))
		return 1;
	if ((level & 4) && (strchr(cls, 'C') || strchr(cls, 'P')))
		return 1;
	if ((level & 8) && strchr(cls, 'U'))
		return 1;
	if ((level & 16) && strchr(cls, 'F'))
		return 1;
	if ((level & 30) && strchr(cls, 'O'))
		return 1;
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	static unsigned char a[4096], b[4096], zero[4096];
	unsigned long long pfn, kept = 0, gone = 0, zeroed = 0, bad = 0, missing = 0;
	struct dump in, out;
	char cls[16];
	FILE *m;
	int level, ret, pres, partial;

	if (argc != 5 && argc != 6)
		return 2;
	level = atoi(argv[4]);
	partial = argc == 6 && !strcmp(argv[5], "partial");
	ret = dump_open(&in, argv[1]);
	if (ret) {
		log_errno(-ret, "%s", argv[1]);
		return 1;
	}
	ret = dump_open(&out, argv[2]);
	if (ret) {
		log_errno(-ret, "%s", argv[2]);
		dump_close(&in);
		return 1;
	}
	if (in.page_size != 4096 || out.page_size != 4096) {
		log_warnx("page size");
		return 1;
	}
	m = fopen(argv[3], "r");
	if (!m) {
		log_warn("%s", argv[3]);
		return 1;
	}
	while (fscanf(m, "%llx %15s", &pfn, cls) == 2) {
		ret = dump_read_page(&in, pfn, a);
		if (ret) {
			log_errno(-ret, "source pfn %llx", pfn);
			return 1;
		}
		pres = dump_pfn_present(&out, pfn) > 0;
		if (pres && (ret = dump_read_page(&out, pfn, b))) {
			if (!partial || ret != -ENOENT) {
				log_errno(-ret, "output pfn %llx", pfn);
				return 1;
			}
			pres = 0;	/* descriptor never written */
		}
		if (!excluded(cls, level)) {
			if (!pres && partial) {
				missing++;
				continue;
			}
			if (!pres || memcmp(a, b, sizeof(a))) {
				if (bad++ < 5)
					printf("FAIL: pfn %llx (%s) kept at level %d: %s\n", pfn, cls,
					       level, pres ? "wrong data" : "missing");
				continue;
			}
			kept++;
		} else if (pres && memcmp(b, zero, sizeof(b))) {
			if (bad++ < 5)
				printf("FAIL: pfn %llx (%s) excluded at level %d: present with data\n",
				       pfn, cls, level);
		} else {
			gone++;
			zeroed += pres;
		}
	}
	fclose(m);
	for (pfn = 0; pfn < out.max_pfn; pfn++) {
		if (pfn < in.max_pfn && dump_pfn_exists(&in, pfn))
			continue;
		if (dump_pfn_present(&out, pfn) > 0 && bad++ < 5)
			printf("FAIL: pfn %llx present in the output, not in the source\n", pfn);
	}
	printf("kept %llu excluded %llu (as zeros %llu) missing %llu bad %llu\n", kept, gone,
	       zeroed, missing, bad);
	dump_close(&in);
	dump_close(&out);
	return bad || !kept ? 1 : 0;
}

static int cmd_complete(int argc, char **argv)
{
	char why[256] = "";
	struct dump d;
	int ret;

	if (argc != 2)
		return 2;
	ret = dump_open(&d, argv[1]);
	if (ret) {
		printf("cannot open: %s\n", strerror(-ret));
		return 1;
	}
	ret = dump_check_complete(&d, why, sizeof(why));
	if (ret < 0)
		printf("error: %s\n", strerror(-ret));
	else if (ret)
		printf("incomplete: %s\n", why);
	else
		printf("complete level %d format %s\n", d.dump_level, dump_format_name(d.format));
	dump_close(&d);
	return 0;
}

int main(int argc, char **argv)
{
	log_init(0);
	if (argc >= 2 && !strcmp(argv[1], "write"))
		return cmd_write(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "complete"))
		return cmd_complete(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "convert"))
		return cmd_convert(argc - 1, argv + 1);
	fprintf(stderr, "usage: 40-dfcheck write|verify|complete|convert ...\n");
	return 2;
}
