// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap save [--raw] VMCORE DIR|DEVICE: what the capture kernel does with
 * one target, on the host: a directory sink (or --raw, a raw one) and
 * save.c's sequence, without kexec-dmesg.log. --ssh USER@HOST: the ssh
 * target of the capture kernel (sshkey, sshport, ssh_known_hosts from
 * --conf), DIR being the path on the server.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "capture.h"
#include "cmd.h"
#include "log.h"
#include "report.h"
#include "save.h"
#include "target.h"

static void save_usage(void)
{
	fprintf(stderr,
		"usage: kcap save [--conf FILE] [-c|-l|-E] [-F] [-d LEVEL] VMCORE DIR\n"
		"       kcap save --raw [--conf FILE] [-c|-l|-E] [-F] [-d LEVEL] VMCORE DEVICE|FILE\n"
		"       kcap save --ssh USER@HOST [--conf FILE] [-c|-l|-E] [-d LEVEL] VMCORE PATH\n"
		"Saves VMCORE like the capture kernel does: DIR/<host>-<date>/vmcore-dmesg.txt\n"
		"and vmcore, or (--raw) a raw target readable by `kcap savecore`, or (--ssh)\n"
		"HOST:PATH/<host>-<date>/vmcore.flat through dbclient (KCAP_DBCLIENT names it).\n"
		"Prints the dump directory (or device). Exit 0 when the vmcore is complete.\n");
}

int cmd_save(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "conf", required_argument, NULL, 'C' },
		{ "raw", no_argument, NULL, 'R' },
		{ "ssh", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conffile = NULL, *ssh = NULL;
	int elf = -1, comp = -1, flat = -1, level = -1, raw = 0;
	struct kcap_conf conf;
	struct capture cap;
	struct log_ctx lc;
	struct sink s;
	char what[PATH_MAX + 8], *end;
	int opt, ret;

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
		case 'S':
			ssh = optarg;
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
		conf.format = elf ? DUMP_FMT_ELF : DUMP_FMT_KDUMP;
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

	if (save_open(&cap, argv[optind], &conf) < 0)
		return 1;
	lc.tag = "save";
	if (ssh) {
		struct conf_target t = { .kind = TARGET_SSH };

		snprintf(t.spec, sizeof(t.spec), "%s", ssh);
		snprintf(conf.path, sizeof(conf.path), "%s", argv[optind + 1]);
		snprintf(what, sizeof(what), "ssh %s", ssh);
		lc.what = what;
		ret = target_ssh_prepare(&conf, &t, 1, &lc, &s);
		if (!ret) {
			ret = save_to_sink(&cap, &s, &lc);
			if (!ret)
				printf("%s\n", s.dir);
			target_ssh_release(&lc, &s);
		}
	} else if (raw) {
		snprintf(what, sizeof(what), "raw %s", argv[optind + 1]);
		lc.what = what;
		ret = sink_init(&s, SINK_RAW, argv[optind + 1]);
		if (!ret)
			ret = save_to_sink(&cap, &s, &lc);
		if (!ret)
			printf("%s\n", argv[optind + 1]);
	} else {
		lc.what = argv[optind + 1];
		ret = sink_init(&s, SINK_DIR, argv[optind + 1]);
		if (!ret)
			ret = save_to_sink(&cap, &s, &lc);
		if (s.dirfd >= 0) {
			/* no kexec-dmesg.log: this is not a capture kernel */
			report_write(s.dirfd, argv[optind + 1]);
			printf("%s\n", s.dir);
			close(s.dirfd);
		}
	}
	save_log_peak_memory();
	save_close(&cap);
	return ret ? 1 : 0;
}
