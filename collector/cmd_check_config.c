// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap check-config: check a kdump.conf (conf.c) and print it normalised.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cmd.h"
#include "conf.h"
#include "log.h"

static void check_report(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

static int check_usage(void)
{
	fprintf(stderr, "usage: kcap check-config [--lenient] [--cmdline \"WORDS\"] FILE\n");
	return 2;
}

/*
 * kcap check-config [--lenient] [--cmdline "WORDS"] FILE
 * Like the -n of OpenBSD daemons: every problem on stderr as FILE:LINE:
 * error|warning: ..., then, when there is no error, the normalised
 * configuration on stdout. --cmdline applies kernel command line words on
 * top (a bad value there fails the check); --lenient parses the way PID 1
 * does at capture time. Exit 0 ok, 1 errors, 2 usage.
 */
int cmd_check_config(int argc, char **argv)
{
	static struct kcap_conf conf;
	static char text[4 * PATH_MAX + CONF_MAX_TARGETS * (CONF_STR_MAX + 8) +
			 4 * CONF_STR_MAX];
	static const struct option longopts[] = {
		{ "lenient", no_argument, NULL, 'L' },
		{ "cmdline", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmdline = NULL, *file = NULL;
	int strict = 1, ret, opt, status = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'L':
			strict = 0;
			break;
		case 'C':
			cmdline = optarg;
			break;
		default:
			return check_usage();
		}
	}
	if (argc - optind > 1)
		return check_usage();
	if (optind < argc)
		file = argv[optind];
	if (!file)
		return check_usage();

	conf_init(&conf);
	ret = conf_parse_file(&conf, file, strict, check_report, NULL);
	if (ret == -EINVAL)
		return 1;
	if (ret == -EFBIG) {
		log_warnx("%s: larger than %d bytes, not a kdump.conf", file,
			  CONF_FILE_MAX);
		return 1;
	}
	if (ret < 0) {
		log_errno(ret, "%s", file);
		return 1;
	}
	if (cmdline && conf_apply_cmdline(&conf, cmdline, check_report, NULL) &&
	    strict)
		status = 1;
	ret = conf_format(&conf, text, sizeof(text));
	if (ret < 0) {
		log_errno(ret, "%s: formatting the configuration", file);
		return 1;
	}
	if (status)
		return status;
	fputs(text, stdout);
	if (fflush(stdout)) {
		log_warn("stdout");
		return 1;
	}
	return 0;
}
