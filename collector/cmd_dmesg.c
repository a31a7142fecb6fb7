// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap dmesg DUMPFILE [OUTFILE]: the crashed kernel's log (dmesg.c) as
 * makedumpfile --dump-dmesg writes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "dmesg.h"
#include "log.h"

static void dmesg_usage(void)
{
	fprintf(stderr, "usage: kcap dmesg DUMPFILE [OUTFILE]\n"
		"  Write the crashed kernel's log (as makedumpfile --dump-dmesg)\n"
		"  from a vmcore, ELF, kdump-compressed or flattened dump.\n");
}

int cmd_dmesg(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump d;
	int fd = STDOUT_FILENO, ret, opt;
	const char *out = NULL;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (opt == 'h') {
			dmesg_usage();
			return 0;
		}
		dmesg_usage();
		return 2;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc < 2 || argc > 3) {
		dmesg_usage();
		return 2;
	}
	ret = dump_open(&d, argv[1]);
	if (ret) {
		log_errno(ret, "%s: cannot open dump", argv[1]);
		return 1;
	}
	if (argc == 3) {
		out = argv[2];
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			log_warn("%s: cannot create", out);
			dump_close(&d);
			return 1;
		}
	}
	ret = dmesg_write(&d, fd);
	if (ret == -ENOENT)
		log_warnx("%s: cannot extract the kernel log: a page or VMCOREINFO "
			  "entry it needs is not in the dump%s", argv[1],
			  out && lseek(fd, 0, SEEK_CUR) > 0 ?
			  " (what was written is kept)" : "");
	else if (ret)
		log_errno(ret, "%s: cannot extract the kernel log%s", argv[1],
			  out && lseek(fd, 0, SEEK_CUR) > 0 ?
			  " (what was written is kept)" : "");
	if (out) {
		/* a partial log is worth keeping; an empty file is not */
		if (ret && lseek(fd, 0, SEEK_CUR) == 0)
			unlink(out);
		if (close(fd) < 0 && !ret) {
			log_warn("%s: close", out);
			ret = -EIO;
		}
	}
	dump_close(&d);
	return ret ? 1 : 0;
}
